// Golden cases for ScheduleSet::matches(): one test per window kind, wrap-around, 24:00,
// except, zones and the wall-clock rule on DST-change days.
#include <gtest/gtest.h>

#include "callplan/error.hpp"
#include "callplan/schedule.hpp"
#include "schedule_builders.hpp"

namespace callplan {
namespace {

using namespace callplan::testing;
constexpr const char* kAms = "Europe/Amsterdam";

struct Fixture {
  ScheduleSet set;
  ScheduleIndex index;
  bool at(std::string_view local, std::string_view zone = kAms) const {
    return set.matches(index, local_in(zone, local));
  }
};

Fixture compile_one(Schedule s, std::string zone = kAms) {
  Fixture f{ScheduleSet::compile(tenant_in(std::move(zone), {s})), 0};
  return f;
}

TEST(ScheduleMatches, WeeklyWindowIsLocalTimeFromInclusiveToExclusive) {
  Schedule s = named("office_hours");
  add_weekly(s, kMonFri, "08:30", "17:30");
  const Fixture f = compile_one(s);
  EXPECT_FALSE(f.at("2026-11-30T08:29"));  // Monday
  EXPECT_TRUE(f.at("2026-11-30T08:30"));
  EXPECT_TRUE(f.at("2026-11-30T17:29"));
  EXPECT_FALSE(f.at("2026-11-30T17:30"));
  EXPECT_TRUE(f.at("2026-12-04T12:00"));   // Friday
  EXPECT_FALSE(f.at("2026-12-05T12:00"));  // Saturday
  EXPECT_FALSE(f.at("2026-12-06T12:00"));  // Sunday
  // Summer time: still 08:30 on the wall clock (06:30 UTC, not 07:30).
  EXPECT_TRUE(f.set.matches(0, parse_utc("2026-07-01T06:30:00")));
  EXPECT_FALSE(f.set.matches(0, parse_utc("2026-07-01T06:29:59")));
}

TEST(ScheduleMatches, WindowWrappingMidnightBelongsToTheDayItStarts) {
  Schedule s = named("night");
  add_weekly(s, weekdays({Weekday::fri}), "22:00", "06:00");
  const Fixture f = compile_one(s);
  EXPECT_FALSE(f.at("2026-12-04T21:59"));  // Friday
  EXPECT_TRUE(f.at("2026-12-04T22:00"));
  EXPECT_TRUE(f.at("2026-12-05T00:00"));   // Saturday morning: still Friday's window
  EXPECT_TRUE(f.at("2026-12-05T05:59"));
  EXPECT_FALSE(f.at("2026-12-05T06:00"));
  EXPECT_FALSE(f.at("2026-12-05T22:30"));  // Saturday night is not in the window
  EXPECT_FALSE(f.at("2026-12-04T03:00"));  // Friday early morning belongs to Thursday
}

TEST(ScheduleMatches, SundayNightWrapsIntoMondayAndDayRangesWrapTheWeek) {
  Schedule s = named("weekend");
  // fri-mon as the loader expands it, plus a Sunday night shift into Monday morning.
  add_weekly(s, weekdays({Weekday::fri, Weekday::sat, Weekday::sun, Weekday::mon}), "09:00", "12:00");
  add_weekly(s, weekdays({Weekday::sun}), "22:00", "02:00");
  const Fixture f = compile_one(s);
  EXPECT_TRUE(f.at("2026-12-04T10:00"));   // Friday
  EXPECT_TRUE(f.at("2026-12-07T10:00"));   // Monday
  EXPECT_FALSE(f.at("2026-12-08T10:00"));  // Tuesday
  EXPECT_FALSE(f.at("2026-12-03T10:00"));  // Thursday
  EXPECT_TRUE(f.at("2026-12-06T23:00"));   // Sunday night
  EXPECT_TRUE(f.at("2026-12-07T01:59"));   // Monday 01:59, from Sunday's window
  EXPECT_FALSE(f.at("2026-12-07T02:00"));
  EXPECT_FALSE(f.at("2026-12-07T23:00"));  // Monday night
}

TEST(ScheduleMatches, TwentyFourHundredIsEndOfDay) {
  Schedule s = named("evening");
  add_weekly(s, weekdays({Weekday::sat}), "18:00", "24:00");
  const Fixture f = compile_one(s);
  EXPECT_TRUE(f.at("2026-12-05T18:00"));
  EXPECT_TRUE(f.at("2026-12-05T23:59"));
  EXPECT_FALSE(f.at("2026-12-06T00:00"));
  Schedule all_day = named("all_day");
  add_weekly(all_day, kEveryDay, "00:00", "24:00");
  const Fixture g = compile_one(all_day);
  EXPECT_TRUE(g.at("2026-12-06T00:00"));
  EXPECT_TRUE(g.at("2026-12-06T23:59"));
}

TEST(ScheduleMatches, DatesAreWholeLocalDays) {
  Schedule s = named("christmas");
  s.dates.push_back({ymd(2026, 12, 25), kNoSource});
  s.dates.push_back({ymd(2026, 12, 26), kNoSource});
  const Fixture f = compile_one(s);
  EXPECT_FALSE(f.at("2026-12-24T23:59"));
  EXPECT_TRUE(f.at("2026-12-25T00:00"));
  EXPECT_TRUE(f.at("2026-12-26T23:59"));
  EXPECT_FALSE(f.at("2026-12-27T00:00"));
  // 2026-12-24T23:30 UTC is already Christmas in Amsterdam.
  EXPECT_TRUE(f.set.matches(0, parse_utc("2026-12-24T23:30:00")));
}

TEST(ScheduleMatches, RangesAreLocalDateTimesEndExclusive) {
  Schedule s = named("new_year");
  s.ranges.push_back({ymd_hm(2026, 12, 31, "16:00"), ymd_hm(2027, 1, 2, "00:00"), kNoSource});
  const Fixture f = compile_one(s);
  EXPECT_FALSE(f.at("2026-12-31T15:59"));
  EXPECT_TRUE(f.at("2026-12-31T16:00"));
  EXPECT_TRUE(f.at("2027-01-01T23:59"));
  EXPECT_FALSE(f.at("2027-01-02T00:00"));
}

TEST(ScheduleMatches, YearlyFixedDaysRecurAndFebruary29OnlyInLeapYears) {
  Schedule s = named("yearly");
  s.yearly = {fixed_day(12, 25), fixed_day(2, 29)};
  const Fixture f = compile_one(s);
  EXPECT_TRUE(f.at("2030-12-25T10:00"));
  EXPECT_TRUE(f.at("1999-12-25T00:00"));
  EXPECT_FALSE(f.at("2030-12-24T23:59"));
  EXPECT_TRUE(f.at("2028-02-29T12:00"));
  EXPECT_FALSE(f.at("2027-02-28T12:00"));
  EXPECT_FALSE(f.at("2027-03-01T12:00"));
  EXPECT_FALSE(f.at("2028-02-28T12:00"));
}

TEST(ScheduleMatches, EasterOffsetsGiveTheChristianHolidays) {
  // Easter 2026 is April 5; 2027 is March 28.
  const auto check = [](int offset, const char* day2026, const char* day2027) {
    Schedule s = named("e");
    s.yearly = {easter(offset)};
    const Fixture f = compile_one(s);
    EXPECT_TRUE(f.at(std::string(day2026) + "T00:00")) << "easter" << offset;
    EXPECT_TRUE(f.at(std::string(day2027) + "T23:59")) << "easter" << offset;
    EXPECT_FALSE(f.at("2026-04-04T12:00") && offset != -1) << "easter" << offset;
  };
  check(0, "2026-04-05", "2027-03-28");
  check(-2, "2026-04-03", "2027-03-26");   // Good Friday
  check(1, "2026-04-06", "2027-03-29");    // Easter Monday
  check(39, "2026-05-14", "2027-05-06");   // Ascension
  check(49, "2026-05-24", "2027-05-16");   // Whit Sunday
  check(50, "2026-05-25", "2027-05-17");   // Whit Monday
  check(-47, "2026-02-17", "2027-02-09");  // Shrove Tuesday
}

TEST(ScheduleMatches, NthWeekdayCountsFromStartOrEndOfMonth) {
  Schedule s = named("nth");
  s.yearly = {nth_weekday(11, Weekday::thu, 4), nth_weekday(5, Weekday::mon, -1)};
  const Fixture f = compile_one(s, "America/New_York");
  const char* ny = "America/New_York";
  EXPECT_TRUE(f.at("2026-11-26T09:00", ny));   // Thanksgiving 2026
  EXPECT_FALSE(f.at("2026-11-19T09:00", ny));
  EXPECT_TRUE(f.at("2027-11-25T09:00", ny));   // Thanksgiving 2027
  EXPECT_TRUE(f.at("2026-05-25T09:00", ny));   // Memorial Day 2026 (last Monday)
  EXPECT_FALSE(f.at("2026-05-18T09:00", ny));
  EXPECT_TRUE(f.at("2027-05-31T09:00", ny));   // Memorial Day 2027
}

TEST(ScheduleMatches, ExceptSubtractsRecursively) {
  Schedule office = named("office");
  add_weekly(office, kEveryDay, "08:00", "18:00");
  office.except.push_back({"december", kNoSource});
  Schedule december = named("december");
  december.ranges.push_back({ymd_hm(2026, 12, 1, "00:00"), ymd_hm(2027, 1, 1, "00:00"), kNoSource});
  december.except.push_back({"christmas", kNoSource});
  Schedule christmas = named("christmas");
  christmas.yearly = {fixed_day(12, 25)};
  const ScheduleSet set = ScheduleSet::compile(tenant_in(kAms, {office, december, christmas}));
  const ScheduleIndex o = *set.find("office");
  EXPECT_TRUE(set.matches(o, local_in(kAms, "2026-11-30T10:00")));   // not December
  EXPECT_FALSE(set.matches(o, local_in(kAms, "2026-12-24T10:00")));  // December
  EXPECT_TRUE(set.matches(o, local_in(kAms, "2026-12-25T10:00")));   // December minus Christmas
  EXPECT_FALSE(set.matches(o, local_in(kAms, "2026-12-25T19:00")));  // outside the hours
  EXPECT_TRUE(set.matches(*set.find("christmas"), local_in(kAms, "2026-12-25T19:00")));
}

TEST(ScheduleMatches, ScheduleZoneOverridesTheTenantZone) {
  Schedule ny = named("new_york_office");
  ny.timezone.value = "America/New_York";
  add_weekly(ny, kMonFri, "09:00", "17:00");
  Schedule ams = named("amsterdam_office");
  add_weekly(ams, kMonFri, "09:00", "17:00");
  const ScheduleSet set = ScheduleSet::compile(tenant_in(kAms, {ny, ams}));
  EXPECT_EQ(set.timezone(0), "America/New_York");
  EXPECT_EQ(set.timezone(1), kAms);
  const Instant t = parse_utc("2026-11-30T15:00:00");  // 10:00 New York, 16:00 Amsterdam
  EXPECT_TRUE(set.matches(0, t));
  EXPECT_TRUE(set.matches(1, t));
  const Instant u = parse_utc("2026-11-30T17:00:00");  // 12:00 New York, 18:00 Amsterdam
  EXPECT_TRUE(set.matches(0, u));
  EXPECT_FALSE(set.matches(1, u));
}

TEST(ScheduleMatches, WallClockRulesOnSpringForwardDay) {
  // Europe/Amsterdam, 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
  Schedule in_gap = named("in_gap");
  add_weekly(in_gap, weekdays({Weekday::sun}), "02:00", "02:30");
  Schedule across = named("across");
  add_weekly(across, weekdays({Weekday::sun}), "02:30", "04:00");
  Schedule office = named("office");
  add_weekly(office, kEveryDay, "08:30", "17:30");
  const ScheduleSet set = ScheduleSet::compile(tenant_in(kAms, {in_gap, across, office}));
  for (std::int64_t m = -120; m <= 120; ++m) {  // 23:00 .. 03:00 UTC
    const Instant t = parse_utc("2026-03-29T01:00:00") + std::chrono::minutes{m};
    EXPECT_FALSE(set.matches(0, t)) << "02:00-02:30 does not exist that day: " << format_utc(t);
    // Opens at the jump (local 03:00 CEST), closes at 04:00 CEST = 02:00 UTC.
    EXPECT_EQ(set.matches(1, t), m >= 0 && m < 60) << format_utc(t);
  }
  EXPECT_TRUE(set.matches(2, parse_utc("2026-03-29T06:30:00")));  // 08:30 CEST
  EXPECT_FALSE(set.matches(2, parse_utc("2026-03-29T06:29:00")));
  EXPECT_EQ(set.utc_offset(2, parse_utc("2026-03-29T00:59:59")), std::chrono::hours{1});
  EXPECT_EQ(set.utc_offset(2, parse_utc("2026-03-29T01:00:00")), std::chrono::hours{2});
}

TEST(ScheduleMatches, RepeatedHourOnFallBackDayMatchesTwice) {
  // Europe/Amsterdam, 2026-10-25: 03:00 CEST goes back to 02:00 CET at 01:00 UTC.
  Schedule s = named("half_past_two");
  add_weekly(s, weekdays({Weekday::sun}), "02:30", "03:00");
  const ScheduleSet set = ScheduleSet::compile(tenant_in(kAms, {s}));
  EXPECT_FALSE(set.matches(0, parse_utc("2026-10-25T00:29:00")));  // 02:29 CEST
  EXPECT_TRUE(set.matches(0, parse_utc("2026-10-25T00:30:00")));   // 02:30 CEST
  EXPECT_FALSE(set.matches(0, parse_utc("2026-10-25T01:00:00")));  // 02:00 CET
  EXPECT_TRUE(set.matches(0, parse_utc("2026-10-25T01:30:00")));   // 02:30 CET
  EXPECT_TRUE(set.matches(0, parse_utc("2026-10-25T01:59:59")));
  EXPECT_FALSE(set.matches(0, parse_utc("2026-10-25T02:00:00")));  // 03:00 CET
}

TEST(ScheduleMatches, DaylightSavingTimeContinuesAfter2037) {
  // date/tz alone stops at the last transition in the TZif file; the footer rule goes on.
  Schedule s = named("office");
  add_weekly(s, kEveryDay, "08:30", "17:30");
  const ScheduleSet set = ScheduleSet::compile(tenant_in(kAms, {s}));
  EXPECT_EQ(set.utc_offset(0, parse_utc("2040-07-01T12:00:00")), std::chrono::hours{2});
  EXPECT_EQ(set.utc_offset(0, parse_utc("2040-12-01T12:00:00")), std::chrono::hours{1});
  EXPECT_EQ(set.utc_offset(0, parse_utc("2099-03-29T00:59:59")), std::chrono::hours{1});
  EXPECT_EQ(set.utc_offset(0, parse_utc("2099-03-29T01:00:00")), std::chrono::hours{2});
  EXPECT_TRUE(set.matches(0, parse_utc("2040-07-02T06:30:00")));  // 08:30 CEST
}

TEST(ScheduleSet, FindsSchedulesByNameInTenantOrder) {
  Schedule a = named("zeta");
  add_weekly(a, kEveryDay, "08:00", "09:00");
  Schedule b = named("alpha");
  add_weekly(b, kEveryDay, "08:00", "09:00");
  const ScheduleSet set = ScheduleSet::compile(tenant_in(kAms, {a, b}));
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.find("zeta"), ScheduleIndex{0});
  EXPECT_EQ(set.find("alpha"), ScheduleIndex{1});
  EXPECT_EQ(set.find("beta"), std::nullopt);
  EXPECT_EQ(set.name(1), "alpha");
  EXPECT_THROW((void)set.matches(2, Instant{}), Error);
  const ScheduleSet empty;
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.find("zeta"), std::nullopt);
}

