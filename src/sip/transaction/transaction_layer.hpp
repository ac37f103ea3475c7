// sip/transaction/transaction_layer.hpp — RFC 3261 section 17: client and server transactions
// for INVITE and non-INVITE requests, with the standard timers.
//
// The layer sits between the transport and the transaction users (registrar, proxy). The
// server feeds it every parsed message; it absorbs retransmissions (answering a retransmitted
// request with the last response sent), ACKs for non-2xx finals, and passes on what is new:
//
//   TransactionLayer layer(timers, sender, user);
//   layer.receive(message, from);                 // after parse_message() accepted it
//   layer.respond(txn, build_response(req, 180, "Ringing"));            // server side
//   ClientId leg = layer.send_request(to, bytes, branch, Method::invite, callbacks);  // client
//   layer.cancel(leg);                            // CANCEL once a provisional has arrived
//
// Handles, not pointers: transactions are named by ids, and every function taking an id is a
// no-op for an id that has ended, so the proxy never holds a dangling reference.
//
// Timers (17.1.1.2, 17.1.2.2, 17.2.1, 17.2.2): A/B, D, E/F, K on the client side; G/H/I, J on
// the server side; retransmission timers run on UDP only (on TCP, A/E/G are not started and D,
// I, K are zero). Timer C (16.6 step 11, 16.8) runs on every client INVITE: started when the
// request is sent, restarted by each provisional; when it fires the layer CANCELs the branch if
// a provisional arrived, and reports a timeout either way.
//
// RFC 6026 is followed: after a 2xx the INVITE server transaction stays "Accepted" for
// Timer L (64*T1), absorbing INVITE retransmissions and passing ACKs (on_ack) and respond()ed
// 2xx retransmissions through; the INVITE client transaction stays "Accepted" for Timer M
// (64*T1) and hands every further 2xx to on_response, so the proxy relays them.
//
// Matching (17.1.3, 17.2.3): RFC 3261 branches (magic cookie) by branch + sent-by + method
// (ACK matches the INVITE, CANCEL has its own transaction); RFC 2543 requests by Request-URI,
// To tag, From tag, Call-ID, CSeq number and top Via (an ACK also matches with the To tag of
// our final response). Responses by top Via branch + CSeq method.
//
// Immediate refusals are stateless (RFC 3261 8.2.7): a final response of 300 or more that the
// TU gives while it is still inside on_request() for that request, before any provisional of
// its own — a challenge, a 403, a 481 for an unknown dialog, 404, 483... — is sent once and
// the transaction ends at once: no Timer G, nothing kept, and a retransmission of the request
// is a new request that the TU answers again, once. Such requests come from anyone (the
// source address may be forged), so each may cost one datagram out and no memory (issue 18:
// a stateful 407 was retransmitted 11 times over 32 s, a 21x reflection amplifier). Finals
// after the TU did real work (a relayed 486, 487 after CANCEL) stay stateful.
// TransactionTimes::stateless_refusals turns this off.
//
// What the layer answers by itself: 100 Trying (INVITE, once the TU has seen the request and
// not refused it at once), 200 to a CANCEL that matched an INVITE (from the CANCEL's own
// server transaction, so retransmitted CANCELs get it again),
// and 481 to a CANCEL that matched nothing (stateless: junk leaves no state). Responses go
// back where the request came from (source address and port, the same TCP connection), as
// RFC 3581 rport does, also when the Via has no rport: phones behind NAT need it.
//
// Nothing stored points into a caller's Message: the layer copies what it keeps. Terminated
// transactions are erased at once, and destroying the layer cancels its timers.
//
// Thread safety: single-threaded (the server's io_context thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sip/message.hpp"
#include "sip/method.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/timer_queue.hpp"
#include "sip/transport/transport.hpp"

