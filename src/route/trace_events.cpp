// Trace events of the timeline and ring steps, built here rather than where they happen.
//
// A TraceEvent is a large struct; built inline, it gave execute(), enter_plan() and
// leg_answered() a big stack frame and a full register save on every call, traced or not.
// Out of line (another translation unit, so never inlined back), the untraced path of those
// functions only tests tracing().
#include "route/session_state.hpp"

namespace callplan::detail {

void SessionState::trace_condition(const CompiledStep& step, bool matched) const {
  TraceEvent e = event(TraceType::condition, &step);
  e.schedule = step.schedule_name;
  e.matched = matched;
  emit(e);
}

void SessionState::trace_voicemail(const CompiledStep& step) const {
  TraceEvent e = event(TraceType::voicemail, &step);
  e.user = p->users[step.user].extension;
  emit(e);
}

void SessionState::trace_announcement(const CompiledStep& step) const {
  TraceEvent e = event(TraceType::announcement, &step);
  e.audio = step.audio;
  e.text = step.text;
  emit(e);
}

void SessionState::trace_hangup(const CompiledStep& step) const {
  emit(event(TraceType::hangup, &step));
}

void SessionState::trace_plan_not_entered(const CompiledStep* from, const CompiledPlan& target,
                                          bool again) const {
  TraceEvent e = event(TraceType::loop, from);
  e.plan = target.id;
  e.reason = again ? "loop" : "max_plans";
  emit(e);
}

void SessionState::trace_plan_entered(const CompiledPlan& target) const {
  TraceEvent e = event(TraceType::plan, nullptr);
  e.plan = target.id;
  e.step = target.id;
  e.source = target.source;
  emit(e);
}

void SessionState::trace_answer(const Leg& answered) const {
  TraceEvent e = event(TraceType::answer, ring);
  e.step = ring_path;
  e.source = ring_source;
  e.label = ring_label;
  e.by = answered.target;
  emit(e);
}

}  // namespace callplan::detail
