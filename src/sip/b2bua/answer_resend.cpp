// The resending of a 2xx to an INVITE until its ACK (answer_resend.hpp).
#include "sip/b2bua/answer_resend.hpp"

#include <algorithm>

namespace callplan::sip {

void AnswerResend::start(Transport& transport, TimerQueue& timers, const Peer& to, std::string response,
                         std::uint32_t cseq, std::function<void()> gave_up) {
  cancel();
  auto state = std::make_shared<State>();
  state->transport = &transport;
  state->timers = &timers;
  state->to = to;
  state->response = std::move(response);
  state->cseq = cseq;
  state->gave_up = std::move(gave_up);
  state_ = state;
  if (to.protocol == Protocol::udp) arm(state, kT1);  // a stream transport delivers it once
  std::weak_ptr<State> weak = state;
  state->give_up = timers.start(kAckWait, [weak] {
    auto s = weak.lock();
    if (!s || s->acked) return;
    s->give_up = TimerQueue::kNone;
    s->acked = true;  // nothing more to wait for
    auto then = std::move(s->gave_up);
    if (then) then();
  });
}

void AnswerResend::arm(const std::shared_ptr<State>& state, TimerQueue::Duration interval) {
  std::weak_ptr<State> weak = state;
  state->resend = state->timers->start(interval, [weak, interval] {
    auto s = weak.lock();
    if (!s || s->acked) return;
    s->resend = TimerQueue::kNone;
    s->transport->send(s->to, s->response);
    arm(s, std::min<TimerQueue::Duration>(interval * 2, kT2));
  });
}

bool AnswerResend::acked(std::uint32_t cseq) {
  if (any_acked_ && cseq == last_acked_) return true;
  if (!state_ || state_->cseq != cseq) return false;
  cancel();
  any_acked_ = true;
  last_acked_ = cseq;
  return true;
}

void AnswerResend::cancel() {
  if (!state_) return;
  state_->acked = true;
  state_->gave_up = nullptr;
  state_->timers->cancel(state_->resend);
  state_->timers->cancel(state_->give_up);
  state_.reset();
}

}  // namespace callplan::sip
