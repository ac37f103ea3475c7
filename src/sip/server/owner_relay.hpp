// sip/server/owner_relay.hpp — `--cluster` with `--cluster-secret-file`: this node relays the
// INVITEs other nodes send to the phones that only it reaches, and their dialogs
// (docs/cluster.md, "Phones reached through their node").
//
//   node B (the call is there)          node A (owns the binding)          the phone
//   INVITE  Route: <sip:cr1...@A;lr>  ─►  token checked, Route popped,  ─►  over its TCP
//           Via: B, Record-Route: B       Via + Record-Route of A added      connection, or its
//                                                                            NAT path from A
//   responses come back through A (its client transaction, relayed on B's server transaction);
//   in-dialog requests follow: the phone's go through A (first in its route set) back to the
//   node that set the call up, and that node's reach A (the flow it rang) and go to the phone.
//
// Only an INVITE whose first Route is this node with a valid relay token
// (cluster/relay_token.hpp: made with the cluster secret, bound to the request's branch,
// fresh, naming a phone whose binding this node holds) opens a relayed dialog; any other
// token is refused (403, one security-log line). In-dialog requests are relayed only in a
// dialog opened so, between its phone and the node that rang it: nobody can use this node
// as a relay to other phones or to the carrier. The dialogs live in memory: a restart of
// this node ends them, as it ends the TCP connections they run on.
//
// Thread safety: none; the event loop's thread.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cluster/relay_token.hpp"
#include "sip/message.hpp"
#include "sip/registrar/location.hpp"
#include "sip/security/security_log.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/timer_queue.hpp"
#include "sip/transport/transport.hpp"

namespace callplan::sip {

class OwnerRelay {
 public:
  struct Parts {
    TransactionLayer& layer;
    Transport& transport;
    TimerQueue& timers;
    const Location& location;
    SecurityLog& security_log;
    // Is address:port one this node listens on (a Route naming us)?
    std::function<bool(const Peer&)> is_us;
    std::function<void(std::string_view line)> log;  // info: one line per relayed INVITE
  };
  OwnerRelay(Parts parts, std::string_view cluster_secret,
             std::chrono::seconds idle = std::chrono::hours(12));

  // The server's TransactionUser calls, first: true when the message was this relay's (it is
  // then handled, answered or relayed), false when the server goes on as without it.
  bool request(ServerId txn, const Message& request, const Peer& from);
  bool ack(const Message& ack, const Peer& from);
  bool cancel(ServerId invite);
  bool stray_response(const Message& response, const Peer& from);

  // Forgets dialogs unused for `idle` (housekeeping).
  void expire(TimerQueue::TimePoint now);
  std::size_t dialogs() const;

  // The Route value node B puts first in an INVITE to `binding`'s owner (binding.through):
  // the ProxyConfig::route_through_owner hook.
  std::string route_to_owner(std::string_view username, const Binding& binding,
                             std::string_view branch) const;

 private:
  struct Relayed {
    Peer phone;                 // where the phone is reached (its binding's flow)
    Peer node;                  // the node that rang it: where its requests go back
    std::string caller_tag;     // From tag of the INVITE
    std::string phone_tag{};    // To tag of the phone's answer ("" until it answers)
    ServerId invite = kNoTransaction;
    ClientId branch = kNoTransaction;
    TimerQueue::TimePoint used{};
  };
  void relay_invite(ServerId txn, const Message& request, const Peer& from,
                    const cluster::RelayTokens::Checked& grant);
  void relay_in_dialog(ServerId txn, const Message& request, const Peer& from, Relayed& dialog);
  // The answered dialog of an in-dialog request (or ACK), or null.
  Relayed* find(const Message& request);
  void forget(std::string_view call_id, ServerId invite);
  bool top_route_is_us(const Message& request) const;
  std::string via_for(const Peer& to, std::string_view branch) const;

  Parts parts_;
  cluster::RelayTokens tokens_;
  std::chrono::seconds idle_;
  std::unordered_map<std::string, std::vector<Relayed>> by_call_id_;
  std::unordered_map<ServerId, std::string> by_invite_;  // the INVITEs still ringing
};

}  // namespace callplan::sip
