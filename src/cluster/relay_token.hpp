// cluster/relay_token.hpp — the proof a node gives another to relay an INVITE to a phone that
// only the other reaches (docs/cluster.md, "Phones reached through their node").
//
//   RelayTokens tokens(secret);                       // --cluster-secret-file's bytes
//   // node B, sending to the phone's owner A:   Route: <sip:TOKEN@A;lr>
//   std::string token = tokens.issue(username, flow, branch, now_s + kRelayTokenSeconds);
//   // node A, receiving it:
//   RelayTokens::Checked c = tokens.check(route_user, top_via_branch, now_s);
//
// A TCP connection is held by the node that accepted it, and a phone behind NAT may answer
// only the address its REGISTER went to: such a binding is reached through its owning node.
// That node relays an INVITE to one of its phones only with a token that (1) was made with
// the cluster secret, which only nodes hold, (2) names the phone (its SIP username and the
// flow its REGISTER came on) and (3) is bound to the branch of the request's top Via, so it
// cannot be lifted into another request, and (4) is at most kRelayTokenSeconds old (the
// nodes' clocks agree to well within that: the records in Redis need it too). Nobody else can
// use a node as a relay to its phones or to the carrier.
//
// The token is the user part of the Route URI: "cr1." hex(payload) "." hex(MAC), where
// payload = expires (Unix seconds) LF username LF flow ("tcp:192.0.2.7:49152") and MAC the
// first 16 bytes of HMAC-SHA256(key, payload LF branch), key derived from the secret with its
// own label (cluster_secret.hpp). Hex keeps the user part within RFC 3261's characters.
//
// Thread safety: const member functions may be called from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sip/transport/peer.hpp"

namespace callplan::cluster {

inline constexpr std::string_view kRelayTokenLabel = "callplan cluster: relay routes v1";
inline constexpr std::int64_t kRelayTokenSeconds = 120;

class RelayTokens {
 public:
  // `secret`: the cluster secret's bytes (at least kMinSecretBytes).
  explicit RelayTokens(std::string_view secret);

  std::string issue(std::string_view username, const sip::Peer& flow, std::string_view branch,
                    std::int64_t expires_s) const;

  enum class Verdict : std::uint8_t {
    granted,
    not_a_token,  // not our format: the Route is something else (the caller goes on)
    forged,       // our format, but the MAC does not verify (or names nothing)
    expired,
  };
  struct Checked {
    Verdict verdict = Verdict::not_a_token;
    std::string username;  // granted: the phone
    sip::Peer flow;        // granted: where its REGISTER came from
  };
  Checked check(std::string_view token, std::string_view branch, std::int64_t now_s) const;

  // Has `user` (a Route URI's user part) the form of a relay token?
  static bool looks_like_token(std::string_view user);

 private:
  std::string mac(std::string_view payload, std::string_view branch) const;
  std::string key_;
};

// "granted", "not-a-token", "forged", "expired" (the security log's reason).
std::string_view to_string(RelayTokens::Verdict verdict) noexcept;

}  // namespace callplan::cluster
