// Internal: proleptic Gregorian calendar arithmetic on plain integers, for the schedule
// evaluator's hot path. Local wall-clock time is represented as `LocalSeconds`: seconds since
// 1970-01-01T00:00 *local* time (what date::local_seconds holds), so a day number is
// floor(local / 86400) and minute boundaries are multiples of 60. Days are counted from
// 1970-01-01 (day 0, a Thursday). The algorithms are Howard Hinnant's (public domain), written
// here as constexpr functions on int64 so that they are total for every instant we clamp to.
#pragma once

#include <cstdint>

namespace callplan::detail {

using LocalSeconds = std::int64_t;
using DayNumber = std::int64_t;

inline constexpr std::int64_t kSecondsPerDay = 86400;
inline constexpr std::int64_t kMinutesPerDay = 1440;
inline constexpr std::int64_t kMinutesPerWeek = 7 * kMinutesPerDay;

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) { return a - floor_div(a, b) * b; }

struct CivilDate {
  std::int64_t year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
};

constexpr bool is_leap_year(std::int64_t y) {
  return floor_mod(y, 4) == 0 && (floor_mod(y, 100) != 0 || floor_mod(y, 400) == 0);
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) {
  constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && is_leap_year(y)) ? 29u : kDays[m - 1];
}

constexpr DayNumber days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t yoe = y - era * 400;                                   // [0, 399]
  const std::int64_t mp = m > 2 ? m - 3 : m + 9;                            // [0, 11]
  const std::int64_t doy = (153 * mp + 2) / 5 + static_cast<std::int64_t>(d) - 1;  // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           // [0, 146096]
  return era * 146097 + doe - 719468;
}

constexpr CivilDate civil_from_days(DayNumber z) {
  z += 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;                                 // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                // [0, 11]
  const auto d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const auto m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

// Monday = 0 ... Sunday = 6 (callplan::Weekday order). Day 0 (1970-01-01) was a Thursday.
constexpr unsigned weekday_index(DayNumber day) {
  return static_cast<unsigned>(floor_mod(day + 3, 7));
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(civil_from_days(11017).year == 2000 && civil_from_days(11017).month == 3);
static_assert(weekday_index(days_from_civil(2026, 11, 30)) == 0);  // a Monday
static_assert(days_in_month(2024, 2) == 29 && days_in_month(2100, 2) == 28);

}  // namespace callplan::detail
