#include <gtest/gtest.h>

#include "check/issue_matchers.hpp"
#include "check/tenant_builder.hpp"

namespace callplan::testing {
namespace {

void insert_second(TenantBuilder& b, Step step) {
  b.t.plans[0].steps.insert(b.t.plans[0].steps.begin() + 1, std::move(step));
}

TEST(CheckSteps, TimeoutIgnoredWhenFollowingPersonalPlan) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.users[1].plan = b.text("main");  // the transfer would otherwise end the call: no CP402
  Step s = b.transfer("002", std::nullopt, 20);
  SourceId timeout = std::get<Transfer>(s.body).timeout.where;
  b.t.plans[0].steps.push_back(s);
  b.t.plans[0].steps.erase(b.t.plans[0].steps.begin() + 2);  // drop the voicemail before it
  Issues issues = with_code(check(b.t), "CP404");
  ASSERT_EQ(issues.size(), 1u) << dump(check(b.t));
  EXPECT_EQ(issues[0].severity, Severity::warning);
  EXPECT_EQ(issues[0].location, b.loc(timeout));
  EXPECT_TRUE(has_hint_containing(issues[0], "follow_personal_plan: false"));
}

TEST(CheckSteps, TimeoutNotWholeRingsSuggestsNearest) {
  TenantBuilder b = TenantBuilder::acme();
  insert_second(b, b.transfer("001", false, 32));
  Issue i = only_issue(check(b.t), "CP405");
  EXPECT_EQ(i.severity, Severity::warning);
  EXPECT_EQ(i.location, b.loc(std::get<Transfer>(b.t.plans[0].steps[1].body).timeout.where));
  EXPECT_EQ(i.hints, std::vector<std::string>{"use 30 (6 rings)"});
}

TEST(CheckSteps, TinyTimeoutRoundsUpToOneRing) {
  TenantBuilder b = TenantBuilder::acme();
  insert_second(b, b.transfer("+31612345678", std::nullopt, 2));
  Issue i = only_issue(check(b.t), "CP405");
  EXPECT_EQ(i.hints, std::vector<std::string>{"use 5 (1 ring)"});
}

TEST(CheckSteps, RingGroupTimeoutAndMaxDuration) {
  TenantBuilder b = TenantBuilder::acme();
  auto& g = std::get<RingGroup>(b.t.plans[0].steps[1].body);
  g.timeout = b.given(std::uint32_t{18});
  g.max_duration = b.given(std::uint32_t{61});
  Issues issues = check(b.t);
  ASSERT_EQ(issues.size(), 2u) << dump(issues);
  EXPECT_EQ(issues[0].hints, std::vector<std::string>{"use 20 (4 rings)"});
  EXPECT_EQ(issues[1].hints, std::vector<std::string>{"use 60 (12 rings)"});
}

TEST(CheckSteps, MemoryHuntWithOneMember) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps[1] = b.ring_group(Strategy::memory_hunt, {"001"}, 20);
  Issue i = only_issue(check(b.t), "CP406");
  EXPECT_EQ(i.location, b.loc(std::get<RingGroup>(b.t.plans[0].steps[1].body).strategy.where));
}

TEST(CheckSteps, MemoryHuntWithTwoMembersIsFine) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps[1] = b.ring_group(Strategy::memory_hunt, {"001", "002"}, 20);
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckSteps, EmptyRingGroup) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps[1] = b.ring_group(Strategy::ring_all, {}, 20);
  Issue i = only_issue(check(b.t), "CP407");
  EXPECT_EQ(i.location, b.loc(b.t.plans[0].steps[1].where));
}

TEST(CheckSteps, PlanWithoutSteps) {
  TenantBuilder b = TenantBuilder::acme();
  Plan& p = b.plan("empty");
  b.number("+31881234568", "empty");
  Issue i = only_issue(check(b.t), "CP408");
  EXPECT_EQ(i.location, b.loc(b.t.plans.back().id.where));
  (void)p;
}

TEST(CheckSteps, MenuWithoutOptions) {
  TenantBuilder b = TenantBuilder::acme();
  insert_second(b, b.menu({}));
  Issue i = only_issue(check(b.t), "CP409");
  EXPECT_EQ(i.location, b.loc(b.t.plans[0].steps[1].where));
}

}  // namespace
}  // namespace callplan::testing
