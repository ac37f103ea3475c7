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

// Only a dispatch: each kind has its own function, so that the common steps (a ring, a time
// condition) do not pay for the register saves the others need.
void SessionState::execute(const CompiledStep& step) {
  switch (step.kind) {
    case StepKind::ring: return start_ring(step);
    case StepKind::enter_plan: return enter_plan(step.plan, &step);
    case StepKind::time_condition: return time_condition(step);
    case StepKind::voicemail: return voicemail(step);
    case StepKind::announcement: return announcement(step);
    case StepKind::menu: return start_menu(step);
    case StepKind::hangup:
      if (tracing()) trace_hangup(step);
      return finish(Disposition::hangup, {});
  }
}

void SessionState::time_condition(const CompiledStep& step) {
  // Evaluated when the call reaches the step, not when it started.
  bool matched = p->schedules.matches(step.schedule, setup.at + std::chrono::seconds(now));
  if (tracing()) trace_condition(step, matched);
  ListId branch = matched ? step.then_list : step.else_list;
  if (branch != kNoList) frames.push_back({branch, 0});
}

void SessionState::voicemail(const CompiledStep& step) {
  if (tracing()) trace_voicemail(step);
  push_action(Action::Kind::voicemail, {}).user = step.user;
  finish(Disposition::voicemail, p->users[step.user].extension);
}

void SessionState::announcement(const CompiledStep& step) {
  if (tracing()) trace_announcement(step);
  ActionRecord& a = push_action(Action::Kind::play, {});
  a.audio = step.audio;
  a.text = step.text;
  a.seconds = step.prompt_seconds;
  // SPEC 3.9: the next step starts when the announcement has played. A prompt of 0 s (none,
  // or of unknown length) holds nothing on the session's clock; a host that plays prompts
  // itself still reports its end.
  if (host_times_prompts()) {
    waiting = Waiting::announcement;
    deadline = kNever;
  } else if (step.prompt_seconds > 0) {
    waiting = Waiting::announcement;
    deadline = now + step.prompt_seconds;
  }
}

// The announcement or the menu prompt in progress has played (its timer, or the host's
// prompt_ended()).
void SessionState::prompt_played() {
  if (waiting == Waiting::announcement) {
    waiting = Waiting::nothing;
    deadline = kNever;
  } else if (waiting == Waiting::menu && menu_prompt_playing) {
    menu_prompt_playing = false;
    deadline = now + menu->timeout;
  }
}

void SessionState::enter_plan(PlanId plan, const CompiledStep* from) {
  const CompiledPlan& target = p->plans[plan];
  bool again = std::find(plans_entered.begin(), plans_entered.end(), plan) != plans_entered.end();
  if (again || plans_entered.size() >= kMaxPlansPerCall) {
    // SPEC 3.7: the step is skipped and the timeline goes on.
    if (tracing()) trace_plan_not_entered(from, target, again);
    return;
  }
  plans_entered.push_back(plan);
  frames.clear();  // entering a plan never returns
  frames.push_back({target.steps, 0});
  if (tracing()) trace_plan_entered(target);
}

void SessionState::start_menu(const CompiledStep& step) {
  menu = &step;
  attempt = 1;
  waiting = Waiting::menu;
  prompt();
}

void SessionState::prompt() {
  if (tracing()) {
    trace_menu(MenuPromptEvent{std::string(menu->audio), std::string(menu->text), attempt,
                               menu->timeout, menu->prompt_seconds});
  }
  ActionRecord& a = push_action(Action::Kind::collect_digit, {});
  a.timeout = menu->timeout;
  a.audio = menu->audio;
  a.text = menu->text;
  a.seconds = menu->prompt_seconds;
  // SPEC 3.9: the digit time-out runs from the end of the prompt.
  if (host_times_prompts()) {
    menu_prompt_playing = true;
    deadline = kNever;
  } else {
    deadline = now + menu->prompt_seconds + menu->timeout;
  }
}

void SessionState::menu_digit(char d) {
  for (const MenuChoice& c : p->choices_of(*menu)) {
    if (c.digit != d) continue;
    if (tracing()) trace_menu(MenuDigitEvent{d});
    waiting = Waiting::nothing;
    deadline = kNever;
    menu = nullptr;
    menu_prompt_playing = false;
    frames.push_back({c.list, 0});
    return;
  }
  if (tracing()) trace_menu(MenuInvalidEvent{d});
  leave_menu(true);
}

void SessionState::menu_timeout() {
  if (tracing()) trace_menu(MenuTimeoutEvent{});
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
  menu_prompt_playing = false;
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
