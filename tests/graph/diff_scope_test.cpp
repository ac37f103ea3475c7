// The diff routes only the calls a change can reach (src/diff/reach.hpp). Proven here against
// the diff that routes every call: on random one-step changes of the fixture tenants, both give
// exactly the same result, in every format.
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <variant>

#include "callplan/check.hpp"
#include "callplan/diff.hpp"
#include "support.hpp"

namespace callplan {
namespace {

using graph_testing::fixture;

DiffOptions week_of_30_november(bool every_call) {
  DiffOptions o;
  o.from = Instant{std::chrono::sys_days{std::chrono::year{2026} / 11 / 30} - std::chrono::hours{1}};
  o.every_call = every_call;
  return o;
}

// Every step of the tenant's plans, nested ones included.
void collect_steps(StepList& steps, std::vector<Step*>& out) {
  for (Step& s : steps) {
    out.push_back(&s);
    if (auto* tc = std::get_if<TimeCondition>(&s.body)) {
      if (tc->then_steps) collect_steps(*tc->then_steps, out);
      if (tc->else_steps) collect_steps(*tc->else_steps, out);
    } else if (auto* menu = std::get_if<Menu>(&s.body)) {
      for (MenuOption& o : menu->options) collect_steps(o.steps, out);
      if (menu->invalid) collect_steps(*menu->invalid, out);
    }
  }
}

std::vector<StepList*> collect_lists(Tenant& t) {
  std::vector<StepList*> lists;
  std::function<void(StepList&)> walk = [&](StepList& steps) {
    lists.push_back(&steps);
    for (Step& s : steps) {
      if (auto* tc = std::get_if<TimeCondition>(&s.body)) {
        if (tc->then_steps) walk(*tc->then_steps);
        if (tc->else_steps) walk(*tc->else_steps);
      } else if (auto* menu = std::get_if<Menu>(&s.body)) {
        for (MenuOption& o : menu->options) walk(o.steps);
      }
    }
  };
  for (Plan& p : t.plans) walk(p.steps);
  return lists;
}

template <typename T>
T& pick(std::vector<T>& v, std::mt19937& rng) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}

// One change an administrator makes in one step of the panel. Returns what it did, for the
// failure message; empty when the tenant offers nothing to change that way.
std::string one_step_change(Tenant& t, std::mt19937& rng) {
  std::vector<Step*> steps;
  for (Plan& p : t.plans) collect_steps(p.steps, steps);
  std::vector<std::string> extensions;
  for (const User& u : t.users) extensions.push_back(u.extension.value);
  switch (std::uniform_int_distribution<int>(0, 10)(rng)) {
    case 0: {  // a ring time
      for (int tries = 0; tries < 20; ++tries) {
        Step* s = pick(steps, rng);
        if (auto* tr = std::get_if<Transfer>(&s->body)) {
          tr->timeout.value += 5;
          return "transfer timeout +5 s at " + s->label;
        }
        if (auto* rg = std::get_if<RingGroup>(&s->body)) {
          rg->timeout.value = rg->timeout.value > 5 ? rg->timeout.value - 5 : 10;
          return "ring group timeout at " + s->label;
        }
      }
      return {};
    }
    case 1:
    case 2: {  // a ring group's strategy or members
      for (int tries = 0; tries < 20; ++tries) {
        auto* rg = std::get_if<RingGroup>(&pick(steps, rng)->body);
        if (!rg) continue;
        if (rg->members.size() > 1 && std::uniform_int_distribution<int>(0, 1)(rng) == 0) {
          std::swap(rg->members.front(), rg->members.back());
          return "ring group members reordered";
        }
        rg->strategy.value = rg->strategy.value == Strategy::ring_all ? Strategy::memory_hunt
                                                                      : Strategy::ring_all;
        return "ring group strategy";
      }
      return {};
    }
    case 3: {  // a user's voicemail
      User& u = pick(t.users, rng);
      u.voicemail.value = !u.voicemail.value;
      return "voicemail of " + u.extension.value;
    }
    case 4: {  // a user's caller ID
      User& u = pick(t.users, rng);
      if (t.numbers.empty()) return {};
      u.caller_id.value = u.caller_id.value.empty() ? pick(t.numbers, rng).number.value : "";
      return "caller ID of " + u.extension.value;
    }
    case 5: {  // a number to another plan
      if (t.numbers.empty() || t.plans.size() < 2) return {};
      Number& n = pick(t.numbers, rng);
      n.plan.value = pick(t.plans, rng).id.value;
      return "number " + n.number.value + " to plan " + n.plan.value;
    }
    case 6: {  // a step removed
      std::vector<StepList*> lists = collect_lists(t);
      StepList& l = *pick(lists, rng);
      if (l.size() < 2) return {};
      l.erase(l.begin() + std::uniform_int_distribution<std::ptrdiff_t>(
                              0, static_cast<std::ptrdiff_t>(l.size()) - 1)(rng));
      return "a step removed";
    }
    case 7: {  // two steps swapped
      std::vector<StepList*> lists = collect_lists(t);
      StepList& l = *pick(lists, rng);
      if (l.size() < 2) return {};
      std::swap(l.front(), l.back());
      return "first and last step swapped";
    }
    case 8: {  // office hours shifted
      for (int tries = 0; tries < 10 && !t.schedules.empty(); ++tries) {
        Schedule& s = pick(t.schedules, rng);
        if (s.weekly.empty()) continue;
        WeeklyWindow& w = pick(s.weekly, rng);
        if (w.to <= 1380) {
          w.to = static_cast<MinuteOfDay>(w.to + 30);
          return "schedule " + s.name.value + " ends 30 min later";
        }
      }
      return {};
    }
    case 9: {  // a transfer to another colleague
      for (int tries = 0; tries < 20; ++tries) {
        Step* s = pick(steps, rng);
        if (auto* tr = std::get_if<Transfer>(&s->body)) {
          tr->to.value = pick(extensions, rng);
          tr->follow_personal_plan.value = !tr->follow_personal_plan.value;
          return "transfer to " + tr->to.value;
        }
      }
      return {};
    }
    default: {  // a user's personal plan
      User& u = pick(t.users, rng);
      u.plan.value = u.plan.value.empty() ? pick(t.plans, rng).id.value : "";
      return "personal plan of " + u.extension.value;
    }
  }
}

void expect_scoped_equals_full(const std::string& name, unsigned seed, int changes) {
  const Tenant before = fixture(name);
  std::mt19937 rng(seed);
  int compared = 0, with_routing_changes = 0;
  for (int i = 0; i < changes; ++i) {
    Tenant after = before;
    std::string what = one_step_change(after, rng);
    if (what.empty() || has_errors(check(after))) continue;
    TenantDiff scoped = diff_tenants(before, after, week_of_30_november(false));
    TenantDiff full = diff_tenants(before, after, week_of_30_november(true));
    ASSERT_EQ(format_diff(scoped, DiffFormat::json), format_diff(full, DiffFormat::json))
        << name << ", change " << i << ": " << what;
    ++compared;
    if (full.routing_changed()) ++with_routing_changes;
  }
  // The comparison means something only when many changes were valid and most changed calls.
  EXPECT_GE(compared, changes / 2) << name;
  EXPECT_GE(with_routing_changes, compared / 3) << name;
}

TEST(DiffScope, RoutingOnlyReachedCallsEqualsRoutingEveryCallOnBase) {
  expect_scoped_equals_full("base.yaml", 16, 40);
}

TEST(DiffScope, RoutingOnlyReachedCallsEqualsRoutingEveryCallOnCascade) {
  expect_scoped_equals_full("cascade_sales.yaml", 61, 25);
}

TEST(DiffScope, UnchangedTenantRoutesNothingAndReportsNothing) {
  const Tenant t = fixture("base.yaml");
  EXPECT_FALSE(diff_tenants(t, t, week_of_30_november(false)).routing_changed());
}

}  // namespace
}  // namespace callplan