namespace callplan::sip {

struct TransactionTimes {
  TimerQueue::Duration t1{500};
  TimerQueue::Duration t2{4000};
  TimerQueue::Duration t4{5000};
  TimerQueue::Duration timer_c{180000};  // > 3 minutes by RFC 3261 16.6; configurable for tests
  bool send_100_trying = true;            // a server INVITE transaction answers 100 at once
  // A final >= 300 given from inside on_request() is sent once, statelessly (above).
  bool stateless_refusals = true;
  // Timer D: how long a client INVITE transaction absorbs retransmitted non-2xx finals on UDP
  // (RFC 3261 17.1.1.2: at least 32 s; 0 on TCP).
  TimerQueue::Duration timer_d{32000};
  // Last resort against a TU that never answers (a bug, or a request it chose to ignore): a
  // server transaction with no final response this long after the request (INVITE: after the
  // TU's last provisional) is dropped silently, so ignored requests cannot pile up. The
  // non-INVITE default is twice Timer F: every client has given up by then.
  TimerQueue::Duration unanswered_invite{600000};
  TimerQueue::Duration unanswered_non_invite{64000};
};

using ServerId = std::uint64_t;  // never 0
using ClientId = std::uint64_t;  // never 0
inline constexpr std::uint64_t kNoTransaction = 0;

// The registrar and the proxy: what the layer hands upwards.
class TransactionUser {
 public:
  virtual ~TransactionUser() = default;
  // A request that starts a new server transaction (everything except ACK and a CANCEL that
  // matched an INVITE). The Message and its buffer are valid during the call only.
  virtual void on_request(ServerId txn, const Message& request, const Peer& from) = 0;
  // An ACK that matched no INVITE server transaction in Completed state: the ACK for a 2xx
  // (end to end, RFC 3261 13.2.2.4), which a proxy forwards statelessly.
  virtual void on_ack(const Message& ack, const Peer& from) = 0;
  // A CANCEL matched the INVITE server transaction `invite`; the layer has already answered
  // the CANCEL with 200 (the TU must still send the INVITE's final response, usually 487).
  // Called only while the INVITE has no final response (else the 200 is all that happens).
  virtual void on_cancel(ServerId invite, const Message& cancel, const Peer& from) = 0;
  // A response that matched no client transaction (e.g. a retransmitted 2xx after the INVITE
  // client transaction ended): a proxy forwards it statelessly (RFC 3261 16.7, 16.11).
  virtual void on_stray_response(const Message& response, const Peer& from) = 0;
};

// What a client transaction reports. Callbacks may call any layer function (including
// cancel() or send_request()); the Message is valid during the call only.
struct ClientCallbacks {
  std::function<void(const Message& response)> on_response;  // 1xx, 2xx, and final non-2xx
  // No final response: Timer B/F (or Timer C) fired, or the transport failed. Reported once,
  // never after a final response.
  std::function<void()> on_timeout;
};

class TransactionLayer {
 public:
  TransactionLayer(TimerQueue& timers, Sender& sender, TransactionUser& user,
                   TransactionTimes times = {});
  ~TransactionLayer();
  TransactionLayer(const TransactionLayer&) = delete;
  TransactionLayer& operator=(const TransactionLayer&) = delete;

  // A message parse_message() accepted. `from.protocol` decides whether retransmission timers
  // run for transactions it creates.
  void receive(const Message& message, const Peer& from);

  // --- server side
  // Sends a response in the transaction (1xx: Proceeding; 2xx on INVITE: Accepted, where
  // later 2xx from the TU pass through and nothing else does; other finals: Completed,
  // retransmitted per G on UDP). The status is read from `response` (the bytes the layer
  // sends and remembers). A no-op after a final (except 2xx in Accepted), for an ended id, or
  // for bytes that do not start with "SIP/2.0 NNN".
  void respond(ServerId txn, std::string response);
  // The request that opened the transaction has a final response already. True for an ended
  // id too (server transactions end only after a final response or the unanswered limit).
  bool has_final_response(ServerId txn) const;

  // --- client side
  // Sends `request` (already carrying our Via with `branch` on top) to `to` and tracks it.
  // For INVITE, a non-2xx final response is ACKed by the layer (17.1.1.3) before on_response.
  // Timer C restarts on provisionals other than 100 (16.7 step 2). When it fires after a
  // provisional, the layer CANCELs and calls on_timeout; afterwards only a 2xx (a race with
  // the CANCEL) still reaches on_response, the 487 is ACKed and absorbed. Method::ack sends
  // the bytes without a transaction and returns kNoTransaction.
  ClientId send_request(const Peer& to, std::string request, std::string_view branch,
                        Method method, ClientCallbacks callbacks);
  // RFC 3261 9.1: CANCEL a client INVITE transaction. When a provisional has arrived, a
  // CANCEL is sent at once in its own client transaction; otherwise it is sent as soon as
  // one arrives. A final response ends it as usual (on_response with 487 or whatever came);
  // with no final response 64*T1 after the CANCEL, the transaction ends with on_timeout (9.1).
  // No-op for a non-INVITE, an ended transaction, or one with a final response.
  void cancel(ClientId txn);
  // Forget a client transaction without sending anything (its callbacks are dropped).
  void abandon(ClientId txn);

  // A fresh RFC 3261 branch: "z9hG4bK" + 16 hex digits, a bijective mix of a per-layer random
  // seed and a counter (unique per layer, no allocation beyond the string).
  std::string new_branch();

  std::size_t server_transactions() const;
  std::size_t client_transactions() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callplan::sip
