// CP402: steps after a step that always ends the call; CP403: plans nothing enters.
#include <set>
#include <string>

#include <fmt/format.h>

#include "check/rules.hpp"

namespace callplan::check_detail {

namespace {

bool list_ends_call(const StepList& steps);

// Does the call never go on with the next step once it reaches `step`?
bool ends_call(const Step& step) {
  if (std::holds_alternative<Voicemail>(step.body) || std::holds_alternative<Hangup>(step.body) ||
      std::holds_alternative<Goto>(step.body)) {
    return true;
  }
  if (const auto* t = std::get_if<Transfer>(&step.body)) {
    // Handing the call to a personal plan never comes back (SPEC 3.3); an external transfer
    // or a ring-and-go-on transfer does when nobody answers.
    return is_extension(t->to.value) && t->follow_personal_plan.value;
  }
  if (const auto* tc = std::get_if<TimeCondition>(&step.body)) {
    // A missing branch goes on with the next step (SPEC 3.5).
    return tc->then_steps && tc->else_steps && list_ends_call(*tc->then_steps) &&
           list_ends_call(*tc->else_steps);
  }
  // A menu never ends the call by itself: a caller who presses nothing goes on with the next
  // step after the retries (SPEC 3.6), whatever the options do. Ringing steps go on when
  // nobody answers; announcements always go on.
  return false;
}

bool list_ends_call(const StepList& steps) {
  for (const Step& s : steps) {
    if (ends_call(s)) return true;
  }
  return false;
}

std::string describe(const Step& step, const std::string& path) {
  return step.label.empty() ? fmt::format("{} (`{}`)", path, step_kind_name(step))
                            : fmt::format("{} (`{}` \"{}\")", path, step_kind_name(step),
                                          step.label);
}

void check_list(Context& cx, const StepList& steps, const std::string& path);

void check_branches(Context& cx, const Step& step, const std::string& here) {
  if (const auto* tc = std::get_if<TimeCondition>(&step.body)) {
    if (tc->then_steps) check_list(cx, *tc->then_steps, here + "/then");
    if (tc->else_steps) check_list(cx, *tc->else_steps, here + "/else");
  } else if (const auto* m = std::get_if<Menu>(&step.body)) {
    for (const MenuOption& o : m->options) check_list(cx, o.steps, here + "/" + o.digit.value);
    if (m->invalid) check_list(cx, *m->invalid, here + "/invalid");
  }
}

void check_list(Context& cx, const StepList& steps, const std::string& path) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    std::string here = fmt::format("{}/{}", path, i);
    check_branches(cx, steps[i], here);
    if (!ends_call(steps[i]) || i + 1 == steps.size()) continue;
    // Only the first unreachable step: the ones after it are unreachable for the same reason.
    std::string next = fmt::format("{}/{}", path, i + 1);
    Issue& issue = cx.report(
        "CP402",
        fmt::format("step {} can never run: {} always ends the call before it",
                    describe(steps[i + 1], next), describe(steps[i], here)),
        steps[i + 1].where);
    cx.note(issue, "this step always ends the call", steps[i].where);
    issue.hints.push_back("remove the unreachable steps, or move them before the step that ends "
                          "the call");
    return;
  }
}

void unused_plans(Context& cx) {
  const Tenant& t = cx.tenant();
  std::set<std::string, std::less<>> used;
  for (const Number& n : t.numbers) used.insert(n.plan.value);
  for (const User& u : t.users) used.insert(u.plan.value);
  for_each_step(t, [&used](const Step& step, const std::string&, bool) {
    if (const auto* go = std::get_if<Goto>(&step.body)) used.insert(go->plan.value);
  });
  for (const Plan& p : t.plans) {
    if (used.count(p.id.value) > 0 || cx.find_plan(p.id.value) != &p) continue;
    Issue& issue = cx.report(
        "CP403", fmt::format("plan `{}` is not used by any number, user or goto", p.id.value),
        p.id.where, p.where);
    issue.hints.push_back("attach it to a number (`plan:` under `numbers`), make it a user's "
                          "personal plan, or remove it");
  }
}

}  // namespace

void check_reachability(Context& cx) {
  for (const Plan& p : cx.tenant().plans) check_list(cx, p.steps, p.id.value);
  unused_plans(cx);
}

}  // namespace callplan::check_detail
