// sip/registrar/digest_auth.hpp — server-side Digest authentication (RFC 3261 22, RFC 7616,
// RFC 8760): challenges with stateless HMAC nonces, verification of MD5 and SHA-256 responses
// with qop=auth, nonce expiry (stale=true), nonce-count replay protection, constant-time
// comparison.
//
// Nonces carry their own issue time, a serial number and an HMAC-SHA256 (server secret) over
// them and the realm, so no table of issued nonces is kept; only the highest nonce-count seen
// per nonce is (bounded, forgotten when the nonce expires). Unknown users are verified against a dummy secret so
// known and unknown usernames take the same path and get byte-for-byte the same kind of answer.
//
// Choices: qop=auth is required (we always offer it; without it there is no nonce-count and so
// no replay protection), so RFC 2069-style and auth-int credentials are `wrong`. MD5-sess and
// SHA-256-sess are verified properly (HA1 = H(HA1:nonce:cnonce)) though never offered. Nonces
// are 64 lower-case hex digits: the issue time (steady-clock seconds, 8 bytes), a serial number
// (8 bytes, unique per challenge) and 16 bytes of HMAC-SHA256(secret, time || serial || realm).
// Not thread-safe: one thread (or strand) at a time.
//
//   DigestAuthenticator auth(store.realm(), random_secret());
//   AuthResult r = auth.verify(request, HeaderId::proxy_authorization, store, now);
//   if (!r.ok()) send(build_response(request, 407, "Proxy Authentication Required",
//                                    {.extra = auth.challenge(ChallengeKind::proxy, r.stale(), now,
//                                                             policy.offer_for(secret))}));
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sip/digest.hpp"
#include "sip/header_id.hpp"
#include "sip/message.hpp"
#include "sip/registrar/credentials.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

enum class AuthStatus : std::uint8_t {
  ok,
  missing,        // no credentials for our realm (or another scheme): challenge
  malformed,      // credentials that do not parse: 400 is allowed, we challenge (identical answers)
  stale,          // a correct response to a nonce that expired or is not ours (e.g. from
                  // before a restart): challenge again with stale=true
  wrong,          // bad response, unknown user, no secret for the algorithm, foreign nonce
  replayed,       // a nonce-count not above the last one seen for this nonce
};
std::string_view to_string(AuthStatus status) noexcept;  // "ok", "missing", ...

struct AuthResult {
  AuthStatus status = AuthStatus::missing;
  std::string username;  // as sent in the credentials (unquoted), "" when none
  bool ok() const { return status == AuthStatus::ok; }
  bool stale() const { return status == AuthStatus::stale; }
  // Counts as a failed attempt for throttling and the security log (wrong or replayed).
  bool failure() const { return status == AuthStatus::wrong || status == AuthStatus::replayed; }
};

enum class ChallengeKind : std::uint8_t { www, proxy };  // 401 WWW-Authenticate / 407 Proxy-

class DigestAuthenticator {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // `secret`: at least 32 random bytes (random_secret()). Nonces older than `nonce_lifetime`
  // are stale.
  DigestAuthenticator(std::string realm, std::string secret,
                      std::chrono::seconds nonce_lifetime = std::chrono::seconds(300));

  // Verifies the credentials for our realm in `header` (authorization / proxy_authorization).
  // The digest-uri must equal the Request-URI text; `method` is the request's.
  AuthResult verify(const Message& request, HeaderId header, const CredentialStore& store,
                    TimePoint now);

  // The challenge headers: one value per algorithm of `offer`, in that order (DigestPolicy
  // says which; docs/sip-server.md why), all qop="auth" with the same fresh nonce; stale=true
  // on all when `stale`. The returned HeaderLines view into storage owned by the
  // authenticator, valid until the next challenge() call.
  std::span<const HeaderLine> challenge(ChallengeKind kind, bool stale, TimePoint now,
                                        std::span<const DigestAlgorithm> offer = kMd5Only);
  static constexpr DigestAlgorithm kMd5Only[] = {DigestAlgorithm::md5};

  const std::string& realm() const { return realm_; }

  // The nonce-count table holds at most this many nonces (default 100 000). Entries go when
  // their nonce expires; when the table is still full the oldest quarter is dropped, and
  // nonces issued up to then answer `stale` (never unchecked), so the client takes a new one.
  void set_max_tracked_nonces(std::size_t max) { max_tracked_ = max < 4 ? 4 : max; }
  std::size_t tracked_nonces() const { return last_nc_.size(); }

 private:
  struct NonceInfo {
    bool ours = false;         // well-formed and the HMAC is right
    std::int64_t issued = 0;   // seconds on the steady clock
  };
  std::string make_nonce(std::int64_t issued, std::uint64_t serial) const;
  NonceInfo check_nonce(std::string_view nonce) const;
  void purge_nonces(std::int64_t now_s);

  std::string realm_;
  std::string secret_;
  std::chrono::seconds lifetime_;
  std::unordered_map<std::string, std::uint32_t> last_nc_;  // nonce -> highest nc (bounded)
  std::vector<std::string> challenge_text_;
  std::vector<HeaderLine> challenge_lines_;
  std::size_t max_tracked_ = 100000;
  std::int64_t evicted_through_ = INT64_MIN;  // nonces issued up to here may have lost state
  std::int64_t last_purge_ = INT64_MIN;
  std::uint64_t next_serial_ = 0;  // makes each challenge's nonce unique
  std::string realm_quoted_;  // realm with '"' and '\\' escaped, for the challenge
  std::string dummy_md5_;     // HA1s for unknown users: same work, never a match
  std::string dummy_sha256_;
};

// 32 bytes from the OS random source (OpenSSL RAND_bytes).
std::string random_secret();

}  // namespace callplan::sip
