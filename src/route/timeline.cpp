// The timeline (SPEC 3.3, 3.5-3.7): steps run in order; branches run and fall through to the
// step after their parent; plans are entered at most once per call; menus wait for a digit.
#include <algorithm>

#include "route/session_state.hpp"

namespace callplan::detail {

void SessionState::run() {
  while (!ended && waiting == Waiting::nothing) {
    if (frames.empty()) {
      finish(Disposition::unanswered, {});
      return;
    }
    Frame& f = frames.back();
    std::span<const StepId> items = p->list(f.list);
    if (f.next >= items.size()) {
      frames.pop_back();  // a branch ran out: go on after its parent step
      continue;
    }
    StepId id = items[f.next++];
    execute(p->steps[id]);
  }
}

void SessionState::execute(const CompiledStep& step) {
  switch (step.kind) {
    case StepKind::ring:
      start_ring(step);
      return;
    case StepKind::enter_plan:
      enter_plan(step.plan, &step);
      return;
    case StepKind::time_condition: {
      // Evaluated when the call reaches the step, not when it started.
      bool matched = p->schedules.matches(step.schedule, setup.at + std::chrono::seconds(now));
      if (tracing()) {
        TraceEvent e = event(TraceType::condition, &step);
        e.schedule = step.schedule_name;
        e.matched = matched;
        emit(e);
      }
      ListId branch = matched ? step.then_list : step.else_list;
      if (branch != kNoList) frames.push_back({branch, 0});
      return;
    }
    case StepKind::voicemail:
      if (tracing()) {
        TraceEvent e = event(TraceType::voicemail, &step);
        e.user = p->users[step.user].extension;
        emit(e);
      }
      push_action(Action::Kind::voicemail, {}).user = step.user;
      finish(Disposition::voicemail, p->users[step.user].extension);
      return;
    case StepKind::announcement:
      if (tracing()) {
        TraceEvent e = event(TraceType::announcement, &step);
        e.audio = step.audio;
        e.text = step.text;
        emit(e);
      }
      {
        ActionRecord& a = push_action(Action::Kind::play, {});
        a.audio = step.audio;
        a.text = step.text;
      }
      return;
    case StepKind::menu:
      start_menu(step);
      return;
    case StepKind::hangup:
      if (tracing()) emit(event(TraceType::hangup, &step));
      finish(Disposition::hangup, {});
      return;
  }
}

void SessionState::enter_plan(PlanId plan, const CompiledStep* from) {
  const CompiledPlan& target = p->plans[plan];
  bool again = std::find(plans_entered.begin(), plans_entered.end(), plan) != plans_entered.end();
  if (again || plans_entered.size() >= kMaxPlansPerCall) {
    // SPEC 3.7: the step is skipped and the timeline goes on.
    if (tracing()) {
      TraceEvent e = event(TraceType::loop, from);
      e.plan = target.id;
      e.reason = again ? "loop" : "max_plans";
      emit(e);
    }
    return;
  }
  plans_entered.push_back(plan);
  frames.clear();  // entering a plan never returns
  frames.push_back({target.steps, 0});
  if (tracing()) {
    TraceEvent e = event(TraceType::plan, nullptr);
    e.plan = target.id;
    e.step = target.id;
    e.source = target.source;
    emit(e);
  }
}

void SessionState::start_menu(const CompiledStep& step) {
  menu = &step;
  attempt = 1;
  waiting = Waiting::menu;
  prompt();
}

void SessionState::prompt() {
  if (tracing()) {
    TraceEvent e = event(TraceType::menu, menu);
    e.menu = MenuEvent::prompt;
    e.audio = menu->audio;
    e.attempt = attempt;
    e.timeout = menu->timeout;
    emit(e);
  }
  ActionRecord& a = push_action(Action::Kind::collect_digit, {});
  a.timeout = menu->timeout;
  a.audio = menu->audio;
  deadline = now + menu->timeout;
}

void SessionState::menu_digit(char d) {
  for (const MenuChoice& c : p->choices_of(*menu)) {
    if (c.digit != d) continue;
    if (tracing()) {
      TraceEvent e = event(TraceType::menu, menu);
      e.menu = MenuEvent::digit;
      e.digit = d;
      emit(e);
    }
    waiting = Waiting::nothing;
    deadline = kNever;
    menu = nullptr;
    frames.push_back({c.list, 0});
    return;
  }
  if (tracing()) {
    TraceEvent e = event(TraceType::menu, menu);
    e.menu = MenuEvent::invalid;
    e.digit = d;
    emit(e);
  }
  leave_menu(true);
}

void SessionState::menu_timeout() {
  if (tracing()) {
    TraceEvent e = event(TraceType::menu, menu);
    e.menu = MenuEvent::timeout;
    emit(e);
  }
  leave_menu(false);
}

// After an unknown digit or silence: prompt again while retries are left; then an unknown
// digit follows `invalid` (when given) and silence goes on with the next step.
void SessionState::leave_menu(bool after_invalid_digit) {
  if (attempt <= menu->retries) {
    ++attempt;
    prompt();
    return;
  }
  ListId invalid = menu->invalid_list;
  waiting = Waiting::nothing;
  deadline = kNever;
  menu = nullptr;
  if (after_invalid_digit && invalid != kNoList) frames.push_back({invalid, 0});
}

void SessionState::finish(Disposition d, std::string_view who) {
  ended = true;
  waiting = Waiting::nothing;
  deadline = kNever;
  outcome.disposition = d;
  outcome.t = now;
  if (d == Disposition::answered) outcome.by = who;
  if (d == Disposition::voicemail) outcome.user = who;
  if (d != Disposition::answered && d != Disposition::voicemail) {
    push_action(Action::Kind::end, {});
  }
}

}  // namespace callplan::detail
