#include "sip/registrar/digest_auth.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "callplan/error.hpp"
#include "sip/digest.hpp"
#include "sip/name_addr.hpp"

namespace callplan::sip {
namespace {

// Nonce layout, all lower-case hex: 16 digits of the issue time (seconds on the steady clock,
// as a two's complement 64-bit number), 16 digits of a per-challenge serial number, then 32
// digits of HMAC-SHA256(secret, time || serial || realm) cut to 16 bytes. The serial makes
// every challenge's nonce unique, so two clients challenged in the same second never share a
// nonce-count history. Hex keeps it free of characters that need escaping in a quoted string,
// and 128 bits of MAC are far beyond what an attacker can guess.
constexpr std::size_t kTimeDigits = 16;
constexpr std::size_t kSerialDigits = 16;
constexpr std::size_t kMacBytes = 16;
constexpr std::size_t kNonceLength = kTimeDigits + kSerialDigits + 2 * kMacBytes;
constexpr char kHex[] = "0123456789abcdef";

std::int64_t seconds_of(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

void append_hex(std::string& out, const unsigned char* bytes, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xF]);
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case never comes from us
}

std::array<unsigned char, 8> big_endian(std::uint64_t bits) {
  std::array<unsigned char, 8> out{};
  for (std::size_t i = 0; i < 8; ++i) {
    out[i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
  }
  return out;
}

// Reads `digits` lower-case hex digits from the front of `text`; false on anything else.
bool read_hex(std::string_view text, std::size_t digits, std::uint64_t& out) {
  out = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const int v = hex_value(text[i]);
    if (v < 0) return false;
    out = (out << 4) | static_cast<std::uint64_t>(v);
  }
  return true;
}

std::string hash_hex(DigestAlgorithm algorithm, std::string_view data) {
  return digest_hex_length(algorithm) == 64 ? sha256_hex(data) : md5_hex(data);
}

// The text inside a quoted string as the peer hashed it (quoted-pairs removed). The common
// case has no backslash and needs no decoding.
std::string unquoted(std::string_view inside) {
  return inside.find('\\') == std::string_view::npos ? std::string(inside) : unquote(inside);
}

std::string lower_hex(std::string_view hex) {
  std::string out(hex);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string quote_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string_view to_string(AuthStatus status) noexcept {
  switch (status) {
    case AuthStatus::ok: return "ok";
    case AuthStatus::missing: return "missing";
    case AuthStatus::malformed: return "malformed";
    case AuthStatus::stale: return "stale";
    case AuthStatus::wrong: return "wrong";
    case AuthStatus::replayed: return "replayed";
  }
  return "unknown";
}

std::string random_secret() {
  std::string secret(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), static_cast<int>(secret.size())) != 1) {
    throw Error("OpenSSL could not produce random bytes for the digest nonce secret");
  }
  return secret;
}

DigestAuthenticator::DigestAuthenticator(std::string realm, std::string secret,
                                         std::chrono::seconds nonce_lifetime)
    : realm_(std::move(realm)), secret_(std::move(secret)), lifetime_(nonce_lifetime) {
  if (secret_.size() < 16) throw Error("the digest nonce secret must have at least 16 bytes");
  realm_quoted_ = quote_escaped(realm_);
  // Derived from the secret so nobody can pick a password that matches the dummy.
  dummy_md5_ = md5_hex("unknown-user:" + realm_ + ":" + secret_);
  dummy_sha256_ = sha256_hex("unknown-user:" + realm_ + ":" + secret_);
  // A random start keeps serials from repeating the same sequence after each restart (not
  // needed for safety, the secret changes too, but it costs nothing).
  std::array<unsigned char, 8> start{};
  if (RAND_bytes(start.data(), static_cast<int>(start.size())) == 1) {
    for (unsigned char byte : start) next_serial_ = (next_serial_ << 8) | byte;
  }
}

std::string DigestAuthenticator::make_nonce(std::int64_t issued, std::uint64_t serial) const {
  const std::array<unsigned char, 8> when = big_endian(static_cast<std::uint64_t>(issued));
  const std::array<unsigned char, 8> which = big_endian(serial);
  std::string message(reinterpret_cast<const char*>(when.data()), when.size());
  message.append(reinterpret_cast<const char*>(which.data()), which.size());
  message.append(realm_);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_length = 0;
  if (HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
           &mac_length) == nullptr ||
      mac_length < kMacBytes) {
    throw Error("OpenSSL could not compute the nonce HMAC");
  }
  std::string nonce;
  nonce.reserve(kNonceLength);
  append_hex(nonce, when.data(), when.size());
  append_hex(nonce, which.data(), which.size());
  append_hex(nonce, mac.data(), kMacBytes);
  return nonce;
}

