#include <gtest/gtest.h>

#include "check/issue_matchers.hpp"
#include "check/tenant_builder.hpp"

namespace callplan::testing {
namespace {

TEST(CheckReferences, UnknownTransferTargetWithDidYouMean) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps.insert(b.t.plans[0].steps.begin() + 1, b.transfer("003", false, 20));
  SourceId to = std::get<Transfer>(b.t.plans[0].steps[1].body).to.where;
  Issue i = only_issue(check(b.t), "CP210");
  EXPECT_EQ(i.location, b.loc(to));
  EXPECT_EQ(i.message, "transfer main/1 target `003` is not the extension of any user");
  EXPECT_TRUE(has_hint_containing(i, "did you mean `00")) << dump({i});
}

TEST(CheckReferences, ExternalTransferTargetIsNoUserReference) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps.insert(b.t.plans[0].steps.begin() + 1, b.transfer("+31612345678", false, 20));
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckReferences, UnknownMemberVoicemailUserAndDeviceUser) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps[1] = b.ring_group(Strategy::ring_all, {"001", "007"}, 20);
  b.t.plans[0].steps[2] = b.voicemail("009");
  Device& d = b.device("desk", "099");
  SourceId device_user = d.user.where;
  Issues issues = with_code(check(b.t), "CP210");
  ASSERT_EQ(issues.size(), 3u) << dump(issues);
  EXPECT_EQ(issues[2].location, b.loc(device_user));
  EXPECT_EQ(issues[2].message, "device `desk`: user `099` is not the extension of any user");
}

TEST(CheckReferences, UnknownPlansFromNumberUserAndGoto) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.numbers[0].plan.value = "mainn";
  b.t.users[0].plan = b.text("anna");
  b.plan("other", {b.go_to("nowhere")});
  b.number("+31881234568", "other");
  Issues issues = with_code(check(b.t), "CP211");
  ASSERT_EQ(issues.size(), 3u) << dump(check(b.t));
  EXPECT_EQ(issues[0].location, b.loc(b.t.numbers[0].plan.where));
  EXPECT_EQ(issues[0].message, "number +31881234567: plan `mainn` does not exist");
  EXPECT_TRUE(has_hint_containing(issues[0], "did you mean `main`?"));
}

TEST(CheckReferences, UnknownScheduleInTimeConditionAndExcept) {
  TenantBuilder b = TenantBuilder::acme();
  std::get<TimeCondition>(b.t.plans[0].steps[0].body).schedule.value = "ofice_hours";
  b.t.schedules[0].except.push_back(b.text("holidays"));
  Issues issues = check(b.t);
  ASSERT_EQ(issues.size(), 2u) << dump(issues);
  for (const Issue& i : issues) EXPECT_EQ(i.code, "CP212");
  Issue tc = issues[0].message.find("time condition") != std::string::npos ? issues[0] : issues[1];
  EXPECT_EQ(tc.message, "time condition main/0: schedule `ofice_hours` does not exist");
  EXPECT_TRUE(has_hint_containing(tc, "did you mean `office_hours`?"));
}

TEST(CheckReferences, InlineScheduleResolvesByItsPath) {
  TenantBuilder b = TenantBuilder::acme();
  Schedule& s = b.schedule("main/0");
  s.is_inline = true;
  s.weekly.push_back(b.window(kMonFri, hhmm(9, 0), hhmm(17, 0)));
  std::get<TimeCondition>(b.t.plans[0].steps[0].body).schedule.value = "main/0";
  // office_hours is now unused, which is no issue.
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckReferences, CallerIdMustBeATenantNumber) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.users[1].caller_id = b.text("+31887654321");
  Issue i = only_issue(check(b.t), "CP213");
  EXPECT_EQ(i.location, b.loc(b.t.users[1].caller_id.where));
  EXPECT_EQ(i.message, "user 002 caller ID `+31887654321` is not one of the tenant's numbers");
  EXPECT_FALSE(i.hints.empty());
}

TEST(CheckReferences, CallerIdComparedNormalised) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.users[1].caller_id = b.text("0881234567");
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckReferences, TransferCallerIdCallerIsTheKeyword) {
  TenantBuilder b = TenantBuilder::acme();
  Step ok = b.transfer("+31612345678", false, 20);
  std::get<Transfer>(ok.body).caller_id = b.text("caller");
  Step bad = b.transfer("+31612345678", false, 20);
  std::get<Transfer>(bad.body).caller_id = b.text("+31201234567");
  SourceId bad_where = std::get<Transfer>(bad.body).caller_id.where;
  b.t.plans[0].steps.insert(b.t.plans[0].steps.begin() + 1, {ok, bad});
  Issue i = only_issue(check(b.t), "CP213");
  EXPECT_EQ(i.location, b.loc(bad_where));
}

TEST(CheckReferences, VoicemailForUserWithVoicemailOff) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps[2] = b.voicemail("002");
  SourceId where = std::get<Voicemail>(b.t.plans[0].steps[2].body).user.where;
  Issue i = only_issue(check(b.t), "CP217");
  EXPECT_EQ(i.location, b.loc(where));
  EXPECT_TRUE(has_hint_containing(i, "set `voicemail: true` on user 002"));
  ASSERT_EQ(i.notes.size(), 1u);
  EXPECT_EQ(i.notes[0].location, b.loc(b.t.users[1].extension.where));
}

TEST(CheckReferences, CallerIdOnRingGroup) {
  TenantBuilder b = TenantBuilder::acme();
  auto& g = std::get<RingGroup>(b.t.plans[0].steps[1].body);
  g.caller_id = b.text("+31881234567");
  Issue i = only_issue(check(b.t), "CP218");
  EXPECT_EQ(i.location, b.loc(g.caller_id.where));
  EXPECT_TRUE(has_hint_containing(i, "use a `transfer`"));
}

}  // namespace
}  // namespace callplan::testing
