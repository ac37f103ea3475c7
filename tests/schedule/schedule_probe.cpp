// callplan_schedule_probe: evaluates schedules given as JSON on stdin and prints JSON, so that
// the Python tests (test_dst.py, test_easter.py) can compare ScheduleSet with independent
// implementations built on zoneinfo and dateutil.
//
// Input, mode "schedules":
//   {"mode": "schedules", "tenant_timezone": "Europe/Amsterdam",
//    "schedules": [{"name": "s", "timezone": "", "weekly": [{"days": [0, 6], "from": 510,
//                   "to": 1050}], "dates": ["2026-12-25"],
//                   "ranges": [{"from": "2026-12-31T16:00", "to": "2027-01-02T00:00"}],
//                   "yearly": [{"kind": "fixed", "month": 12, "day": 25},
//                              {"kind": "easter", "offset": 1},
//                              {"kind": "nth", "month": 11, "weekday": 3, "nth": 4}],
//                   "except": ["other"]}],
//    "queries": [{"schedule": "s", "at": 1764493200, "horizon": 172800}]}
// Output: {"results": [{"matches": true, "offset": 3600, "next_change": 1764520200}]}
//   (next_change is null when there is none within the horizon).
//
// Input, mode "easter": {"mode": "easter", "from": 1900, "to": 2100, "offsets": [0, 1]}
// Output: {"easter": {"0": ["1900-04-15", ...], ...}}: the first day each year on which a
//   `yearly: [easter+N]` schedule in UTC matches, found with next_change from Jan 1.
#include <cstdio>
#include <iostream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "callplan/error.hpp"
#include "callplan/schedule.hpp"
#include "schedule/calendar.hpp"

namespace {

using callplan::Instant;
using callplan::LocalDate;
using callplan::LocalDateTime;
using nlohmann::json;

LocalDate parse_date(const std::string& text) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d", &y, &m, &d) != 3) {
    throw callplan::Error("bad date " + text);
  }
  return LocalDate{y, static_cast<std::uint8_t>(m), static_cast<std::uint8_t>(d)};
}

LocalDateTime parse_date_time(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi) != 5) {
    throw callplan::Error("bad date-time " + text);
  }
  return LocalDateTime{LocalDate{y, static_cast<std::uint8_t>(mo), static_cast<std::uint8_t>(d)},
                       static_cast<callplan::MinuteOfDay>(h * 60 + mi)};
}

callplan::Schedule parse_schedule(const json& j) {
  callplan::Schedule s;
  s.name.value = j.at("name").get<std::string>();
  s.timezone.value = j.value("timezone", "");
  for (const json& w : j.value("weekly", json::array())) {
    callplan::WeekdaySet days = 0;
    for (const json& d : w.at("days")) days = static_cast<callplan::WeekdaySet>(days | (1u << d.get<unsigned>()));
    s.weekly.push_back({days, w.at("from").get<callplan::MinuteOfDay>(),
                        w.at("to").get<callplan::MinuteOfDay>(), callplan::kNoSource});
  }
  for (const json& d : j.value("dates", json::array())) {
    s.dates.push_back({parse_date(d.get<std::string>()), callplan::kNoSource});
  }
  for (const json& r : j.value("ranges", json::array())) {
    s.ranges.push_back({parse_date_time(r.at("from").get<std::string>()),
                        parse_date_time(r.at("to").get<std::string>()), callplan::kNoSource});
  }
  for (const json& y : j.value("yearly", json::array())) {
    callplan::YearlyDay day;
    const std::string kind = y.at("kind").get<std::string>();
    if (kind == "fixed") {
      day.kind = callplan::YearlyDay::Kind::fixed;
      day.month = y.at("month").get<std::uint8_t>();
      day.day = y.at("day").get<std::uint8_t>();
    } else if (kind == "easter") {
      day.kind = callplan::YearlyDay::Kind::easter;
      day.easter_offset = y.at("offset").get<std::int16_t>();
    } else {
      day.kind = callplan::YearlyDay::Kind::nth_weekday;
      day.month = y.at("month").get<std::uint8_t>();
      day.weekday = static_cast<callplan::Weekday>(y.at("weekday").get<int>());
      day.nth = y.at("nth").get<std::int8_t>();
    }
    s.yearly.push_back(day);
  }
  for (const json& e : j.value("except", json::array())) {
    s.except.push_back({e.get<std::string>(), callplan::kNoSource});
  }
  return s;
}

json run_schedules(const json& in) {
  callplan::Tenant tenant;
  tenant.info.timezone.value = in.value("tenant_timezone", "UTC");
  for (const json& s : in.at("schedules")) tenant.schedules.push_back(parse_schedule(s));
  const callplan::ScheduleSet set = callplan::ScheduleSet::compile(tenant);
  json results = json::array();
  for (const json& q : in.at("queries")) {
    const auto index = set.find(q.at("schedule").get<std::string>());
    if (!index) throw callplan::Error("unknown schedule " + q.at("schedule").dump());
    const Instant at{std::chrono::seconds{q.at("at").get<std::int64_t>()}};
    const std::chrono::seconds horizon{q.value("horizon", std::int64_t{400} * 86400)};
    const auto next = set.next_change(*index, at, horizon);
    results.push_back({{"matches", set.matches(*index, at)},
                       {"offset", set.utc_offset(*index, at).count()},
                       {"next_change", next ? json(next->time_since_epoch().count()) : json()}});
  }
  return {{"results", results}};
}

json run_easter(const json& in) {
  json out = json::object();
  for (const json& o : in.at("offsets")) {
    const int offset = o.get<int>();
    callplan::Tenant tenant;
    tenant.info.timezone.value = "UTC";
    callplan::Schedule s;
    s.name.value = "easter";
    callplan::YearlyDay day;
    day.kind = callplan::YearlyDay::Kind::easter;
    day.easter_offset = static_cast<std::int16_t>(offset);
    s.yearly.push_back(day);
    tenant.schedules.push_back(s);
    const callplan::ScheduleSet set = callplan::ScheduleSet::compile(tenant);
    json days = json::array();
    for (int year = in.at("from").get<int>(); year <= in.at("to").get<int>(); ++year) {
      const std::int64_t jan1 = callplan::detail::days_from_civil(year, 1, 1) * 86400;
      const Instant start{std::chrono::seconds{jan1 - 1}};
      const auto next = set.next_change(0, start, std::chrono::days{366});
      if (!next || !set.matches(0, *next)) {
        days.push_back(nullptr);
        continue;
      }
      const auto c = callplan::detail::civil_from_days(
          callplan::detail::floor_div(next->time_since_epoch().count(), 86400));
      days.push_back(fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day));
    }
    out[std::to_string(offset)] = days;
  }
  return {{"easter", out}};
}

}  // namespace

int main() {
  try {
    const json in = json::parse(std::cin);
    const std::string mode = in.at("mode").get<std::string>();
    const json out = mode == "easter" ? run_easter(in) : run_schedules(in);
    std::cout << out.dump() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "callplan_schedule_probe: " << e.what() << "\n";
    return 2;
  }
}