TEST(ScheduleSet, EmptyScheduleNeverMatches) {
  const ScheduleSet set = ScheduleSet::compile(tenant_in("UTC", {named("nothing")}));
  EXPECT_FALSE(set.matches(0, parse_utc("2026-01-01T00:00:00")));
  EXPECT_EQ(set.next_change(0, parse_utc("2026-01-01T00:00:00")), std::nullopt);
}

std::string compile_error(const Tenant& t) {
  try {
    (void)ScheduleSet::compile(t);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ScheduleSet, CompileRejectsWhatTheCheckerReports) {
  Schedule a = named("a");
  a.except.push_back({"b", kNoSource});
  Schedule b = named("b");
  b.except.push_back({"c", kNoSource});
  Schedule c = named("c");
  c.except.push_back({"a", kNoSource});
  EXPECT_NE(compile_error(tenant_in(kAms, {a, b, c})).find("a -> b -> c -> a"), std::string::npos);

  Schedule unknown = named("x");
  unknown.except.push_back({"holidays", kNoSource});
  EXPECT_NE(compile_error(tenant_in(kAms, {unknown})).find("`holidays`"), std::string::npos);

  Schedule zone = named("zone");
  zone.timezone.value = "Europe/Amsterdan";
  EXPECT_NE(compile_error(tenant_in(kAms, {zone})).find("Europe/Amsterdan"), std::string::npos);

  EXPECT_NE(compile_error(tenant_in("", {named("no_zone")})).find("no time zone"),
            std::string::npos);

  Schedule same = named("same");
  add_weekly(same, kEveryDay, "08:00", "08:00");
  EXPECT_NE(compile_error(tenant_in(kAms, {same})).find("empty"), std::string::npos);

  EXPECT_NE(compile_error(tenant_in(kAms, {named("dup"), named("dup")})).find("`dup`"),
            std::string::npos);

  Schedule bad_date = named("bad_date");
  bad_date.dates.push_back({ymd(2026, 2, 30), kNoSource});
  EXPECT_NE(compile_error(tenant_in(kAms, {bad_date})).find("2026-02-30"), std::string::npos);
}

}  // namespace
}  // namespace callplan
