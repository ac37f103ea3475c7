// Trace events of the timeline and ring steps, built here rather than where they happen.
//
// An event owns its strings and is built only when the call has a listener. Out of line
// (another translation unit, so never inlined back), the untraced path of the hot functions
// (execute(), enter_plan(), begin_stage(), leg_answered()) only tests tracing().
#include <string>
#include <utility>

#include "route/session_state.hpp"

namespace callplan::detail {

void SessionState::emit(const CompiledStep* step, TraceDetail what) const {
  if (step == nullptr) {
    trace->on_event(TraceEvent{now, {}, {}, {}, std::move(what)});
  } else {
    trace->on_event(TraceEvent{now, step->path, step->source, step->label, std::move(what)});
  }
}

// The ring step in progress, or the outbound call's pseudo-step (no source, no label).
void SessionState::emit_at_ring(TraceDetail what) const {
  trace->on_event(TraceEvent{now, std::string(ring_path), std::string(ring_source),
                             std::string(ring_label), std::move(what)});
}

namespace {
std::vector<std::string> targets_of(const std::vector<Leg>& legs, std::span<const LegId> ids) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (LegId id : ids) out.emplace_back(legs[id].target);
  return out;
}
}  // namespace

void SessionState::trace_condition(const CompiledStep& step, bool matched) const {
  emit(&step, ConditionEvent{step.schedule_name, matched});
}

void SessionState::trace_voicemail(const CompiledStep& step) const {
  emit(&step, VoicemailEvent{std::string(p->users[step.user].extension)});
}

void SessionState::trace_announcement(const CompiledStep& step) const {
  emit(&step, AnnouncementEvent{step.audio, step.text, step.prompt_seconds});
}

void SessionState::trace_hangup(const CompiledStep& step) const { emit(&step, HangupEvent{}); }

void SessionState::trace_plan_not_entered(const CompiledStep* from, const CompiledPlan& target,
                                          bool again) const {
  emit(from, LoopEvent{target.id, again ? LoopReason::loop : LoopReason::max_plans});
}

void SessionState::trace_plan_entered(const CompiledPlan& target) const {
  trace->on_event(TraceEvent{now, target.id, target.source, {}, PlanEvent{target.id}});
}

void SessionState::trace_menu(TraceDetail what) const { emit(menu, std::move(what)); }

void SessionState::trace_reject(RejectReason reason) const {
  emit(nullptr, RejectEvent{reason});
}

void SessionState::trace_answer(const Leg& answered) const {
  emit_at_ring(AnswerEvent{std::string(answered.target)});
}

void SessionState::trace_skip(std::string_view target, SkipReason reason) const {
  emit_at_ring(SkipEvent{std::string(target), reason});
}

void SessionState::trace_ring(std::span<const LegId> leg_ids, std::uint32_t timeout) const {
  RingEvent ring_event{targets_of(legs, leg_ids), timeout, {}};
  // Say what external phones show when it is not simply the caller (SPEC 3.8).
  for (LegId id : leg_ids) {
    const Leg& leg = legs[id];
    if (leg.kind == Leg::Kind::external && leg.caller_id != shown_internal) {
      ring_event.caller_id = leg.caller_id;
    }
  }
  emit_at_ring(std::move(ring_event));
}

void SessionState::trace_stop(std::span<const LegId> leg_ids, StopReason reason) const {
  emit_at_ring(StopEvent{targets_of(legs, leg_ids), reason});
}

}  // namespace callplan::detail
