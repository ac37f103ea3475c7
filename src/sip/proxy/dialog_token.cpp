#include "sip/proxy/dialog_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>
#include <system_error>

#include <asio/ip/address.hpp>

namespace callplan::sip {
namespace {

constexpr std::uint8_t kVersion = 1;
// The payload is encrypted (AES-256-CTR with a nonce never used before) before it is signed: it holds the
// phone's From, Contact and address, which the carrier must not read (topology hiding).
constexpr std::size_t kNonceBytes = 12;

// A key of its own for the encryption, derived from the signing secret.
std::string derive_key(std::string_view secret, std::string_view purpose) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size(), out,
           &len) == nullptr)
    throw std::runtime_error("OpenSSL could not derive the dialog token key");
  return std::string(reinterpret_cast<const char*>(out), len);
}

// Longer strings are not signed: a URI user part has to stay well inside the parser's limits.
constexpr std::size_t kMaxField = 512;

// --- payload: version, side, expiry (8 bytes big-endian), then length-prefixed strings.

void put_u16(std::string& out, std::size_t n) {
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>(n & 0xff));
}

void put_string(std::string& out, std::string_view s) {
  put_u16(out, s.size());
  out.append(s);
}

struct Reader {
  std::string_view in;
  bool ok = true;

  std::uint8_t byte() {
    if (in.empty()) {
      ok = false;
      return 0;
    }
    auto b = static_cast<std::uint8_t>(in.front());
    in.remove_prefix(1);
    return b;
  }
  std::size_t u16() {
    const std::size_t high = byte();  // two statements: the order of reads is fixed
    return (high << 8) | byte();
  }
  std::string string() {
    const std::size_t n = u16();
    if (!ok || n > in.size()) {
      ok = false;
      return {};
    }
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
};

// base64url without padding (RFC 4648 section 5): only characters a SIP user part allows
// unescaped.
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

std::optional<std::string> from_base64url(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 6) return std::nullopt;  // a dangling character: not what base64url() writes
  return out;
}

}  // namespace

const char* to_string(TokenRefusal refusal) {
  switch (refusal) {
    case TokenRefusal::none: return "valid";
    case TokenRefusal::not_a_token: return "not a dialog token";
    case TokenRefusal::malformed: return "malformed";
    case TokenRefusal::bad_signature: return "bad signature";
    case TokenRefusal::expired: return "expired";
    case TokenRefusal::other_dialog: return "issued for another dialog";
  }
  return "?";
}

std::string random_dialog_secret() {
  std::string secret(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()),
                 static_cast<int>(secret.size())) != 1)
    throw std::runtime_error("OpenSSL could not produce random bytes for the dialog secret");
  return secret;
}

// OpenSSL 3 looks an algorithm up in its providers each time one is named (EVP_sha256(),
// HMAC(), EVP_aes_256_ctr()), which cost more than the hashing itself at thousands of calls
// a second: they are fetched once, and the HMAC is keyed once, then copied per token.
struct DialogTokens::Prepared {
  EVP_MAC* hmac = nullptr;
  EVP_MAC_CTX* keyed_hmac = nullptr;  // HMAC-SHA256 with the secret: a template, never updated
  EVP_CIPHER* aes_256_ctr = nullptr;
  std::string cipher_key;             // AES-256 key derived from the secret

  ~Prepared() {
    EVP_MAC_CTX_free(keyed_hmac);
    EVP_MAC_free(hmac);
    EVP_CIPHER_free(aes_256_ctr);
  }
};

DialogTokens::DialogTokens(std::string secret)
    : secret_(std::move(secret)), prepared_(std::make_unique<Prepared>()) {
  if (secret_.size() < 16) throw std::invalid_argument("dialog token secret shorter than 16 bytes");
  prepared_->cipher_key = derive_key(secret_, "callplan dialog token encryption");
  prepared_->hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  prepared_->aes_256_ctr = EVP_CIPHER_fetch(nullptr, "AES-256-CTR", nullptr);
  if (prepared_->hmac != nullptr) prepared_->keyed_hmac = EVP_MAC_CTX_new(prepared_->hmac);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                               OSSL_PARAM_construct_end()};
  if (prepared_->keyed_hmac == nullptr || prepared_->aes_256_ctr == nullptr ||
      EVP_MAC_init(prepared_->keyed_hmac, reinterpret_cast<const unsigned char*>(secret_.data()),
                   secret_.size(), params) != 1)
    throw std::runtime_error("OpenSSL could not prepare HMAC-SHA256 and AES-256-CTR");
  unsigned char start[12];
  if (RAND_bytes(start, sizeof start) != 1)
    throw std::runtime_error("OpenSSL could not produce random bytes for the token nonces");
  std::uint64_t low = 0;
  for (int i = 0; i < 4; ++i) nonce_high_ = (nonce_high_ << 8) | start[i];
  for (int i = 4; i < 12; ++i) low = (low << 8) | start[i];
  nonce_low_.store(low, std::memory_order_relaxed);
}

DialogTokens::~DialogTokens() = default;

std::string DialogTokens::next_nonce() const {
  const std::uint64_t low = nonce_low_.fetch_add(1, std::memory_order_relaxed);
  std::string nonce(kNonceBytes, '\0');
  for (int i = 0; i < 4; ++i) nonce[i] = static_cast<char>((nonce_high_ >> (24 - 8 * i)) & 0xff);
  for (int i = 0; i < 8; ++i) nonce[4 + i] = static_cast<char>((low >> (56 - 8 * i)) & 0xff);
  return nonce;
}

