// YearlyDays precomputes a table of matching days for 1970-2199 (one bit per day) so that a
// time condition does not run Easter's computus per call. The table must say exactly what the
// rules say, on every day of its span and at both of its edges.
#include <gtest/gtest.h>

#include <initializer_list>

#include "schedule/calendar.hpp"
#include "schedule/yearly_days.hpp"

namespace callplan::detail {
namespace {

YearlyDay fixed(int month, int day) {
  YearlyDay y;
  y.kind = YearlyDay::Kind::fixed;
  y.month = static_cast<std::uint8_t>(month);
  y.day = static_cast<std::uint8_t>(day);
  return y;
}

YearlyDay easter(int offset) {
  YearlyDay y;
  y.kind = YearlyDay::Kind::easter;
  y.easter_offset = static_cast<std::int16_t>(offset);
  return y;
}

YearlyDay nth(int month, Weekday weekday, int n) {
  YearlyDay y;
  y.kind = YearlyDay::Kind::nth_weekday;
  y.month = static_cast<std::uint8_t>(month);
  y.weekday = weekday;
  y.nth = static_cast<std::int8_t>(n);
  return y;
}

YearlyDays build(std::initializer_list<YearlyDay> rules) {
  YearlyDays days;
  for (const YearlyDay& r : rules) days.add(r);
  days.finish();
  return days;
}

// Every day of the table's span, and a year either side of it, where the fallback applies.
void expect_table_matches_rules(const YearlyDays& days) {
  std::int64_t matching = 0;
  for (DayNumber d = YearlyDays::kTableFirstDay - 400; d < YearlyDays::kTableEndDay + 400; ++d) {
    ASSERT_EQ(days.contains_day(d), days.compute_day(d)) << "day " << d;
    matching += days.contains_day(d) ? 1 : 0;
  }
  EXPECT_GT(matching, 0);
}

TEST(YearlyTable, EasterRulesAgreeWithTheComputusOnEveryDay) {
  // Offsets far enough to reach into the neighbouring years at the table's edges.
  expect_table_matches_rules(build({easter(-2), easter(0), easter(1), easter(39), easter(50),
                                    easter(-300), easter(300)}));
}

TEST(YearlyTable, NthWeekdayRulesAgreeWithTheCalendarOnEveryDay) {
  expect_table_matches_rules(build({nth(11, Weekday::thu, 4), nth(5, Weekday::mon, -1),
                                    nth(2, Weekday::sun, 5), nth(8, Weekday::fri, -5),
                                    nth(1, Weekday::mon, 1)}));
}

TEST(YearlyTable, FixedDaysTogetherWithOtherRulesAgreeOnEveryDay) {
  expect_table_matches_rules(build({fixed(12, 25), fixed(2, 29), fixed(1, 1), easter(1),
                                    nth(9, Weekday::tue, 3)}));
}

TEST(YearlyTable, KnownHolidaysMatchInsideAndOutsideTheTable) {
  const YearlyDays days = build({easter(1), nth(11, Weekday::thu, 4), fixed(2, 29)});
  EXPECT_TRUE(days.contains_day(days_from_civil(2027, 3, 29)));    // Easter Monday 2027
  EXPECT_FALSE(days.contains_day(days_from_civil(2027, 3, 28)));   // Easter Sunday
  EXPECT_TRUE(days.contains_day(days_from_civil(2026, 11, 26)));   // Thanksgiving 2026
  EXPECT_TRUE(days.contains_day(days_from_civil(2024, 2, 29)));
  EXPECT_TRUE(days.contains_day(days_from_civil(1969, 4, 7)));     // before the table
  EXPECT_TRUE(days.contains_day(days_from_civil(2300, 4, 9)));     // after it: Easter 2300 is 04-08
  EXPECT_FALSE(days.contains_day(days_from_civil(2300, 4, 8)));
  EXPECT_FALSE(days.contains_day(days_from_civil(2100, 2, 28) + 1));  // 2100 is no leap year
}

TEST(YearlyTable, FixedDaysAloneNeedNoTableAndStillMatch) {
  const YearlyDays days = build({fixed(12, 25), fixed(12, 26)});
  EXPECT_TRUE(days.contains_day(days_from_civil(2026, 12, 25)));
  EXPECT_TRUE(days.contains_day(days_from_civil(2026, 12, 26)));
  EXPECT_FALSE(days.contains_day(days_from_civil(2026, 12, 27)));
}

TEST(YearlyTable, NoRulesMatchNothing) {
  const YearlyDays days = build({});
  EXPECT_TRUE(days.empty());
  EXPECT_FALSE(days.contains_day(days_from_civil(2026, 12, 25)));
}

}  // namespace
}  // namespace callplan::detail