DigestAuthenticator::NonceInfo DigestAuthenticator::check_nonce(std::string_view nonce) const {
  NonceInfo info;
  std::uint64_t time_bits = 0;
  std::uint64_t serial = 0;
  if (nonce.size() != kNonceLength || !read_hex(nonce, kTimeDigits, time_bits) ||
      !read_hex(nonce.substr(kTimeDigits), kSerialDigits, serial)) {
    return info;
  }
  info.issued = static_cast<std::int64_t>(time_bits);
  const std::string expected = make_nonce(info.issued, serial);
  info.ours = CRYPTO_memcmp(expected.data(), nonce.data(), kNonceLength) == 0;
  return info;
}

void DigestAuthenticator::purge_nonces(std::int64_t now_s) {
  last_purge_ = now_s;
  const std::int64_t lifetime = lifetime_.count();
  // Keys were checked (HMAC included) before they went in, so reading the time digits is
  // enough here; no HMAC per entry on every sweep.
  auto issued_of = [](const std::string& nonce) {
    std::uint64_t bits = 0;
    read_hex(nonce, kTimeDigits, bits);
    return static_cast<std::int64_t>(bits);
  };
  std::erase_if(last_nc_, [&](const auto& entry) {
    return now_s - issued_of(entry.first) > lifetime;
  });
  if (last_nc_.size() < max_tracked_) return;
  // Still full of live nonces: forget the oldest quarter, and remember up to when state was
  // lost so those nonces answer stale instead of accepting any nonce-count.
  std::vector<std::int64_t> times;
  times.reserve(last_nc_.size());
  for (const auto& entry : last_nc_) times.push_back(issued_of(entry.first));
  const auto cut = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 4);
  std::nth_element(times.begin(), cut, times.end());
  const std::int64_t cutoff = *cut;
  evicted_through_ = std::max(evicted_through_, cutoff);
  std::erase_if(last_nc_, [&](const auto& entry) { return issued_of(entry.first) <= cutoff; });
}

// RFC 7616 3.4.6: the digest-uri names the request's resource. It may be the Request-URI
// itself, or a SIP URI for the same host and port without the user part: that is what sipp
// and several deployed phones send for INVITEs (`uri="sip:PROXY"`). The response is computed
// over the uri as sent, so either way it is bound to this server, and replays are stopped by
// the nonce and its count, not by the uri.
static bool digest_uri_matches(const std::string& digest_uri, const Message& request) {
  if (digest_uri == request.request_uri_text) return true;
  Uri uri;
  if (parse_uri(digest_uri, uri) != UriError::none || !uri.is_sip()) return false;
  const Uri& target = request.request_uri;
  if (!target.is_sip() || uri.scheme != target.scheme) return false;
  if (!uri.user.empty() && uri.user != target.user) return false;
  auto port = [](const Uri& u) { return u.port != 0 ? u.port : std::uint16_t{5060}; };
  if (port(uri) != port(target) || uri.host.size() != target.host.size()) return false;
  for (std::size_t i = 0; i < uri.host.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(uri.host[i]) != lower(target.host[i])) return false;
  }
  return true;
}

