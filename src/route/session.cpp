// CallSession: the host-facing API over SessionState, the timers and the action queue.
#include "callplan/session.hpp"

#include <algorithm>

#include "callplan/error.hpp"
#include "route/session_state.hpp"

namespace callplan {

namespace detail {

SessionState::SessionState(std::shared_ptr<const Engine> e) : engine(std::move(e)) {
  if (!engine) throw Error("CallSession needs an engine");
  p = &EngineAccess::program(*engine);
  reserve_buffers();
}

// Sized so that routing a call never grows a buffer: at most max_members legs ring at once,
// and a step starts or stops at most that many legs in one action.
void SessionState::reserve_buffers() {
  std::size_t m = p->max_members + 1;
  frames.reserve(p->max_list_depth + 1);
  plans_entered.reserve(kMaxPlansPerCall);
  order.reserve(m);
  considered.assign(m, 0);  // sized up front: start_ring() marks instead of clearing
  active.reserve(m);
  legs.reserve(4 * m + 16);
  actions.reserve(2 * m + 16);
  action_legs.reserve(4 * m + 16);
  caller_dial_buffer.reserve(32);
  outbound_dial.reserve(32);
}

// Fires the timers due before `limit` (or at it, when `inclusive`), in time order. Each timer
// runs at its own second, and the zero-time steps that follow it run there too.
void SessionState::fire_timers(std::uint32_t limit, bool inclusive) {
  while (!ended && waiting != Waiting::nothing &&
         (deadline < limit || (inclusive && deadline == limit))) {
    now = std::max(now, deadline);
    // Dispatched inline (no on_timer() hop): one call less per timer, and a ring
    // timer is most rounds of a call.
    if (waiting == Waiting::ring) {
      ring_timer();
    } else if (waiting == Waiting::menu) {
      menu_timeout();
    } else {
      prompt_played();  // an announcement timed by the session
    }
    if (!ended && waiting == Waiting::nothing) run();
  }
}

}  // namespace detail

namespace {
void check_time(const detail::SessionState& s, std::uint32_t t) {
  if (t < s.now) throw Error("CallSession: time went back");
}

// Brings the session to second t before an event of that second is handled: timers due
// strictly before t fire first (session.hpp). False when the call has ended (before or by them).
bool reach_event_time(detail::SessionState& s, std::uint32_t t) {
  if (s.ended) return false;
  check_time(s, t);
  s.fire_timers(t, false);
  if (s.ended) return false;
  s.now = t;
  return true;
}
}  // namespace

CallSession::CallSession(std::shared_ptr<const Engine> engine)
    : s_(std::make_unique<detail::SessionState>(std::move(engine))) {}
CallSession::~CallSession() = default;
CallSession::CallSession(CallSession&&) noexcept = default;
CallSession& CallSession::operator=(CallSession&&) noexcept = default;

void CallSession::set_actions(std::initializer_list<Action::Kind> kinds) {
  std::uint32_t mask = 0;
  for (Action::Kind kind : kinds) mask |= detail::SessionState::action_bit(kind);
  s_->queued_actions = mask;
}

void CallSession::set_prompt_clock(PromptClock clock) { s_->prompt_clock = clock; }
PromptClock CallSession::prompt_clock() const { return s_->prompt_clock; }

void CallSession::reset(std::shared_ptr<const Engine> engine) {
  const std::uint32_t queued = s_->queued_actions;
  const PromptClock clock = s_->prompt_clock;
  s_ = std::make_unique<detail::SessionState>(std::move(engine));
  s_->queued_actions = queued;
  s_->prompt_clock = clock;
}

const std::shared_ptr<const Engine>& CallSession::engine() const { return s_->engine; }

void CallSession::start(const CallSetup& setup) { s_->start(setup); }

std::optional<Action> CallSession::next_action() {
  detail::SessionState& s = *s_;
  if (s.next_action >= s.actions.size()) {
    // Hosts ask once more after every event, mostly with nothing queued: that answer is the
    // cheap one. Once drained, the buffers start over (keeping their capacity).
    if (s.next_action != 0) {
      s.actions.clear();
      s.action_legs.clear();
      s.next_action = 0;
    }
    return std::nullopt;
  }
  const detail::ActionRecord& r = s.actions[s.next_action++];
  Action a;
  a.kind = r.kind;
  a.legs = {s.action_legs.data() + r.legs_begin, r.legs_count};
  a.timeout = r.timeout;
  a.reason = r.reason;
  a.audio = r.audio;
  a.text = r.text;
  a.seconds = r.seconds;
  a.user = r.user;
  return a;
}

std::optional<std::uint32_t> CallSession::wake_in() const {
  const detail::SessionState& s = *s_;
  const std::uint32_t at = s.wake_at();
  if (at == detail::kNever) return std::nullopt;
  return at - s.now;
}

std::uint32_t CallSession::now() const { return s_->now; }

void CallSession::answered(LegId leg, std::uint32_t t) {
  detail::SessionState& s = *s_;
  if (!reach_event_time(s, t)) return;
  if (s.waiting != detail::SessionState::Waiting::ring) return;
  s.leg_answered(leg);
}

void CallSession::busy(LegId leg, std::uint32_t t) {
  detail::SessionState& s = *s_;
  if (!reach_event_time(s, t)) return;
  if (s.waiting != detail::SessionState::Waiting::ring) return;
  s.leg_busy(leg);
  if (!s.ended && s.waiting == detail::SessionState::Waiting::nothing) s.run();
}

void CallSession::digit(char d, std::uint32_t t) {
  detail::SessionState& s = *s_;
  if (!reach_event_time(s, t)) return;
  if (s.waiting != detail::SessionState::Waiting::menu) return;
  s.menu_digit(d);
  if (!s.ended && s.waiting == detail::SessionState::Waiting::nothing) s.run();
}

void CallSession::prompt_ended(std::uint32_t t) {
  detail::SessionState& s = *s_;
  if (!s.host_times_prompts()) return;
  if (!reach_event_time(s, t)) return;
  using Waiting = detail::SessionState::Waiting;
  const bool playing = s.waiting == Waiting::announcement ||
                       (s.waiting == Waiting::menu && s.menu_prompt_playing);
  if (!playing) return;
  s.prompt_played();
  if (!s.ended && s.waiting == Waiting::nothing) s.run();
}

void CallSession::caller_hung_up(std::uint32_t t) {
  detail::SessionState& s = *s_;
  if (!reach_event_time(s, t)) return;
  if (s.waiting == detail::SessionState::Waiting::ring) {
    s.stop_active(StopReason::caller_hangup);
    s.remember_round_robin({});
  }
  s.finish(Disposition::abandoned, {});
}

void CallSession::advance_to(std::uint32_t t) {
  detail::SessionState& s = *s_;
  if (s.ended) return;
  check_time(s, t);
  s.fire_timers(t, true);
  if (!s.ended) s.now = t;
}

bool CallSession::ended() const { return s_->ended; }
CallOutcome CallSession::outcome() const { return s_->outcome; }

const Leg& CallSession::leg(LegId id) const {
  if (id >= s_->legs.size()) throw Error("CallSession::leg: no such leg in this call");
  return s_->legs[id];
}

std::span<const Leg> CallSession::legs() const { return s_->legs; }

std::span<const LegId> CallSession::ringing() const { return s_->active; }

}  // namespace callplan
