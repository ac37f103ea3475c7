#include "schedule/zone_table.hpp"

#include <date/date.h>
#include <date/tz.h>
// ptz.h (date 3.0.1) writes an unqualified `hh_mm_ss` under both `using namespace date` and
// `using namespace std::chrono`, which is ambiguous in C++20. For that one header, spell it as
// an alias only namespace date has (it also writes `date::hh_mm_ss`, which the alias keeps).
namespace date {
template <class Duration>
using callplan_hh_mm_ss = hh_mm_ss<Duration>;
}  // namespace date
#define hh_mm_ss callplan_hh_mm_ss
#include <date/ptz.h>
#undef hh_mm_ss

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "schedule/calendar.hpp"

namespace callplan::detail {

namespace {

constexpr std::int64_t kRuleHorizonYear = 2200;

std::int64_t to_int(date::sys_seconds t) { return t.time_since_epoch().count(); }

// The POSIX TZ string at the end of a version 2+ TZif file ("CET-1CEST,M3.5.0,M10.5.0/3"),
// or nullopt when the file cannot be read or has none.
std::optional<std::string> tzif_footer(std::string_view zone) {
  const char* dir = std::getenv("TZDIR");
  const std::string path = fmt::format("{}/{}", dir && *dir ? dir : "/usr/share/zoneinfo", zone);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  const std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (data.size() < 6 || data.compare(0, 4, "TZif") != 0 || data[4] < '2') return std::nullopt;
  if (data.back() != '\n') return std::nullopt;
  const std::size_t start = data.rfind('\n', data.size() - 2);
  if (start == std::string::npos) return std::nullopt;
  std::string footer = data.substr(start + 1, data.size() - start - 2);
  if (footer.empty() || footer.find('\0') != std::string::npos) return std::nullopt;
  return footer;
}

}  // namespace

void ZoneTable::push(std::int64_t begin, std::int32_t offset) {
  if (!offsets_.empty() && offsets_.back() == offset) return;
  if (!begins_.empty() && begin <= begins_.back()) {  // defensive: keep begins increasing
    offsets_.back() = offset;
    return;
  }
  begins_.push_back(begins_.empty() ? kFarPast : begin);
  offsets_.push_back(offset);
}

ZoneTable ZoneTable::load(std::string_view name) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(name);
  } catch (const std::exception& e) {
    throw Error(fmt::format("unknown time zone `{}`: {}", name, e.what()));
  }
  ZoneTable table;
  table.name_ = std::string(name);

  const std::int64_t horizon = days_from_civil(kRuleHorizonYear, 1, 1) * kSecondsPerDay;
  // Walk date's periods from the first one. Its sentinel "end of time" is year 32767.
  date::sys_info info = zone->get_info(date::sys_days{date::year{1800} / 1 / 1});
  std::int64_t last_begin = kFarPast;
  for (;;) {
    last_begin = std::max(to_int(info.begin), kFarPast);
    table.push(last_begin, static_cast<std::int32_t>(info.offset.count()));
    if (to_int(info.end) >= horizon) break;
    info = zone->get_info(info.end);
  }

  // Continue the TZif footer rule past the last stored transition (see the header).
  if (const auto footer = tzif_footer(name); footer && footer->find(',') != std::string::npos) {
    try {
      const Posix::time_zone rule(*footer);
      const std::int64_t from = std::max(last_begin, std::int64_t{0});
      date::sys_seconds t{std::chrono::seconds{from}};
      while (to_int(t) < horizon) {
        const date::sys_info p = rule.get_info(t);
        table.push(std::max(to_int(p.begin), from), static_cast<std::int32_t>(p.offset.count()));
        if (p.end <= t) break;
        t = p.end;
      }
    } catch (const std::exception&) {
      // An unreadable footer leaves date's own answer in place (no DST after the table).
    }
  }
  table.build_index(horizon);
  return table;
}

void ZoneTable::build_index(std::int64_t horizon) {
  bucket_first_.clear();
  for (std::int64_t start = kIndexBase; start < horizon; start += std::int64_t{1} << kBucketShift) {
    bucket_first_.push_back(static_cast<std::uint32_t>(search(start)));
  }
}

std::size_t ZoneTable::search(std::int64_t utc) const {
  // begins_[0] == kFarPast, so clamping keeps the index valid for any input.
  const auto after = std::upper_bound(begins_.begin(), begins_.end(), std::max(utc, kFarPast));
  return static_cast<std::size_t>(after - begins_.begin()) - 1;
}

ZonePeriod ZoneTable::period_at(std::int64_t utc) const {
  const std::size_t i = index_at(utc);
  const std::int64_t end = i + 1 < begins_.size() ? begins_[i + 1] : kFarFuture;
  return ZonePeriod{begins_[i], end, offsets_[i]};
}

}  // namespace callplan::detail