AuthResult DigestAuthenticator::verify(const Message& request, HeaderId header,
                                       const CredentialStore& store, TimePoint now) {
  AuthResult result;
  // Several Authorization headers may come (one per realm a proxy on the way asked for, or
  // another scheme): use the first Digest one for our realm.
  DigestCredentials creds;
  bool found = false;
  bool saw_malformed = false;
  for (const Header& h : request.headers) {
    if (h.id != header) continue;
    DigestCredentials candidate;
    const DigestStatus status = parse_digest_credentials(h.value, candidate);
    if (status == DigestStatus::not_digest) continue;
    if (status == DigestStatus::malformed) {
      saw_malformed = true;
      continue;
    }
    const std::string realm =
        candidate.realm_escaped ? unquote(candidate.realm) : std::string(candidate.realm);
    if (realm != realm_) continue;
    creds = candidate;
    found = true;
    break;
  }
  if (!found) {
    result.status = saw_malformed ? AuthStatus::malformed : AuthStatus::missing;
    return result;
  }
  result.username = creds.username_escaped ? unquote(creds.username) : std::string(creds.username);

  // Checks that do not depend on the user: failing them costs no hash for anyone.
  // qop=auth is required: we always offer it, and without it there is no nonce-count, so no
  // replay protection (RFC 2069 style is refused). auth-int is not offered either.
  const bool usable_algorithm = creds.algorithm != DigestAlgorithm::unknown;
  const bool qop_auth = creds.qop.size() == 4 && lower_hex(creds.qop) == "auth";
  if (!usable_algorithm || !qop_auth || !digest_uri_matches(unquoted(creds.uri), request)) {
    result.status = AuthStatus::wrong;
    return result;
  }

  const bool sha = digest_hex_length(creds.algorithm) == 64;
  const DeviceSecret* secret = store.find(result.username);
  std::string_view ha1;
  if (secret != nullptr) ha1 = sha ? secret->ha1_sha256 : secret->ha1_md5;
  // Unknown user, or no secret for this algorithm: the same hashing against a dummy HA1, so
  // the answer and the time it takes do not tell whether the username exists.
  const bool known = !ha1.empty();
  if (!known) ha1 = sha ? dummy_sha256_ : dummy_md5_;

  const std::string nonce = unquoted(creds.nonce);
  const std::string cnonce = unquoted(creds.cnonce);
  std::string session_ha1;
  if (creds.algorithm == DigestAlgorithm::md5_sess ||
      creds.algorithm == DigestAlgorithm::sha256_sess) {
    // RFC 7616 3.4.2: HA1 = H(H(user:realm:password):nonce:cnonce) for the -sess variants.
    session_ha1 = hash_hex(creds.algorithm, std::string(ha1) + ":" + nonce + ":" + cnonce);
    ha1 = session_ha1;
  }
  const std::string ha2 =
      hash_hex(creds.algorithm, std::string(request.method_text) + ":" + unquoted(creds.uri));
  std::string a = std::string(ha1);
  a.append(":").append(nonce).append(":").append(creds.nc_text).append(":").append(cnonce);
  a.append(":").append(creds.qop).append(":").append(ha2);
  const std::string expected = hash_hex(creds.algorithm, a);
  const std::string given = lower_hex(creds.response);
  const bool same_length = given.size() == expected.size();
  const bool match = same_length &&
                     CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0 && known;
  if (!match) {
    result.status = AuthStatus::wrong;
    return result;
  }

  // The response is right for the nonce it names; now is that nonce ours and fresh?
  const std::int64_t now_s = seconds_of(now);
  const NonceInfo info = check_nonce(nonce);
  // Only our own nonces carry a time we wrote, so only they are subtracted (no overflow).
  if (!info.ours || info.issued > now_s || now_s - info.issued > lifetime_.count()) {
    result.status = AuthStatus::stale;
    return result;
  }

  if (last_nc_.size() >= max_tracked_ || last_purge_ == INT64_MIN ||
      now_s - last_purge_ >= lifetime_.count()) {
    purge_nonces(now_s);
  }
  const auto it = last_nc_.find(nonce);
  if (it == last_nc_.end()) {
    if (info.issued <= evicted_through_) {
      // Its nonce-count history was dropped to bound the table: make the client start over.
      result.status = AuthStatus::stale;
      return result;
    }
    // Counts start at 1 (RFC 7616 3.4), so 0 can never be "greater than the last one".
    if (creds.nc == 0) {
      result.status = AuthStatus::replayed;
      return result;
    }
    last_nc_.emplace(nonce, creds.nc);
  } else {
    if (creds.nc <= it->second) {
      result.status = AuthStatus::replayed;
      return result;
    }
    it->second = creds.nc;
  }
  result.status = AuthStatus::ok;
  return result;
}

std::span<const HeaderLine> DigestAuthenticator::challenge(
    ChallengeKind kind, bool stale, TimePoint now, std::span<const DigestAlgorithm> offer) {
  const std::string nonce = make_nonce(seconds_of(now), next_serial_++);
  DigestChallenge c;
  c.realm = realm_quoted_;
  c.nonce = nonce;
  c.stale = stale;
  c.qop_options = "auth";
  challenge_text_.clear();
  // In the order given (RFC 8760 2.4: the server lists them by preference). Which ones is
  // DigestPolicy's choice: many phones stop at the first challenge they cannot answer.
  for (DigestAlgorithm algorithm : offer) {
    c.algorithm = algorithm;
    challenge_text_.push_back(format_digest_challenge(c));
  }
  const std::string_view name =
      kind == ChallengeKind::www ? "WWW-Authenticate" : "Proxy-Authenticate";
  challenge_lines_.clear();
  for (const std::string& text : challenge_text_) challenge_lines_.push_back({name, text});
  return challenge_lines_;
}

}  // namespace callplan::sip
