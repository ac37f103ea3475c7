// sip/b2bua/answer_resend.hpp — a 2xx to an INVITE that serve answered as a user agent,
// resent until its ACK (internal to src/sip/b2bua). RFC 3261 13.3.1.4: the transaction layer
// sends a 2xx once and ends (RFC 6026 "Accepted" passes its ACK up); the UAS core resends it
// over UDP at T1, 2*T1, ... up to T2 until the ACK, and gives the dialog up after 64*T1.
//
//   resend.start(transport, timers, caller, bytes, invite.cseq.number, [&] { end the call });
//   ...
//   if (resend.acked(ack.cseq.number)) return;   // that 2xx's ACK: the resending stops
//
// Used for the first answer of a call and for the answers to its re-INVITEs, on either side.
// Thread safety: serve's event loop. Pending timers hold only a weak reference: destroying
// the object (or cancel()) makes them do nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sip/transport/peer.hpp"
#include "sip/transport/timer_queue.hpp"
#include "sip/transport/transport.hpp"

namespace callplan::sip {

class AnswerResend {
 public:
  static constexpr auto kT1 = std::chrono::milliseconds(500);
  static constexpr auto kT2 = std::chrono::milliseconds(4000);
  static constexpr auto kAckWait = 64 * kT1;  // Timer H

  // `response` went out once already (through the transaction layer). Over UDP it is sent
  // again to `to` until acked(`cseq`); on any transport, `gave_up` runs when no ACK came
  // within 64*T1. Replaces a resend in progress (a new re-INVITE's answer).
  void start(Transport& transport, TimerQueue& timers, const Peer& to, std::string response,
             std::uint32_t cseq, std::function<void()> gave_up);
  // An ACK with CSeq number `cseq`: true when it acknowledges the answer being resent (it
  // stops) or one acknowledged before (a retransmitted ACK).
  bool acked(std::uint32_t cseq);
  // Stops resending and forgets the time-out (the call ended).
  void cancel();
  // An answer waits for its ACK.
  bool waiting() const { return state_ != nullptr && !state_->acked; }

 private:
  struct State {
    Transport* transport = nullptr;
    TimerQueue* timers = nullptr;
    Peer to;
    std::string response;
    std::uint32_t cseq = 0;
    bool acked = false;
    TimerQueue::Id resend = TimerQueue::kNone;
    TimerQueue::Id give_up = TimerQueue::kNone;
    std::function<void()> gave_up;
  };
  static void arm(const std::shared_ptr<State>& state, TimerQueue::Duration interval);

  std::shared_ptr<State> state_;
  std::uint32_t last_acked_ = 0;  // a repeated ACK of it is still "ours"
  bool any_acked_ = false;
};

}  // namespace callplan::sip
