// Ring steps (SPEC 3.3, 3.4): transfers, ring groups and the default personal ring.
//
// A ring step is a sequence of stages, each lasting the step's time-out: ring_all has one
// stage with every member; memory_hunt adds one member per stage while earlier legs keep
// ringing; cascade, round_robin and random ring one member per stage. A stage that would ring
// nobody new (every member skipped) takes no time. When every leg has dropped out (busy) the
// stage ends early. `max_duration` caps the whole step.
#include <algorithm>

#include "route/session_state.hpp"

namespace callplan::detail {

void SessionState::start_ring(const CompiledStep& step) {
  ring = &step;
  ring_path = step.path;
  ring_source = step.source;
  ring_label = step.label;
  strategy = step.strategy;
  std::span<const Member> members = p->members_of(step);
  auto n = static_cast<std::uint32_t>(members.size());
  reordered = strategy == Strategy::round_robin || strategy == Strategy::random;
  if (reordered) {
    order.clear();
    for (std::uint32_t i = 0; i < n; ++i) order.push_back(i);
  }
  if (considered.size() < n) considered.resize(n, 0);
  if (++considered_mark == 0) {  // wrapped: old marks could collide with new ones
    std::fill(considered.begin(), considered.end(), 0);
    considered_mark = 1;
  }
  rr_first = {};
  switch (strategy) {
    case Strategy::ring_all:
      stage_count = n == 0 ? 0 : 1;
      break;
    case Strategy::memory_hunt:
    case Strategy::cascade:
      stage_count = n;
      break;
    case Strategy::round_robin: {
      // Start after the member recorded for this group: the one who answered its previous
      // call, or that call's first member when nobody answered.
      std::uint32_t start = 0;
      if (auto last = state->round_robin(step.path)) {
        for (std::uint32_t i = 0; i < n; ++i) {
          if (members[i].target == *last) {
            start = (i + 1) % n;
            break;
          }
        }
      }
      std::rotate(order.begin(), order.begin() + start, order.end());
      stage_count = n;
      if (n > 0) rr_first = members[order[0]].target;
      break;
    }
    case Strategy::random:
      // Fisher-Yates with our own generator, so that a seed gives the same order everywhere.
      for (std::uint32_t i = n; i > 1; --i) {
        auto j = static_cast<std::uint32_t>(state->next_random() % i);
        std::swap(order[i - 1], order[j]);
      }
      stage_count = n;
      break;
  }
  stage = 0;
  group_deadline = step.max_duration > 0 ? now + step.max_duration : kNever;
  active.clear();
  waiting = Waiting::ring;
  begin_stage();
}

namespace {

SkipReason skip_reason(Presence presence) {
  switch (presence) {
    case Presence::offline: return SkipReason::offline;
    case Presence::busy: return SkipReason::busy;
    case Presence::dnd: return SkipReason::dnd;
    case Presence::available:  // not skipped; listed for -Wswitch
    case Presence::no_device: break;
  }
  return SkipReason::no_device;
}

}  // namespace

// The common case (an available user member) first and short; every other case goes through
// a separate function. Inline: begin_stage() is its only caller, once per stage or member, and
// a call per member rung cost as much as the test itself.
inline bool SessionState::try_member(std::uint32_t position) {
  const Member& m = p->members_of(*ring)[position];
  std::uint32_t& mark = considered[m.first];
  if (mark == considered_mark) [[unlikely]] {
    return skip_member(m, SkipReason::duplicate);
  }
  mark = considered_mark;
  if (m.kind != Member::Kind::user) return try_external_member(m);
  if (m.user == caller_user) [[unlikely]] {
    return skip_member(m, SkipReason::caller);
  }
  const Presence presence = presence_of(m.user);
  if (presence != Presence::available) return skip_member(m, skip_reason(presence));
  add_leg(Leg::Kind::user, m.user, m.target, m.dial, shown_internal);
  return true;
}

// Rings the current stage's new members; stages that ring nobody new take no time.
void SessionState::begin_stage() {
  for (; stage < stage_count; ++stage) {
    if (now >= group_deadline) {
      end_group(StopReason::max_duration);
      return;
    }
    std::size_t first_new = legs.size();
    if (strategy == Strategy::ring_all) {
      for (std::uint32_t i = 0, n = ring->members_count; i < n; ++i) try_member(position_at(i));
    } else {
      try_member(position_at(stage));
    }
    if (legs.size() > first_new) {
      // The ring action and trace event name the new legs, the last ones added to `active`.
      // A host that takes no ring actions (the simulator reads legs()) skips the list.
      const bool queue = queues(Action::Kind::ring);
      if (queue || tracing()) {
        std::size_t count = legs.size() - first_new;
        std::span<const LegId> new_legs{active.data() + (active.size() - count), count};
        if (queue) {
          push_action(Action::Kind::ring, new_legs).timeout =
              std::min(ring->timeout, group_deadline - now);
        }
        if (tracing()) trace_ring(new_legs, ring->timeout);
      }
      stage_deadline = now + ring->timeout;
      deadline = std::min(stage_deadline, group_deadline);
      return;
    }
  }
  end_group(StopReason::timeout);
}

bool SessionState::skip_member(const Member& m, SkipReason reason) {
  if (tracing()) trace_skip(m.target, reason);
  return false;
}

bool SessionState::try_external_member(const Member& m) {
  // An external caller whose own number is a member is not rung either.
  if (caller_user == kNoUser && !external_caller_dial().empty() && m.dial == caller_dial) {
    return skip_member(m, SkipReason::caller);
  }
  std::string_view shown = ring->fixed_caller_id ? std::string_view(ring->caller_id)
                                                 : shown_external;
  add_leg(Leg::Kind::external, kNoUser, m.target, m.dial, shown);
  return true;
}

// The stage or the whole step ran out of time (now == deadline).
void SessionState::ring_timer() {
  if (now >= stage_deadline) {
    bool last = stage + 1 >= stage_count;
    if (last) {
      end_group(StopReason::timeout);  // the step ends as planned, even when max_duration is due
    } else if (now >= group_deadline) {
      end_group(StopReason::max_duration);
    } else {
      if (strategy != Strategy::memory_hunt) stop_active(StopReason::timeout);
      ++stage;
      begin_stage();
    }
  } else {
    end_group(StopReason::max_duration);
  }
}

void SessionState::leg_busy(LegId leg) {
  auto it = std::find(active.begin(), active.end(), leg);
  if (it == active.end()) return;
  active.erase(it);
  LegId one[] = {leg};
  push_action(Action::Kind::stop, one).reason = StopReason::busy;
  if (tracing()) trace_stop(one, StopReason::busy);
  if (!active.empty()) return;
  // Everyone of this stage dropped out: the stage ends early.
  if (stage + 1 >= stage_count) {
    end_group(StopReason::timeout);
  } else {
    ++stage;
    begin_stage();
  }
}

void SessionState::leg_answered(LegId leg) {
  auto it = std::find(active.begin(), active.end(), leg);
  if (it == active.end()) return;
  active.erase(it);
  const Leg& answered = legs[leg];
  if (tracing()) trace_answer(answered);
  stop_active(StopReason::answered_elsewhere);
  remember_round_robin(answered.target);
  LegId one[] = {leg};
  push_action(Action::Kind::connect, one);
  waiting = Waiting::nothing;
  finish(Disposition::answered, answered.target);
}

void SessionState::stop_active(StopReason reason) {
  if (active.empty()) return;
  push_action(Action::Kind::stop, active).reason = reason;
  if (tracing()) trace_stop(active, reason);
  active.clear();
}

void SessionState::end_group(StopReason reason) {
  stop_active(reason);
  remember_round_robin({});
  waiting = Waiting::nothing;
  deadline = kNever;
  ring = nullptr;
}

void SessionState::remember_round_robin(std::string_view answered_by) {
  if (ring == nullptr || strategy != Strategy::round_robin || rr_first.empty()) return;
  state->set_round_robin(ring->path, answered_by.empty() ? rr_first : answered_by);
}

}  // namespace callplan::detail
