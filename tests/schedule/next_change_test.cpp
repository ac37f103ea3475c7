// next_change(): golden cases around DST, and a cross-check against a brute-force minute scan
// of matches() on generated schedules. A second cross-check compares matches() with a naive
// reference that reads the model directly (date/tz for the local time, no precomputation).
#include <gtest/gtest.h>

#include <random>

#include "callplan/schedule.hpp"
#include "schedule/easter.hpp"
#include "schedule_builders.hpp"

namespace callplan {
namespace {

using namespace callplan::testing;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
constexpr const char* kAms = "Europe/Amsterdam";

std::vector<std::string> changes(const ScheduleSet& set, ScheduleIndex s, Instant from, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    const auto next = set.next_change(s, from, days{30});
    if (!next) break;
    out.push_back(format_utc(*next));
    from = *next;
  }
  return out;
}

TEST(ScheduleNextChange, OfficeHoursOverAWeekend) {
  Schedule s = named("office");
  add_weekly(s, kMonFri, "08:30", "17:30");
  const ScheduleSet set = ScheduleSet::compile(tenant_in(kAms, {s}));
  // Friday 2026-12-04 12:00 local: closes at 17:30, opens Monday 08:30 (CET, UTC+1).
  EXPECT_EQ(changes(set, 0, local_in(kAms, "2026-12-04T12:00"), 2),
            (std::vector<std::string>{"2026-12-04T16:30:00Z", "2026-12-07T07:30:00Z"}));
  // Exactly at a change, the next one is reported, not the same one.
  EXPECT_EQ(format_utc(*set.next_change(0, parse_utc("2026-12-04T16:30:00"))),
            "2026-12-07T07:30:00Z");
  // Within the horizon or not: Friday 18:00 to Monday 08:30 is 62.5 hours; a change exactly at
  // after + horizon counts.
  const Instant friday = local_in(kAms, "2026-12-04T18:00");
  EXPECT_EQ(set.next_change(0, friday, hours{62} + minutes{29}), std::nullopt);
  EXPECT_EQ(set.next_change(0, friday, hours{62} + minutes{30}), friday + hours{62} + minutes{30});
}

TEST(ScheduleNextChange, SpringForwardOpensAtTheTransitionWhenTheStartDoesNotExist) {
  Schedule across = named("across");
  add_weekly(across, weekdays({Weekday::sun}), "02:30", "04:00");
  const ScheduleSet set = ScheduleSet::compile(tenant_in(kAms, {across}));
  EXPECT_EQ(changes(set, 0, parse_utc("2026-03-28T23:00:00"), 2),
            (std::vector<std::string>{"2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"}));
}

TEST(ScheduleNextChange, FallBackRepeatedHourChangesFourTimes) {
  Schedule s = named("half_past_two");
  add_weekly(s, weekdays({Weekday::sun}), "02:30", "03:00");
  const ScheduleSet set = ScheduleSet::compile(tenant_in(kAms, {s}));
  EXPECT_EQ(changes(set, 0, parse_utc("2026-10-24T23:00:00"), 4),
            (std::vector<std::string>{"2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z",
                                      "2026-10-25T01:30:00Z", "2026-10-25T02:00:00Z"}));
}

TEST(ScheduleNextChange, MidnightToMidnightWindowsJoinAcrossDays) {
  Schedule s = named("weekend");
  add_weekly(s, weekdays({Weekday::sat, Weekday::sun}), "00:00", "24:00");
  s.yearly = {fixed_day(12, 25), fixed_day(12, 26)};
  const ScheduleSet set = ScheduleSet::compile(tenant_in("UTC", {s}));
  // 2026-12-25 is a Friday: Fri, Sat, Sun, (26 is Saturday) -> one block until Monday.
  EXPECT_EQ(changes(set, 0, parse_utc("2026-12-24T12:00:00"), 2),
            (std::vector<std::string>{"2026-12-25T00:00:00Z", "2026-12-28T00:00:00Z"}));
}

TEST(ScheduleNextChange, ExceptInAnotherZone) {
  Schedule office = named("office");
  add_weekly(office, kEveryDay, "00:00", "24:00");
  office.except.push_back({"ny_lunch", kNoSource});
  Schedule lunch = named("ny_lunch");
  lunch.timezone.value = "America/New_York";
  add_weekly(lunch, kEveryDay, "12:00", "13:00");
  const ScheduleSet set = ScheduleSet::compile(tenant_in(kAms, {office, lunch}));
  EXPECT_EQ(changes(set, 0, parse_utc("2026-07-01T00:00:00"), 2),
            (std::vector<std::string>{"2026-07-01T16:00:00Z", "2026-07-01T17:00:00Z"}));
}

TEST(ScheduleNextChange, Feb29IsFoundYearsAhead) {
  Schedule s = named("leap");
  s.yearly = {fixed_day(2, 29)};
  const ScheduleSet set = ScheduleSet::compile(tenant_in("UTC", {s}));
  EXPECT_EQ(format_utc(*set.next_change(0, parse_utc("2097-01-01T00:00:00"), days{3000})),
            "2104-02-29T00:00:00Z");  // 2100 is not a leap year
}

// --- cross-checks on generated schedules --------------------------------------------------

// A deliberately naive reading of the model: local time from date/tz, then every rule checked
// as written.
bool reference_own(const Schedule& s, date::local_seconds local) {
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd_{day};
  const unsigned wd = (date::weekday{day}.c_encoding() + 6) % 7;  // Monday = 0
  const auto minute = static_cast<int>((local - day).count() / 60);
  for (const WeeklyWindow& w : s.weekly) {
    for (unsigned d = 0; d < 7; ++d) {
      if (!(w.days & (1u << d))) continue;
      if (w.from < w.to) {
        if (wd == d && minute >= w.from && minute < w.to) return true;
      } else {
        if (wd == d && minute >= w.from) return true;
        if (wd == (d + 1) % 7 && minute < w.to) return true;
      }
    }
  }
  const auto as_local = [](const LocalDateTime& t) {
    return date::local_days{date::year{t.date.year} / t.date.month / t.date.day} +
           minutes{t.minute};
  };
  for (const auto& d : s.dates) {
    if (ymd_ == date::year{d.value.year} / d.value.month / d.value.day) return true;
  }
  for (const DateRange& r : s.ranges) {
    if (local >= as_local(r.from) && local < as_local(r.to)) return true;
  }
  for (const YearlyDay& y : s.yearly) {
    switch (y.kind) {
      case YearlyDay::Kind::fixed:
        if (ymd_.month() == date::month{y.month} && ymd_.day() == date::day{y.day}) return true;
        break;
      case YearlyDay::Kind::easter:
        for (int year = int{ymd_.year()} - 1; year <= int{ymd_.year()} + 1; ++year) {
          const auto e = detail::easter_sunday(year);
          if (date::local_days{date::year{year} / e.month / e.day} + days{y.easter_offset} == day)
            return true;
        }
        break;
      case YearlyDay::Kind::nth_weekday: {
        const date::year_month ym = ymd_.year() / date::month{y.month};
        const date::weekday w{(static_cast<unsigned>(y.weekday) + 1) % 7};
        date::sys_days target;
        if (y.nth > 0) {
          const date::year_month_weekday nth = ym / w[static_cast<unsigned>(y.nth)];
          if (!nth.ok()) break;
          target = nth;
        } else {
          target = date::sys_days{ym / date::weekday_last{w}} - days{7 * (-y.nth - 1)};
          if (date::year_month_day{target}.month() != date::month{y.month}) break;
        }
        if (target.time_since_epoch() == day.time_since_epoch()) return true;
        break;
      }
    }
  }
  return false;
}

bool reference_matches(const Tenant& t, std::size_t i, Instant at) {
  const Schedule& s = t.schedules[i];
  const std::string& zone = s.timezone.value.empty() ? t.info.timezone.value : s.timezone.value;
  const auto local = date::locate_zone(zone)->to_local(date::sys_seconds{at.time_since_epoch()});
  if (!reference_own(s, local)) return false;
  for (const auto& e : s.except) {
    for (std::size_t j = 0; j < t.schedules.size(); ++j) {
      if (t.schedules[j].name.value == e.value && reference_matches(t, j, at)) return false;
    }
  }
  return true;
}

const char* const kZones[] = {"UTC", "Europe/Amsterdam", "America/New_York", "Australia/Sydney",
                              "Australia/Lord_Howe"};  // Lord Howe: 30-minute DST

struct Generated {
  Tenant tenant;
  Instant around;  // an instant near a DST change of the main schedule's zone
};

Generated generate(std::mt19937& rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  // Times cluster on the hours DST changes touch (01:00-03:59), and on whole hours.
  auto minute = [&]() -> MinuteOfDay {
    const int kind = pick(0, 3);
    if (kind == 0) return static_cast<MinuteOfDay>(pick(60, 239));
    if (kind == 1) return static_cast<MinuteOfDay>(pick(0, 23) * 60);
    if (kind == 2) return static_cast<MinuteOfDay>(pick(0, 48) * 30);
    return static_cast<MinuteOfDay>(pick(0, 1439));
  };
  const int year = pick(2024, 2027);
  const std::string zone = kZones[pick(0, 4)];
  Generated g;
  g.tenant.info.timezone.value = zone;
  const int count = pick(1, 3);
  for (int i = 0; i < count; ++i) {
    Schedule s = named("s" + std::to_string(i));
    if (pick(0, 3) == 0) s.timezone.value = kZones[pick(0, 4)];
    for (int w = pick(0, 3); w > 0; --w) {
      MinuteOfDay from = minute(), to = minute();
      if (pick(0, 5) == 0) to = 1440;
      if (from == to || from == 1440) continue;
      s.weekly.push_back({static_cast<WeekdaySet>(pick(1, 127)), from, to, kNoSource});
    }
    const int month = pick(1, 12);
    for (int d = pick(0, 2); d > 0; --d) {
      s.dates.push_back({ymd(year, month, pick(1, 28)), kNoSource});
    }
    for (int r = pick(0, 2); r > 0; --r) {
      const LocalDateTime from = ymd_hm(year, month, pick(1, 28), "00:00");
      LocalDateTime to = from;
      to.date.day = static_cast<std::uint8_t>(std::min(28, from.date.day + pick(0, 3)));
      LocalDateTime f2 = from;
      f2.minute = minute();
      to.minute = minute();
      if (f2.minute == 1440) f2.minute = 0;
      if (to.minute == 1440) to.minute = 0;
      s.ranges.push_back({f2, to, kNoSource});
    }
    for (int y = pick(0, 2); y > 0; --y) {
      const int kind = pick(0, 2);
      if (kind == 0) s.yearly.push_back(fixed_day(month, pick(1, 28)));
      if (kind == 1) s.yearly.push_back(easter(pick(-50, 60)));
      if (kind == 2) {
        const int nth = pick(1, 5);
        s.yearly.push_back(nth_weekday(month, static_cast<Weekday>(pick(0, 6)),
                                       pick(0, 1) ? nth : -nth));
      }
    }
    if (i > 0 && pick(0, 1)) s.except.push_back({"s" + std::to_string(pick(0, i - 1)), kNoSource});
    g.tenant.schedules.push_back(std::move(s));
  }
  // Start near one of the year's DST changes (or anywhere, one time in four).
  const date::time_zone* z = date::locate_zone(zone);
  const date::sys_seconds jan{date::sys_days{date::year{year} / 1 / 1}};
  date::sys_info info = z->get_info(jan);
  if (pick(0, 1)) info = z->get_info(info.end);
  date::sys_seconds base = info.end.time_since_epoch().count() > 0 &&
                                   info.end < jan + days{400}
                               ? info.end
                               : jan + days{pick(0, 364)};
  if (pick(0, 3) == 0) base = jan + days{pick(0, 364)};
  g.around = Instant{base.time_since_epoch()} - hours{pick(0, 47)} - seconds{pick(0, 3599)};
  return g;
}

TEST(ScheduleCrossCheck, MatchesAgreesWithNaiveReference) {
  std::mt19937 rng(20261130);
  for (int iteration = 0; iteration < 300; ++iteration) {
    const Generated g = generate(rng);
    const ScheduleSet set = ScheduleSet::compile(g.tenant);
    const std::size_t main = g.tenant.schedules.size() - 1;
    for (int k = 0; k < 200; ++k) {
      const Instant t = g.around + minutes{k * 17} + seconds{k % 60};
      ASSERT_EQ(set.matches(static_cast<ScheduleIndex>(main), t),
                reference_matches(g.tenant, main, t))
          << "iteration " << iteration << " at " << format_utc(t);
    }
  }
}

TEST(ScheduleCrossCheck, NextChangeAgreesWithMinuteScan) {
  std::mt19937 rng(4711);
  const std::int64_t horizon_minutes = 3 * 24 * 60;
  int changes_seen = 0;
  for (int iteration = 0; iteration < 300; ++iteration) {
    const Generated g = generate(rng);
    const ScheduleSet set = ScheduleSet::compile(g.tenant);
    const auto main = static_cast<ScheduleIndex>(g.tenant.schedules.size() - 1);
    Instant after = g.around;
    // Follow up to four successive changes from the start instant.
    for (int step = 0; step < 4; ++step) {
      const bool value = set.matches(main, after);
      // Every offset used is a whole number of minutes, so changes fall on UTC minutes.
      std::optional<Instant> expected;
      const Instant first = date::floor<minutes>(after) + minutes{1};
      for (std::int64_t m = 0; m < horizon_minutes; ++m) {
        const Instant t = first + minutes{m};
        if (t - after > minutes{horizon_minutes}) break;
        if (set.matches(main, t) != value) {
          expected = t;
          break;
        }
      }
      const auto actual = set.next_change(main, after, minutes{horizon_minutes});
      ASSERT_EQ(actual.has_value(), expected.has_value())
          << "iteration " << iteration << " after " << format_utc(after)
          << (actual ? " got " + format_utc(*actual) : " got none")
          << (expected ? " expected " + format_utc(*expected) : " expected none");
      if (!expected) break;
      ASSERT_EQ(format_utc(*actual), format_utc(*expected))
          << "iteration " << iteration << " after " << format_utc(after);
      ++changes_seen;
      after = *actual + seconds{step * 7};  // sometimes start mid-window, mid-minute
      if (set.matches(main, after) == set.matches(main, *actual)) after = *actual;
    }
  }
  EXPECT_GT(changes_seen, 300);  // the generator really produces changing schedules
}

}  // namespace
}  // namespace callplan
