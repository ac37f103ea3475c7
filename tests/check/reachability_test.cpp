#include <gtest/gtest.h>

#include "check/issue_matchers.hpp"
#include "check/tenant_builder.hpp"

namespace callplan::testing {
namespace {

TEST(CheckReachability, StepAfterVoicemailIsUnreachable) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps.push_back(b.announcement("late.wav"));
  b.t.plans[0].steps.push_back(b.hangup());
  Issue i = only_issue(check(b.t), "CP402");
  EXPECT_EQ(i.location, b.loc(b.t.plans[0].steps[3].where));
  EXPECT_EQ(i.message,
            "step main/3 (`announcement`) can never run: main/2 (`voicemail`) always ends the "
            "call before it");
  ASSERT_EQ(i.notes.size(), 1u);
  EXPECT_EQ(i.notes[0].location, b.loc(b.t.plans[0].steps[2].where));
}

TEST(CheckReachability, TransferFollowingPersonalPlanEndsTheCall) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps.insert(b.t.plans[0].steps.begin() + 1, b.transfer("002"));
  Issue i = only_issue(check(b.t), "CP402");
  EXPECT_EQ(i.location, b.loc(b.t.plans[0].steps[2].where));
}

TEST(CheckReachability, TransfersThatGoOnDoNotEndTheCall) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps.insert(b.t.plans[0].steps.begin() + 1, b.transfer("002", false, 20));
  b.t.plans[0].steps.insert(b.t.plans[0].steps.begin() + 1, b.transfer("+31612345678"));
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckReachability, TimeConditionEndsOnlyWhenBothBranchesEnd) {
  TenantBuilder b = TenantBuilder::acme();
  auto& tc = std::get<TimeCondition>(b.t.plans[0].steps[0].body);
  tc.then_steps = StepList{b.announcement("hi.wav")};
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
  tc.then_steps = StepList{b.announcement("hi.wav"), b.hangup()};
  Issue i = only_issue(check(b.t), "CP402");
  EXPECT_EQ(i.location, b.loc(b.t.plans[0].steps[1].where));
  EXPECT_EQ(i.notes.at(0).location, b.loc(b.t.plans[0].steps[0].where));
}

TEST(CheckReachability, UnreachableInsideABranch) {
  TenantBuilder b = TenantBuilder::acme();
  auto& tc = std::get<TimeCondition>(b.t.plans[0].steps[0].body);
  tc.else_steps->push_back(b.announcement("never.wav"));
  Issue i = only_issue(check(b.t), "CP402");
  EXPECT_EQ(i.location, b.loc(tc.else_steps->back().where));
  EXPECT_NE(i.message.find("main/0/else/1"), std::string::npos) << i.message;
}

TEST(CheckReachability, MenuNeverEndsTheCallBecauseSilenceGoesOn) {
  TenantBuilder b = TenantBuilder::acme();
  std::vector<std::pair<std::string, StepList>> options;
  options.emplace_back("1", StepList{b.voicemail("001")});
  b.t.plans[0].steps.insert(b.t.plans[0].steps.begin() + 1, b.menu(std::move(options)));
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckReachability, UnusedPlan) {
  TenantBuilder b = TenantBuilder::acme();
  Plan& p = b.plan("spare", {b.hangup()});
  SourceId where = p.id.where;
  Issue i = only_issue(check(b.t), "CP403");
  EXPECT_EQ(i.severity, Severity::warning);
  EXPECT_EQ(i.location, b.loc(where));
}

TEST(CheckReachability, PlansUsedByUserOrGotoAreUsed) {
  TenantBuilder b = TenantBuilder::acme();
  b.plan("personal", {b.voicemail("001")});
  b.t.users[0].plan = b.text("personal");
  b.plan("after", {b.hangup()});
  b.t.plans[0].steps.back() = b.go_to("after");
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

}  // namespace
}  // namespace callplan::testing
