#include "provision/zones.hpp"

#include <array>

namespace callplan::provision {
namespace {

// Sorted by IANA name. POSIX strings follow glibc's tzfile(5) form; Yealink names are the
// entries of Yealink's time-zone list (admin guide, "Time Zone"); Snom codes are the values of
// the `timezone` setting.
constexpr std::array kZones = {
    Zone{"America/Chicago", -360, DstRule::us, "CST6CDT,M3.2.0,M11.1.0",
         "United States-Central Time", "USA-6"},
    Zone{"America/Denver", -420, DstRule::us, "MST7MDT,M3.2.0,M11.1.0",
         "United States-Mountain Time", "USA-7"},
    Zone{"America/Los_Angeles", -480, DstRule::us, "PST8PDT,M3.2.0,M11.1.0",
         "United States-Pacific Time", "USA-8"},
    Zone{"America/New_York", -300, DstRule::us, "EST5EDT,M3.2.0,M11.1.0",
         "United States-Eastern Time", "USA-5"},
    Zone{"Asia/Singapore", 480, DstRule::none, "<+08>-8", "Singapore(Singapore)", "SGP+8"},
    Zone{"Asia/Tokyo", 540, DstRule::none, "JST-9", "Japan(Tokyo)", "JPN+9"},
    Zone{"Etc/UTC", 0, DstRule::none, "UTC0", "GMT", "GMT-0"},
    Zone{"Europe/Amsterdam", 60, DstRule::eu, "CET-1CEST,M3.5.0,M10.5.0/3",
         "Netherlands(Amsterdam)", "NLD+1"},
    Zone{"Europe/Athens", 120, DstRule::eu, "EET-2EEST,M3.5.0/3,M10.5.0/4", "Greece(Athens)",
         "GRC+2"},
    Zone{"Europe/Berlin", 60, DstRule::eu, "CET-1CEST,M3.5.0,M10.5.0/3", "Germany(Berlin)",
         "GER+1"},
    Zone{"Europe/Brussels", 60, DstRule::eu, "CET-1CEST,M3.5.0,M10.5.0/3", "Belgium(Brussels)",
         "BEL+1"},
    Zone{"Europe/Copenhagen", 60, DstRule::eu, "CET-1CEST,M3.5.0,M10.5.0/3",
         "Denmark(Copenhagen)", "DNK+1"},
    Zone{"Europe/Dublin", 0, DstRule::eu, "GMT0IST,M3.5.0/1,M10.5.0", "Ireland(Dublin)",
         "IRL-0"},
    Zone{"Europe/Helsinki", 120, DstRule::eu, "EET-2EEST,M3.5.0/3,M10.5.0/4",
         "Finland(Helsinki)", "FIN+2"},
    Zone{"Europe/Lisbon", 0, DstRule::eu, "WET0WEST,M3.5.0/1,M10.5.0", "Portugal(Lisbon)",
         "PRT-0"},
    Zone{"Europe/London", 0, DstRule::eu, "GMT0BST,M3.5.0/1,M10.5.0", "United Kingdom(London)",
         "GBR-0"},
    Zone{"Europe/Luxembourg", 60, DstRule::eu, "CET-1CEST,M3.5.0,M10.5.0/3",
         "Luxembourg(Luxembourg)", "LUX+1"},
    Zone{"Europe/Madrid", 60, DstRule::eu, "CET-1CEST,M3.5.0,M10.5.0/3", "Spain(Madrid)",
         "ESP+1"},
    Zone{"Europe/Paris", 60, DstRule::eu, "CET-1CEST,M3.5.0,M10.5.0/3", "France(Paris)",
         "FRA+1"},
    Zone{"Europe/Rome", 60, DstRule::eu, "CET-1CEST,M3.5.0,M10.5.0/3", "Italy(Rome)", "ITA+1"},
    Zone{"Europe/Stockholm", 60, DstRule::eu, "CET-1CEST,M3.5.0,M10.5.0/3",
         "Sweden(Stockholm)", "SWE+1"},
    Zone{"Europe/Vienna", 60, DstRule::eu, "CET-1CEST,M3.5.0,M10.5.0/3", "Austria(Vienna)",
         "AUT+1"},
    Zone{"Europe/Warsaw", 60, DstRule::eu, "CET-1CEST,M3.5.0,M10.5.0/3", "Poland(Warsaw)",
         "POL+1"},
    Zone{"Europe/Zurich", 60, DstRule::eu, "CET-1CEST,M3.5.0,M10.5.0/3", "Switzerland(Bern)",
         "CHE+1"},
    Zone{"UTC", 0, DstRule::none, "UTC0", "GMT", "GMT-0"},
};

constexpr bool sorted() {
  for (std::size_t i = 1; i < kZones.size(); ++i) {
    if (!(kZones[i - 1].iana < kZones[i].iana)) return false;
  }
  return true;
}
static_assert(sorted(), "kZones must stay sorted by IANA name");

}  // namespace

std::span<const Zone> all_zones() { return kZones; }

const Zone* find_zone(std::string_view iana) {
  for (const Zone& z : kZones) {
    if (z.iana == iana) return &z;
  }
  return nullptr;
}

// The EU changes at 01:00 UTC everywhere, so the local hour depends on the zone's offset: 02:00
// in Amsterdam (forward to 03:00), 01:00 in London, 03:00 in Athens; clocks go back at the
// summer-time hour that corresponds to 01:00 UTC.
DstTransition dst_start(const Zone& zone) {
  if (zone.dst == DstRule::us) return {3, 2, 2};
  return {3, 5, 1 + zone.utc_offset_minutes / 60};
}

DstTransition dst_end(const Zone& zone) {
  if (zone.dst == DstRule::us) return {11, 1, 2};
  return {10, 5, 2 + zone.utc_offset_minutes / 60};
}

}  // namespace callplan::provision
