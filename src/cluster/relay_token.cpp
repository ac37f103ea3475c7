#include "cluster/relay_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <charconv>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "cluster/cluster_secret.hpp"

namespace callplan::cluster {
namespace {

constexpr std::string_view kPrefix = "cr1.";
constexpr std::size_t kMacBytes = 16;
// Longer payloads are not ours (a username is at most a few dozen bytes): checked before any
// work, so a huge Route costs nothing.
constexpr std::size_t kMaxPayloadBytes = 512;

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case is not ours either: we write lower case only
}

std::optional<std::string> unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = nibble(text[i]);
    const int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi << 4 | lo);
  }
  return out;
}

}  // namespace

RelayTokens::RelayTokens(std::string_view secret) : key_(derive_key(secret, kRelayTokenLabel)) {}

std::string RelayTokens::mac(std::string_view payload, std::string_view branch) const {
  std::string message;
  message.reserve(payload.size() + 1 + branch.size());
  message.append(payload).append("\n").append(branch);
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(),
           &length) == nullptr)
    throw std::runtime_error("OpenSSL could not compute a relay token's MAC");
  return std::string(reinterpret_cast<const char*>(out.data()), kMacBytes);
}

std::string RelayTokens::issue(std::string_view username, const sip::Peer& flow,
                               std::string_view branch, std::int64_t expires_s) const {
  const std::string payload = fmt::format("{}\n{}\n{}", expires_s, username, flow.to_string());
  return fmt::format("{}{}.{}", kPrefix, hex(payload), hex(mac(payload, branch)));
}

bool RelayTokens::looks_like_token(std::string_view user) { return user.starts_with(kPrefix); }

RelayTokens::Checked RelayTokens::check(std::string_view token, std::string_view branch,
                                        std::int64_t now_s) const {
  Checked out;
  if (!looks_like_token(token)) return out;
  out.verdict = Verdict::forged;
  token.remove_prefix(kPrefix.size());
  const auto dot = token.find('.');
  if (dot == std::string_view::npos || dot > 2 * kMaxPayloadBytes) return out;
  const auto payload = unhex(token.substr(0, dot));
  const auto given = unhex(token.substr(dot + 1));
  if (!payload || !given || given->size() != kMacBytes) return out;
  const std::string expected = mac(*payload, branch);
  if (CRYPTO_memcmp(expected.data(), given->data(), kMacBytes) != 0) return out;
  // Made by a node: its content is what that node wrote.
  const std::string_view p = *payload;
  const auto lf1 = p.find('\n');
  const auto lf2 = lf1 == std::string_view::npos ? lf1 : p.find('\n', lf1 + 1);
  if (lf2 == std::string_view::npos) return out;
  std::int64_t expires = 0;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + lf1, expires);
  if (ec != std::errc() || end != p.data() + lf1) return out;
  auto flow = sip::parse_peer(p.substr(lf2 + 1));
  if (!flow) return out;
  if (expires < now_s) {
    out.verdict = Verdict::expired;
    return out;
  }
  out.verdict = Verdict::granted;
  out.username.assign(p.substr(lf1 + 1, lf2 - lf1 - 1));
  out.flow = *flow;
  return out;
}

std::string_view to_string(RelayTokens::Verdict verdict) noexcept {
  switch (verdict) {
    case RelayTokens::Verdict::granted:
      return "granted";
    case RelayTokens::Verdict::not_a_token:
      return "not-a-token";
    case RelayTokens::Verdict::forged:
      return "forged";
    case RelayTokens::Verdict::expired:
      return "expired";
  }
  return "forged";
}

}  // namespace callplan::cluster
