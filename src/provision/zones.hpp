// provision/zones.hpp — the tenant's IANA time zone as each phone brand spells it.
//
// Phones do not carry the IANA database: each brand has its own list of zone names or wants an
// offset plus daylight-saving rules. The table covers the zones of the countries callplan's
// tenants are in (NL, BE, DE, UK, FR and their neighbours) and a handful of others; a zone not
// in it gets no time-zone keys at all (the phone keeps its own setting) and a note, rather
// than a guess that would be wrong half of the year.
#pragma once

#include <span>
#include <string_view>

namespace callplan::provision {

// When clocks go forward and back. Both rules are in the brands' "n-th weekday of a month at a
// local hour" form; see dst_* below.
enum class DstRule : unsigned char {
  none,  // no daylight-saving time
  eu,    // last Sunday of March 01:00 UTC .. last Sunday of October 01:00 UTC
  us,    // second Sunday of March 02:00 local .. first Sunday of November 02:00 local
};

struct Zone {
  std::string_view iana;          // "Europe/Amsterdam"
  int utc_offset_minutes;         // standard (winter) time, east of UTC positive
  DstRule dst;
  std::string_view posix;         // POSIX TZ string, e.g. "CET-1CEST-2,M3.5.0,M10.5.0/3"
  std::string_view yealink_name;  // Yealink's local_time.time_zone_name
  std::string_view snom;          // Snom's `timezone` code, e.g. "NLD+1"
};

// nullptr when the zone is not in the table.
const Zone* find_zone(std::string_view iana);

// The whole table, sorted by IANA name (for the docs and the tests).
std::span<const Zone> all_zones();

// A daylight-saving transition in the brands' terms.
struct DstTransition {
  int month;               // 1..12
  int week;                // 1..4, or 5 for "the last one in the month"
  int local_hour;          // local wall-clock hour at which the change happens
};
DstTransition dst_start(const Zone& zone);  // zone.dst != none
DstTransition dst_end(const Zone& zone);

}  // namespace callplan::provision
