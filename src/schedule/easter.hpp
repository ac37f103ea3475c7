// Internal: Western (Gregorian) Easter Sunday.
#pragma once

#include "schedule/calendar.hpp"

namespace callplan::detail {

// Easter Sunday of `year` by the anonymous Gregorian computus (Meeus/Jones/Butcher), the rule
// Western churches use and python-dateutil's EASTER_WESTERN computes. Meaningful for Gregorian
// years (1583 onwards); total for every year so that far-off instants never misbehave.
constexpr CivilDate easter_sunday(std::int64_t year) {
  const std::int64_t a = floor_mod(year, 19);
  const std::int64_t b = floor_div(year, 100);
  const std::int64_t c = floor_mod(year, 100);
  const std::int64_t d = floor_div(b, 4);
  const std::int64_t e = floor_mod(b, 4);
  const std::int64_t f = floor_div(b + 8, 25);
  const std::int64_t g = floor_div(b - f + 1, 3);
  const std::int64_t h = floor_mod(19 * a + b - d - g + 15, 30);
  const std::int64_t i = c / 4;
  const std::int64_t k = c % 4;
  const std::int64_t l = floor_mod(32 + 2 * e + 2 * i - h - k, 7);
  const std::int64_t m = (a + 11 * h + 22 * l) / 451;
  const std::int64_t n = h + l - 7 * m + 114;
  return CivilDate{year, static_cast<unsigned>(n / 31), static_cast<unsigned>(n % 31 + 1)};
}

constexpr DayNumber easter_sunday_day(std::int64_t year) {
  const CivilDate e = easter_sunday(year);
  return days_from_civil(e.year, e.month, e.day);
}

static_assert(easter_sunday(2024).month == 3 && easter_sunday(2024).day == 31);
static_assert(easter_sunday(2025).month == 4 && easter_sunday(2025).day == 20);
static_assert(easter_sunday(2026).month == 4 && easter_sunday(2026).day == 5);

}  // namespace callplan::detail
