// sip/registrar/registrar.hpp — REGISTER requests (RFC 3261 section 10.3), after the request
// has been authenticated by the server.
//
//   RegisterOutcome out = registrar.handle(request, username, from, now);
//   layer.respond(txn, build_response(request, out.status, out.reason,
//                                     {.to_tag = tag, .extra = out.headers()}));
//
// Rules: the To URI's user must be the authenticated username (else 403); Contact `*` only
// with Expires: 0 (else 400); Call-ID/CSeq ordering per binding (a CSeq not above the stored one
// in the same Call-ID: 10.3 steps 6-7 say the request fails without naming a status; we answer
// 500 as 12.2.2 does for out-of-order requests, and nothing changes); expires from the Contact parameter, else the Expires
// header, else the default; an expiry below the minimum is 423 with Min-Expires; above the
// maximum it is lowered. Contacts with a non-SIP scheme or URI headers are refused (400,
// RFC 4475 regescrt/unksm2). At most `max_contacts` bindings per device (more are refused with 403; see
// docs/sip-server.md). The 200 lists every live binding with its remaining expires.
// All contacts of one REGISTER are applied together or not at all (10.3 step 7). The same URI
// means RFC 3261 19.1.4 equality (contact_match.hpp). The To host is not compared with our
// domain (one tenant per server). Presence: Location::on_change fires for the first binding
// and for the loss of the last one (by REGISTER here, or by Location::expire()).
//
// Thread safety: none; one thread (or strand) at a time, like the Location it edits.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sip/message.hpp"
#include "sip/registrar/location.hpp"
#include "sip/transport/peer.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

struct RegistrarPolicy {
  std::uint32_t default_expires = 3600;
  std::uint32_t min_expires = 60;
  std::uint32_t max_expires = 7200;
  std::size_t max_contacts = 10;
  // Over TCP, at most this many seconds (0: max_expires). `serve --cluster` caps them (300 s by
  // default, docs/cluster.md): a TCP binding dies with the node holding its connection, and
  // the phone comes back, at another node, when it registers again.
  std::uint32_t max_expires_connection = 0;
};

struct RegisterOutcome {
  int status = 200;
  std::string reason = "OK";
  std::vector<std::string> contacts;  // Contact header values for the 200 ("<uri>;expires=N")
  std::string min_expires;            // set with 423
  std::string warning;                // why it was refused, for the log (not sent)

  // Contact / Min-Expires lines for build_response; views into this object.
  std::vector<HeaderLine> headers() const;
};

class Registrar {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  Registrar(Location& location, RegistrarPolicy policy = {});

  // `username`: the authenticated SIP username (the binding's key).
  RegisterOutcome handle(const Message& request, std::string_view username, const Peer& from,
                         TimePoint now);

  const RegistrarPolicy& policy() const { return policy_; }

 private:
  Location& location_;
  RegistrarPolicy policy_;
};

}  // namespace callplan::sip
