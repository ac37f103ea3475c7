// The zone table against the IANA database (date-tz): every entry's offsets in winter and in
// summer, and the days its daylight-saving rule says the clocks change, for several years.
#include <chrono>

#include <date/tz.h>
#include <gtest/gtest.h>

#include "provision/renderers.hpp"
#include "provision/zones.hpp"

namespace callplan::provision {
namespace {

using namespace std::chrono;

int offset_minutes(const date::time_zone* tz, date::sys_seconds when) {
  return static_cast<int>(duration_cast<minutes>(tz->get_info(when).offset).count());
}

// The UTC instant of the transition `t` in `year`: the n-th (or last) Sunday at the local
// hour, local time being standard time before the change forward and summer time before the
// change back.
date::sys_seconds transition_utc(const Zone& z, const DstTransition& t, int year, bool forward) {
  const date::year y{year};
  const date::month m{static_cast<unsigned>(t.month)};
  date::sys_days day;
  if (t.week == 5) {
    day = date::sys_days{date::year_month_weekday_last{y, m, date::weekday_last{date::Sunday}}};
  } else {
    day = date::sys_days{date::year_month_weekday{
        y, m, date::weekday_indexed{date::Sunday, static_cast<unsigned>(t.week)}}};
  }
  const int local_offset = z.utc_offset_minutes + (forward ? 0 : 60);
  return day + hours{t.local_hour} - minutes{local_offset};
}

TEST(Zones, TableIsSortedAndLookupFindsEveryEntry) {
  for (const Zone& z : all_zones()) EXPECT_EQ(find_zone(z.iana), &z) << z.iana;
  EXPECT_EQ(find_zone("Mars/Olympus_Mons"), nullptr);
  EXPECT_EQ(find_zone("europe/amsterdam"), nullptr);  // IANA names are case-sensitive
}

TEST(Zones, OffsetsAndTransitionsMatchTheIanaDatabase) {
  for (const Zone& z : all_zones()) {
    SCOPED_TRACE(std::string(z.iana));
    const date::time_zone* tz = date::locate_zone(z.iana);
    for (int year : {2025, 2026, 2027, 2030}) {
      const auto jan = date::sys_days{date::year{year} / 1 / 15};
      const auto jul = date::sys_days{date::year{year} / 7 / 15};
      EXPECT_EQ(offset_minutes(tz, jan), z.utc_offset_minutes);
      EXPECT_EQ(offset_minutes(tz, jul), z.utc_offset_minutes + (z.dst == DstRule::none ? 0 : 60));
      if (z.dst == DstRule::none) continue;
      const auto start = transition_utc(z, dst_start(z), year, true);
      const auto end = transition_utc(z, dst_end(z), year, false);
      EXPECT_EQ(offset_minutes(tz, start - seconds{1}), z.utc_offset_minutes) << year;
      EXPECT_EQ(offset_minutes(tz, start), z.utc_offset_minutes + 60) << year;
      EXPECT_EQ(offset_minutes(tz, end - seconds{1}), z.utc_offset_minutes + 60) << year;
      EXPECT_EQ(offset_minutes(tz, end), z.utc_offset_minutes) << year;
    }
  }
}

TEST(Zones, YealinkOffsetsAreSignedHoursAndMinutes) {
  EXPECT_EQ(yealink_offset(0), "0");
  EXPECT_EQ(yealink_offset(60), "+1");
  EXPECT_EQ(yealink_offset(-300), "-5");
  EXPECT_EQ(yealink_offset(330), "+5:30");
  EXPECT_EQ(yealink_offset(-210), "-3:30");
}

}  // namespace
}  // namespace callplan::provision
