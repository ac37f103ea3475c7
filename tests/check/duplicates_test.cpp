#include <gtest/gtest.h>

#include "check/issue_matchers.hpp"
#include "check/tenant_builder.hpp"

namespace callplan::testing {
namespace {

TEST(CheckDuplicates, CleanTenantHasNoIssues) {
  TenantBuilder b = TenantBuilder::acme();
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckDuplicates, ReportsSecondExtensionWithNoteAtFirst) {
  TenantBuilder b = TenantBuilder::acme();
  SourceId first = b.t.users[1].extension.where;
  User& again = b.user("002", /*with_device=*/false);
  SourceId second = again.extension.where;
  Issue i = only_issue(check(b.t), "CP200");
  EXPECT_EQ(i.severity, Severity::error);
  EXPECT_EQ(i.location, b.loc(second));
  EXPECT_EQ(i.message, "duplicate extension `002`");
  ASSERT_EQ(i.notes.size(), 1u);
  EXPECT_EQ(i.notes[0].message, "first defined here");
  EXPECT_EQ(i.notes[0].location, b.loc(first));
}

TEST(CheckDuplicates, ReportsDeviceIdAndDefaultSipUsernameAtTheDevice) {
  TenantBuilder b = TenantBuilder::acme();
  // Same id gives the same default SIP username: both are reported, at the second device.
  Device& d = b.device("phone-001", "001");
  SourceId where = d.id.where;
  Issues issues = check(b.t);
  ASSERT_EQ(issues.size(), 2u) << dump(issues);
  EXPECT_EQ(with_code(issues, "CP201").at(0).location, b.loc(where));
  EXPECT_EQ(with_code(issues, "CP202").at(0).location, b.loc(where));
  EXPECT_EQ(with_code(issues, "CP202").at(0).notes.at(0).location, b.loc(b.t.devices[0].id.where));
}

TEST(CheckDuplicates, ComparesNumbersNormalised) {
  TenantBuilder b = TenantBuilder::acme();
  Number& n = b.number("0881234567", "main");  // NL national form of +31881234567
  SourceId where = n.number.where;
  Issue i = only_issue(check(b.t), "CP203");
  EXPECT_EQ(i.location, b.loc(where));
  EXPECT_EQ(i.message, "duplicate number `0881234567`");
}

TEST(CheckDuplicates, ReportsPlanAndScheduleIds) {
  TenantBuilder b = TenantBuilder::acme();
  Plan& p = b.plan("main", {b.hangup()});
  SourceId plan_where = p.id.where;
  Schedule& s = b.schedule("office_hours");
  s.weekly.push_back(b.window(kMonFri, hhmm(9, 0), hhmm(17, 0)));
  SourceId schedule_where = s.name.where;
  Issues issues = check(b.t);
  ASSERT_EQ(issues.size(), 2u) << dump(issues);
  EXPECT_EQ(with_code(issues, "CP204").at(0).location, b.loc(plan_where));
  EXPECT_EQ(with_code(issues, "CP205").at(0).location, b.loc(schedule_where));
}

TEST(CheckDuplicates, InlineSchedulesAreNotDuplicates) {
  TenantBuilder b = TenantBuilder::acme();
  for (int i = 0; i < 2; ++i) {
    Schedule& s = b.schedule("main/0");
    s.is_inline = true;
    s.weekly.push_back(b.window(kMonFri, hhmm(9, 0), hhmm(17, 0)));
  }
  EXPECT_TRUE(with_code(check(b.t), "CP205").empty());
}

TEST(CheckDuplicates, WarnsAboutMemberListedTwice) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps[1] = b.ring_group(Strategy::ring_all, {"001", "002", "001"}, 20);
  const auto& g = std::get<RingGroup>(b.t.plans[0].steps[1].body);
  Issue i = only_issue(check(b.t), "CP206");
  EXPECT_EQ(i.severity, Severity::warning);
  EXPECT_EQ(i.location, b.loc(g.members[2].where));
  EXPECT_EQ(i.notes.at(0).location, b.loc(g.members[0].where));
  EXPECT_EQ(i.message, "ring group main/1 lists member `001` twice");
}

TEST(CheckDuplicates, ExternalMembersComparedNormalised) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps[1] =
      b.ring_group(Strategy::ring_all, {"001", "0612345678", "+31612345678"}, 20);
  EXPECT_EQ(with_code(check(b.t), "CP206").size(), 1u);
}

}  // namespace
}  // namespace callplan::testing
