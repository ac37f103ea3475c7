// Test helpers: build Schedule structs directly (the loader is tested elsewhere) and turn
// readable local or UTC times into Instants with date/tz, independently of the code under test.
#pragma once

#include <date/date.h>
#include <date/tz.h>

#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "callplan/model.hpp"
#include "callplan/schedule.hpp"

namespace callplan::testing {

inline WeekdaySet weekdays(std::initializer_list<Weekday> list) {
  WeekdaySet set = 0;
  for (Weekday d : list) set = static_cast<WeekdaySet>(set | (1u << static_cast<unsigned>(d)));
  return set;
}
inline constexpr WeekdaySet kMonFri = 0x1f;
inline constexpr WeekdaySet kEveryDay = 0x7f;

// "08:30" -> 510, "24:00" -> 1440.
inline MinuteOfDay hm(std::string_view text) {
  const int h = std::stoi(std::string(text.substr(0, 2)));
  const int m = std::stoi(std::string(text.substr(3, 2)));
  return static_cast<MinuteOfDay>(h * 60 + m);
}

inline LocalDate ymd(int y, int m, int d) {
  return LocalDate{y, static_cast<std::uint8_t>(m), static_cast<std::uint8_t>(d)};
}

inline LocalDateTime ymd_hm(int y, int m, int d, std::string_view time) {
  return LocalDateTime{ymd(y, m, d), hm(time)};
}

inline Schedule named(std::string name) {
  Schedule s;
  s.name.value = std::move(name);
  return s;
}

inline Schedule& add_weekly(Schedule& s, WeekdaySet d, std::string_view from, std::string_view to) {
  s.weekly.push_back(WeeklyWindow{d, hm(from), hm(to), kNoSource});
  return s;
}

inline YearlyDay fixed_day(int month, int day) {
  YearlyDay y;
  y.kind = YearlyDay::Kind::fixed;
  y.month = static_cast<std::uint8_t>(month);
  y.day = static_cast<std::uint8_t>(day);
  return y;
}
inline YearlyDay easter(int offset) {
  YearlyDay y;
  y.kind = YearlyDay::Kind::easter;
  y.easter_offset = static_cast<std::int16_t>(offset);
  return y;
}
inline YearlyDay nth_weekday(int month, Weekday weekday, int nth) {
  YearlyDay y;
  y.kind = YearlyDay::Kind::nth_weekday;
  y.month = static_cast<std::uint8_t>(month);
  y.weekday = weekday;
  y.nth = static_cast<std::int8_t>(nth);
  return y;
}

inline Tenant tenant_in(std::string zone, std::initializer_list<Schedule> schedules) {
  Tenant t;
  t.info.timezone.value = std::move(zone);
  t.schedules.assign(schedules.begin(), schedules.end());
  return t;
}

inline Instant parse_utc(std::string_view text) {  // "2026-03-29T01:00:00"
  std::istringstream in{std::string(text)};
  date::sys_seconds t;
  in >> date::parse("%Y-%m-%dT%H:%M:%S", t);
  if (in.fail()) throw std::invalid_argument("bad UTC time: " + std::string(text));
  return Instant{t.time_since_epoch()};
}

// A local wall-clock time in `zone`; `choose` picks the occurrence of a repeated local time.
inline Instant local_in(std::string_view zone, std::string_view text,
                        date::choose choose = date::choose::earliest) {
  std::istringstream in{std::string(text)};
  date::local_seconds t;
  in >> date::parse("%Y-%m-%dT%H:%M", t);
  if (in.fail()) throw std::invalid_argument("bad local time: " + std::string(text));
  const date::sys_seconds sys = date::locate_zone(zone)->to_sys(t, choose);
  return Instant{sys.time_since_epoch()};
}

inline std::string format_utc(Instant t) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", date::sys_seconds{t.time_since_epoch()});
}

}  // namespace callplan::testing