// AES-256-CTR: the same call encrypts and decrypts. The counter block is the nonce followed
// by a 32-bit block counter from 0 (payloads are far below 2^32 blocks).
std::string DialogTokens::aes_ctr(std::string_view nonce, std::string_view in) const {
  unsigned char iv[16] = {};
  std::copy(nonce.begin(), nonce.end(), iv);
  std::string out(in.size(), '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  const bool ok =
      ctx != nullptr &&
      EVP_EncryptInit_ex2(ctx, prepared_->aes_256_ctr,
                          reinterpret_cast<const unsigned char*>(prepared_->cipher_key.data()), iv,
                          nullptr) == 1 &&
      EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                        reinterpret_cast<const unsigned char*>(in.data()),
                        static_cast<int>(in.size())) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) throw std::runtime_error("OpenSSL could not run AES-256-CTR for a dialog token");
  return out;
}

std::string DialogTokens::mac(std::string_view call_id, std::string_view payload) const {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(prepared_->keyed_hmac);
  const unsigned char zero = 0;
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  const bool ok =
      ctx != nullptr &&
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(call_id.data()),
                     call_id.size()) == 1 &&
      EVP_MAC_update(ctx, &zero, 1) == 1 &&
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(payload.data()),
                     payload.size()) == 1 &&
      EVP_MAC_final(ctx, out, &len, sizeof out) == 1;
  EVP_MAC_CTX_free(ctx);
  if (!ok || len < mac_bytes)
    throw std::runtime_error("OpenSSL could not compute the dialog token HMAC");
  return std::string(reinterpret_cast<const char*>(out), mac_bytes);
}

std::string DialogTokens::issue(std::string_view call_id, const DialogTicket& t) const {
  std::string payload;
  payload.push_back(static_cast<char>(kVersion));
  payload.push_back(static_cast<char>(t.side));
  for (int shift = 56; shift >= 0; shift -= 8)
    payload.push_back(static_cast<char>((static_cast<std::uint64_t>(t.expires) >> shift) & 0xff));
  auto field = [](std::string_view s) { return s.size() > kMaxField ? std::string_view{} : s; };
  put_string(payload, field(t.caller_tag));
  put_string(payload, field(t.phone_from));
  put_string(payload, field(t.trunk_from));
  put_string(payload, field(t.phone_contact));
  if (t.phone) {
    payload.push_back(static_cast<char>(t.phone->protocol));
    put_string(payload, t.phone->address.to_string());
    put_u16(payload, t.phone->port);
  } else {
    payload.push_back('\xff');
  }
  const std::string nonce = next_nonce();
  const std::string sealed = nonce + aes_ctr(nonce, payload);
  return std::string(prefix) + base64url(sealed + mac(call_id, sealed));
}

std::optional<DialogTicket> DialogTokens::verify(std::string_view token, std::string_view call_id,
                                                 std::string_view tag1, std::string_view tag2,
                                                 std::int64_t now, TokenRefusal* why) const {
  auto refuse = [why](TokenRefusal r) -> std::optional<DialogTicket> {
    if (why != nullptr) *why = r;
    return std::nullopt;
  };
  if (!looks_like_token(token)) return refuse(TokenRefusal::not_a_token);
  const std::optional<std::string> raw = from_base64url(token.substr(prefix.size()));
  if (!raw || raw->size() < kNonceBytes + 12 + mac_bytes) return refuse(TokenRefusal::malformed);
  const std::string_view sealed = std::string_view(*raw).substr(0, raw->size() - mac_bytes);
  const std::string expected = mac(call_id, sealed);
  // Constant time: a forger learns nothing from how long the comparison took.
  if (CRYPTO_memcmp(expected.data(), raw->data() + sealed.size(), mac_bytes) != 0)
    return refuse(TokenRefusal::bad_signature);
  // Signed, so ours: only now decrypted (encrypt-then-MAC).
  const std::string payload =
      aes_ctr(sealed.substr(0, kNonceBytes), sealed.substr(kNonceBytes));
  Reader r{payload};
  DialogTicket t;
  if (r.byte() != kVersion) return refuse(TokenRefusal::malformed);
  const std::uint8_t side = r.byte();
  if (side > static_cast<std::uint8_t>(DialogSide::trunk_in)) return refuse(TokenRefusal::malformed);
  t.side = static_cast<DialogSide>(side);
  std::uint64_t expires = 0;
  for (int i = 0; i < 8; ++i) expires = (expires << 8) | r.byte();
  t.expires = static_cast<std::int64_t>(expires);
  t.caller_tag = r.string();
  t.phone_from = r.string();
  t.trunk_from = r.string();
  t.phone_contact = r.string();
  const std::uint8_t protocol = r.byte();
  if (protocol != 0xff) {
    const std::string address = r.string();
    const std::size_t port = r.u16();
    std::error_code ec;
    Peer p{.protocol = protocol == 1 ? Protocol::tcp : Protocol::udp,
           .address = asio::ip::make_address(address, ec),
           .port = static_cast<std::uint16_t>(port)};
    if (ec || protocol > 1) return refuse(TokenRefusal::malformed);
    t.phone = p;
  }
  if (!r.ok || !r.in.empty()) return refuse(TokenRefusal::malformed);
  if (now >= t.expires) return refuse(TokenRefusal::expired);
  if (t.caller_tag.empty() || (tag1 != t.caller_tag && tag2 != t.caller_tag))
    return refuse(TokenRefusal::other_dialog);
  if (why != nullptr) *why = TokenRefusal::none;
  return t;
}

}  // namespace callplan::sip
