#include "diff/calendar.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

namespace callplan::diff_detail {
namespace {

using date::local_days;
using std::chrono::seconds;

constexpr std::string_view kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

date::local_seconds local(Instant at, const date::time_zone& zone) {
  return zone.to_local(at);
}

std::string clock(seconds s) {
  long total = static_cast<long>(s.count());
  if (total % 60 != 0) {
    return fmt::format("{:02}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  }
  return fmt::format("{:02}:{:02}", total / 3600, total / 60 % 60);
}

std::string day_name(local_days day, bool weekday_names) {
  if (weekday_names) return std::string(kWeekdays[date::weekday(day).c_encoding()]);
  return date::format("%F", day);
}

}  // namespace

std::vector<Span> time_slices(const std::vector<const ScheduleSet*>& sets, Instant from,
                              Instant to, const date::time_zone& zone) {
  std::vector<Instant> cuts{from, to};
  for (local_days day = date::floor<date::days>(local(from, zone)) + date::days{1};; day += date::days{1}) {
    Instant midnight = zone.to_sys(date::local_seconds(day), date::choose::earliest);
    if (midnight >= to) break;
    if (midnight > from) cuts.push_back(midnight);
  }
  for (const ScheduleSet* set : sets) {
    for (ScheduleIndex s = 0; s < set->size(); ++s) {
      Instant at = from;
      while (auto next = set->next_change(s, at, to - at)) {
        if (*next >= to) break;
        cuts.push_back(*next);
        at = *next;
      }
    }
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<Span> slices;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) slices.push_back({cuts[i], cuts[i + 1]});
  return slices;
}

std::string iso_local(Instant at, const date::time_zone& zone) {
  auto info = zone.get_info(at);
  auto offset = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
  return fmt::format("{}{}{:02}:{:02}", date::format("%FT%T", local(at, zone)),
                     offset < 0 ? '-' : '+', std::abs(offset) / 60, std::abs(offset) % 60);
}

std::string readable_local(Instant at, const date::time_zone& zone) {
  auto l = local(at, zone);
  local_days day = date::floor<date::days>(l);
  return fmt::format("{} {} {}", kWeekdays[date::weekday(day).c_encoding()],
                     date::format("%F", day), clock(l - day));
}

std::vector<Span> merge_adjacent(const std::vector<Span>& spans) {
  std::vector<Span> out;
  for (const Span& s : spans) {
    if (!out.empty() && out.back().second == s.first) {
      out.back().second = s.second;
    } else {
      out.push_back(s);
    }
  }
  return out;
}

std::string describe_when(const std::vector<Span>& spans, const date::time_zone& zone,
                          bool weekday_names) {
  // Per local day: the parts of the day, merged.
  struct DayPart {
    local_days day;
    seconds from;
    seconds to;
  };
  std::vector<DayPart> parts;
  for (const Span& s : spans) {
    auto a = local(s.first, zone);
    auto b = local(s.second, zone);
    local_days day = date::floor<date::days>(a);
    seconds from = a - day;
    seconds to = std::min<seconds>(b - day, std::chrono::hours{24});
    if (!parts.empty() && parts.back().day == day && parts.back().to == from) {
      parts.back().to = to;
    } else {
      parts.push_back({day, from, to});
    }
  }
  // The same hours on several days read as one phrase: "Mon–Fri 17:30–24:00".
  std::map<std::pair<long, long>, std::vector<local_days>> by_hours;
  std::vector<std::pair<long, long>> order;
  for (const DayPart& p : parts) {
    auto key = std::pair{static_cast<long>(p.from.count()), static_cast<long>(p.to.count())};
    auto [it, inserted] = by_hours.try_emplace(key);
    if (inserted) order.push_back(key);
    it->second.push_back(p.day);
  }
  std::vector<std::string> phrases;
  for (const auto& key : order) {
    const std::vector<local_days>& days = by_hours[key];
    std::vector<std::string> runs;
    for (std::size_t i = 0; i < days.size();) {
      std::size_t j = i;
      while (j + 1 < days.size() && days[j + 1] == days[j] + date::days{1}) ++j;
      if (j - i >= 2) {
        runs.push_back(fmt::format("{}–{}", day_name(days[i], weekday_names),
                                   day_name(days[j], weekday_names)));
      } else {
        for (std::size_t k = i; k <= j; ++k) runs.push_back(day_name(days[k], weekday_names));
      }
      i = j + 1;
    }
    std::string hours = key.first == 0 && key.second == 86400
                            ? "all day"
                            : fmt::format("{}–{}", clock(seconds{key.first}), clock(seconds{key.second}));
    phrases.push_back(fmt::format("{} {}", fmt::join(runs, ", "), hours));
  }
  return fmt::format("{}", fmt::join(phrases, "; "));
}

}  // namespace callplan::diff_detail
