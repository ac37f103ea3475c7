#include <gtest/gtest.h>

#include "check/issue_matchers.hpp"
#include "check/tenant_builder.hpp"

namespace callplan::testing {
namespace {

// acme() with one more schedule that nothing uses (unused schedules are no issue).
Schedule& extra(TenantBuilder& b, std::string name) { return b.schedule(std::move(name)); }

TEST(CheckSchedules, InvalidScheduleZoneWithDidYouMean) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.schedules[0].timezone = b.text("Europe/Amsterdm");
  Issue i = only_issue(check(b.t), "CP300");
  EXPECT_EQ(i.location, b.loc(b.t.schedules[0].timezone.where));
  EXPECT_EQ(i.message, "`Europe/Amsterdm` is not an IANA time zone");
  EXPECT_TRUE(has_hint_containing(i, "did you mean `Europe/Amsterdam`?")) << dump({i});
}

TEST(CheckSchedules, InvalidTenantZoneReportedOnce) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.info.timezone.value = "Mars/Olympus";
  Issue i = only_issue(check(b.t), "CP300");
  EXPECT_EQ(i.location, b.loc(b.t.info.timezone.where));
  EXPECT_FALSE(i.hints.empty());
}

TEST(CheckSchedules, LinkNamesAreValidZones) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.schedules[0].timezone = b.text("UTC");
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckSchedules, WindowFromEqualsTo) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.schedules[0].weekly.push_back(b.window(kMonFri, hhmm(12, 0), hhmm(12, 0)));
  Issue i = only_issue(check(b.t), "CP301");
  EXPECT_EQ(i.location, b.loc(b.t.schedules[0].weekly.back().where));
}

TEST(CheckSchedules, RangeEndingBeforeItStarts) {
  TenantBuilder b = TenantBuilder::acme();
  DateRange r{{{2026, 12, 31}, hhmm(16, 0)}, {{2026, 12, 30}, 0}, b.here()};
  b.t.schedules[0].ranges.push_back(r);
  Issue i = only_issue(check(b.t), "CP301");
  EXPECT_EQ(i.location, b.loc(r.where));
}

TEST(CheckSchedules, WrappingWindowIsFine) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.schedules[0].weekly.push_back(b.window(0b1000001, hhmm(22, 0), hhmm(6, 0)));
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckSchedules, ScheduleWithoutWindows) {
  TenantBuilder b = TenantBuilder::acme();
  Schedule& s = extra(b, "never");
  Issue i = only_issue(check(b.t), "CP302");
  EXPECT_EQ(i.location, b.loc(s.name.where));
}

TEST(CheckSchedules, ExceptThatRemovesEverything) {
  TenantBuilder b = TenantBuilder::acme();
  Schedule& wide = extra(b, "wide");
  wide.weekly.push_back(b.window(kMonFri, hhmm(8, 0), hhmm(18, 0)));
  b.t.schedules[0].except.push_back(b.text("wide"));
  Issue i = only_issue(check(b.t), "CP302");
  EXPECT_EQ(i.location, b.loc(b.t.schedules[0].name.where));
  EXPECT_EQ(i.notes.size(), 1u);
}

TEST(CheckSchedules, ExceptThatRemovesPartIsFine) {
  TenantBuilder b = TenantBuilder::acme();
  Schedule& lunch = extra(b, "lunch");
  lunch.weekly.push_back(b.window(kMonFri, hhmm(12, 0), hhmm(13, 0)));
  b.t.schedules[0].except.push_back(b.text("lunch"));
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckSchedules, ExceptInAnotherZoneIsNotAssumedToCover) {
  TenantBuilder b = TenantBuilder::acme();
  Schedule& wide = extra(b, "wide");
  wide.timezone = b.text("America/New_York");
  wide.weekly.push_back(b.window(kMonFri, hhmm(8, 0), hhmm(18, 0)));
  b.t.schedules[0].except.push_back(b.text("wide"));
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckSchedules, DatedWindowsSurviveAWeeklyExcept) {
  TenantBuilder b = TenantBuilder::acme();
  Schedule& wide = extra(b, "wide");
  wide.weekly.push_back(b.window(kMonFri, hhmm(8, 0), hhmm(18, 0)));
  b.t.schedules[0].except.push_back(b.text("wide"));
  b.t.schedules[0].dates.push_back({LocalDate{2026, 12, 26}, b.here()});  // a Saturday
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckSchedules, AlwaysTrueSchedule) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.schedules[0].weekly[0] = b.window(kAllWeek, 0, 1440);
  Issue i = only_issue(check(b.t), "CP303");
  EXPECT_EQ(i.location, b.loc(b.t.schedules[0].name.where));
  EXPECT_EQ(i.message, "schedule `office_hours` always matches (every day, all day)");
}

TEST(CheckSchedules, AlwaysTrueFromWrappingWindows) {
  TenantBuilder b = TenantBuilder::acme();
  // 12:00 to 12:00 the next day, every day: covers the week without a single 00:00-24:00.
  b.t.schedules[0].weekly[0] = b.window(kAllWeek, hhmm(12, 0), hhmm(23, 0));
  b.t.schedules[0].weekly.push_back(b.window(kAllWeek, hhmm(23, 0), hhmm(12, 0)));
  EXPECT_EQ(with_code(check(b.t), "CP303").size(), 1u) << dump(check(b.t));
}

TEST(CheckSchedules, AlmostAlwaysIsFine) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.schedules[0].weekly[0] = b.window(kAllWeek, 0, hhmm(23, 59));
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckSchedules, ExceptCycleReportedOnceWithWholeCycle) {
  TenantBuilder b = TenantBuilder::acme();
  Schedule& a = extra(b, "a");
  a.weekly.push_back(b.window(kMonFri, hhmm(9, 0), hhmm(10, 0)));
  a.except.push_back(b.text("b"));
  SourceId first_edge = a.except.back().where;
  Schedule& c = extra(b, "b");
  c.weekly.push_back(b.window(kMonFri, hhmm(9, 0), hhmm(10, 0)));
  c.except.push_back(b.text("a"));
  Issue i = only_issue(check(b.t), "CP304");
  EXPECT_EQ(i.message, "schedules subtract each other in a cycle: a -> b -> a");
  EXPECT_EQ(i.location, b.loc(first_edge));
  ASSERT_EQ(i.notes.size(), 1u);
  EXPECT_EQ(i.notes[0].location, b.loc(b.t.schedules.back().except.back().where));
}

TEST(CheckSchedules, ScheduleExceptingItself) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.schedules[0].except.push_back(b.text("office_hours"));
  Issue i = only_issue(check(b.t), "CP304");
  EXPECT_EQ(i.message,
            "schedules subtract each other in a cycle: office_hours -> office_hours");
}

}  // namespace
}  // namespace callplan::testing
