// provision/device_auth.cpp — secret file, password derivation, digest verification.
#include "provision/device_auth.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "provision/device_secret.hpp"
#include "provision/mac.hpp"
#include "sip/digest.hpp"

namespace callplan::provision {
namespace {

constexpr std::size_t kNonceMacBytes = 16;

std::string hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0x0f]);
  }
  return out;
}

std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &length);
  return out;
}

std::string md5_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr);
  return hex(digest, length);
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return hex(digest, length);
}

std::int64_t seconds_of(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Quoted-pair escapes removed (the parser keeps them for zero-copy).
std::string unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    out.push_back(text[i]);
  }
  return out;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string_view to_string(DigestVerdict::Status status) noexcept {
  switch (status) {
    case DigestVerdict::ok: return "ok";
    case DigestVerdict::missing: return "missing";
    case DigestVerdict::malformed: return "malformed";
    case DigestVerdict::stale: return "stale";
    case DigestVerdict::wrong: return "wrong";
    case DigestVerdict::replayed: return "replayed";
  }
  return "unknown";
}

DigestVerifier::DigestVerifier(std::string secret, std::chrono::seconds nonce_lifetime,
                               std::size_t max_tracked_nonces)
    : secret_(std::move(secret)), lifetime_(nonce_lifetime),
      max_tracked_(std::max<std::size_t>(4, max_tracked_nonces)) {}

// Nonce: 16 hex digits of the issue time, 16 of the serial, 32 of HMAC-SHA256(secret, "nonce"
// || both). 64 characters, all lower-case hex.
std::string DigestVerifier::make_nonce(std::int64_t issued, std::uint64_t serial) const {
  unsigned char head[16];
  for (int i = 0; i < 8; ++i) {
    head[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(issued) >> (56 - 8 * i));
    head[8 + i] = static_cast<unsigned char>(serial >> (56 - 8 * i));
  }
  std::string data = "callplan provisioning nonce";
  data.push_back('\0');
  data.append(reinterpret_cast<const char*>(head), sizeof head);
  const auto mac = hmac_sha256(secret_, data);
  return hex(head, sizeof head) + hex(mac.data(), kNonceMacBytes);
}

std::int64_t DigestVerifier::nonce_issued(std::string_view nonce) const {
  if (nonce.size() != 64) return -1;
  std::uint64_t issued = 0;
  std::uint64_t serial = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const char c = nonce[i];
    int v = 0;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else return -1;
    (i < 16 ? issued : serial) = ((i < 16 ? issued : serial) << 4) | static_cast<unsigned>(v);
  }
  const std::string expected = make_nonce(static_cast<std::int64_t>(issued), serial);
  if (!equal_constant_time(expected, nonce)) return -1;
  return static_cast<std::int64_t>(issued);
}

std::string DigestVerifier::challenge(bool stale, TimePoint now) {
  std::string value = "Digest realm=\"";
  value.append(kProvisioningRealm);
  value += "\", qop=\"auth\", algorithm=MD5, nonce=\"";
  value += make_nonce(seconds_of(now), next_serial_++);
  value += '"';
  if (stale) value += ", stale=true";
  return value;
}

void DigestVerifier::purge(std::int64_t now_s) {
  const std::int64_t oldest = now_s - lifetime_.count();
  std::erase_if(last_nc_, [&](const auto& entry) {
    const std::int64_t issued = nonce_issued(entry.first);
    return issued < oldest;
  });
  if (last_nc_.size() < max_tracked_) return;
  // Still full of live nonces (a burst): forget all of them; nonces issued up to now answer
  // `stale` from here on (never unchecked), so their phones simply take a new one.
  last_nc_.clear();
  forgotten_through_ = now_s;
}

DigestVerdict DigestVerifier::verify(std::string_view authorization, std::string_view method,
                                     std::string_view uri, TimePoint now) {
  DigestVerdict verdict;
  if (authorization.empty()) return verdict;
  sip::DigestCredentials c;
  const sip::DigestStatus parsed = sip::parse_digest_credentials(authorization, c);
  if (parsed == sip::DigestStatus::not_digest) return verdict;  // missing: challenge
  if (parsed != sip::DigestStatus::ok) {
    verdict.status = DigestVerdict::malformed;
    return verdict;
  }
  verdict.username = c.username_escaped ? unescape(c.username) : std::string(c.username);
  const std::string realm = c.realm_escaped ? unescape(c.realm) : std::string(c.realm);
  if (realm != kProvisioningRealm || c.uri != uri || c.qop != "auth" ||
      (c.algorithm != sip::DigestAlgorithm::md5 &&
       c.algorithm != sip::DigestAlgorithm::sha256)) {
    verdict.status = DigestVerdict::malformed;
    return verdict;
  }
  // The password of whatever MAC is named: the work is the same for known and unknown MACs.
  const std::optional<std::string> mac = normalise_mac(verdict.username);
  const std::string password = device_password(secret_, mac ? *mac : lower(verdict.username));
  const auto h = c.algorithm == sip::DigestAlgorithm::md5 ? md5_hex : sha256_hex;
  const std::string ha1 = h(verdict.username + ":" + realm + ":" + password);
  const std::string ha2 = h(std::string(method) + ":" + std::string(uri));
  const std::string expected = h(ha1 + ":" + std::string(c.nonce) + ":" +
                                 std::string(c.nc_text) + ":" + std::string(c.cnonce) +
                                 ":auth:" + ha2);
  const bool response_ok = equal_constant_time(expected, lower(c.response));

  const std::int64_t now_s = seconds_of(now);
  const std::int64_t issued = nonce_issued(c.nonce);
  if (issued < 0) {
    verdict.status = DigestVerdict::wrong;  // not our nonce: a forged or foreign one
    return verdict;
  }
  if (!response_ok || !mac) {
    verdict.status = DigestVerdict::wrong;
    return verdict;
  }
  if (now_s - issued > lifetime_.count() || issued > now_s || issued <= forgotten_through_) {
    verdict.status = DigestVerdict::stale;
    return verdict;
  }
  auto it = last_nc_.find(std::string(c.nonce));
  if (it != last_nc_.end()) {
    if (c.nc <= it->second) {
      verdict.status = DigestVerdict::replayed;
      return verdict;
    }
    it->second = c.nc;
  } else {
    if (last_nc_.size() >= max_tracked_) purge(now_s);
    if (issued <= forgotten_through_) {
      verdict.status = DigestVerdict::stale;
      return verdict;
    }
    last_nc_.emplace(std::string(c.nonce), c.nc);
  }
  verdict.status = DigestVerdict::ok;
  return verdict;
}

}  // namespace callplan::provision
