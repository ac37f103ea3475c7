// provision/device_auth.hpp — HTTP digest verification of a phone's request, with replay
// protection (docs/provisioning.md, "Security model"); user = the MAC, password =
// device_password(secret, MAC) (device_secret.hpp).
//
//   DigestVerifier verifier(secret);
//   DigestVerdict v = verifier.verify(authorization_value, "GET", target, now);
//   if (v.status != DigestVerdict::ok) -> 401 with verifier.challenge(v.status == stale, now)
//
// Nonces are stateless (issue time, serial number and an HMAC over them), so no table of issued
// nonces is kept; only the highest nonce-count seen per nonce (bounded): a request that repeats
// a nonce-count is `replayed`. qop=auth is required (it is what carries the nonce-count).
// Unknown and known MACs take the same path: the password of any user name is derived and
// hashed the same way, so verification costs the same and the answer is the same.
// Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace callplan::provision {

// The realm of every provisioning challenge.
inline constexpr std::string_view kProvisioningRealm = "callplan-provisioning";

struct DigestVerdict {
  enum Status : std::uint8_t {
    ok,
    missing,    // no Authorization header, or another scheme: challenge
    malformed,  // unparsable credentials, wrong realm, uri not the request's, no qop=auth
    stale,      // correct response to an expired nonce or one from before a restart
    wrong,      // bad response (wrong password, unknown MAC), or a nonce that is not ours
    replayed,   // a nonce-count not above the last one seen for that nonce
  };
  Status status = missing;
  std::string username;  // as sent (unquoted), "" when none
  // A failed attempt, for throttling and the security log.
  bool failure() const { return status == wrong || status == replayed || status == malformed; }
};
std::string_view to_string(DigestVerdict::Status status) noexcept;

class DigestVerifier {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  explicit DigestVerifier(std::string secret,
                          std::chrono::seconds nonce_lifetime = std::chrono::seconds(300),
                          std::size_t max_tracked_nonces = 100000);

  // `authorization`: the header value ("" when absent); `uri`: the request target as sent.
  // The password checked is device_password(secret, normalised username) for any username.
  DigestVerdict verify(std::string_view authorization, std::string_view method,
                       std::string_view uri, TimePoint now);

  // The WWW-Authenticate value: Digest realm, qop="auth", algorithm=MD5, a fresh nonce.
  // MD5 alone: phones' HTTP clients know it, and many stop at a challenge they do not.
  std::string challenge(bool stale, TimePoint now);

  std::size_t tracked_nonces() const { return last_nc_.size(); }

 private:
  std::string make_nonce(std::int64_t issued, std::uint64_t serial) const;
  // -1: not ours; else the issue time in seconds.
  std::int64_t nonce_issued(std::string_view nonce) const;
  void purge(std::int64_t now_s);

  std::string secret_;
  std::chrono::seconds lifetime_;
  std::size_t max_tracked_;
  std::unordered_map<std::string, std::uint32_t> last_nc_;  // nonce -> highest nc
  std::int64_t forgotten_through_ = INT64_MIN;  // nonces issued up to here lost their counts
  std::uint64_t next_serial_ = 0;
};

}  // namespace callplan::provision
