// CP300-CP304: schedules. Time zones are resolved with Howard Hinnant's date/tz (the system
// tzdata). Whether a schedule never or always matches is decided on its weekly windows, laid
// out on a minute grid of one week: that is exact for weekly windows and conservative for the
// rest (dates, ranges and yearly days only ever add time, so they can make a schedule
// non-empty but never "always").
#include <bitset>
#include <string>
#include <vector>

#include <date/tz.h>
#include <fmt/format.h>

#include "check/cycles.hpp"
#include "check/rules.hpp"
#include "diagnostics/make_issue.hpp"

namespace callplan::check_detail {

namespace {

constexpr std::size_t kMinutesPerDay = 1440;
constexpr std::size_t kMinutesPerWeek = 7 * kMinutesPerDay;
using WeekGrid = std::bitset<kMinutesPerWeek>;

bool zone_exists(const std::string& name) {
  try {
    (void)date::locate_zone(name);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

void report_zone(Context& cx, const Located<std::string>& zone, SourceId fallback) {
  Issue& issue = cx.report("CP300", fmt::format("`{}` is not an IANA time zone", zone.value),
                           zone.where, fallback);
  std::vector<std::string_view> names;
  try {
    for (const date::time_zone& z : date::get_tzdb().zones) names.push_back(z.name());
  } catch (const std::exception&) {
    // No tz database at all: the hint below is all we can give.
  }
  std::string guess = detail::did_you_mean(zone.value, names);
  issue.hints.push_back(!guess.empty() ? guess
                                       : "use a zone name like `Europe/Amsterdam` (see "
                                         "`timedatectl list-timezones`)");
}

// The weekly windows of `s` on a week grid (Monday 00:00 = minute 0). A window that wraps
// midnight belongs to the day it starts on and runs into the next (Sunday into Monday).
WeekGrid weekly_grid(const Schedule& s) {
  WeekGrid grid;
  for (const WeeklyWindow& w : s.weekly) {
    if (w.from == w.to) continue;  // CP301
    std::size_t length = w.from < w.to ? std::size_t{w.to} - w.from
                                       : kMinutesPerDay - w.from + w.to;
    for (std::size_t day = 0; day < 7; ++day) {
      if ((w.days & (1u << day)) == 0) continue;
      std::size_t start = day * kMinutesPerDay + w.from;
      for (std::size_t m = 0; m < length; ++m) grid.set((start + m) % kMinutesPerWeek);
    }
  }
  return grid;
}

bool has_dated_windows(const Schedule& s) {
  for (const DateRange& r : s.ranges) {
    if (r.from < r.to) return true;
  }
  return !s.dates.empty() || !s.yearly.empty();
}

bool has_no_windows(const Schedule& s) {
  return s.weekly.empty() && s.dates.empty() && s.ranges.empty() && s.yearly.empty();
}

void check_windows(Context& cx, const Schedule& s) {
  for (const WeeklyWindow& w : s.weekly) {
    if (w.from != w.to) continue;
    Issue& issue = cx.report(
        "CP301",
        fmt::format("weekly window of schedule `{}` starts and ends at the same time", s.name.value),
        w.where, s.where);
    issue.hints.push_back("for the whole day write from: \"00:00\", to: \"24:00\"");
  }
  for (const DateRange& r : s.ranges) {
    if (r.from < r.to) continue;
    Issue& issue = cx.report(
        "CP301", fmt::format("date range of schedule `{}` ends before or when it starts",
                             s.name.value),
        r.where, s.where);
    issue.hints.push_back("`to` is exclusive and must come after `from`");
  }
}

std::string zone_of(const Context& cx, const Schedule& s) {
  return s.timezone.value.empty() ? cx.tenant().info.timezone.value : s.timezone.value;
}

// CP302 / CP303 for one schedule. `in_cycle` schedules are left alone: CP304 says it.
void check_coverage(Context& cx, const Schedule& s, const std::vector<bool>& in_cycle,
                    const std::vector<const Schedule*>& schedules) {
  if (has_no_windows(s)) {
    Issue& issue = cx.report(
        "CP302", fmt::format("schedule `{}` has no windows, so it never matches", s.name.value),
        s.name.where, s.where);
    issue.hints.push_back("add `weekly`, `dates`, `ranges` or `yearly` windows");
    return;
  }
  WeekGrid own = weekly_grid(s);
  if (s.except.empty()) {
    if (own.all()) {
      Issue& issue = cx.report(
          "CP303",
          fmt::format("schedule `{}` always matches (every day, all day)", s.name.value),
          s.name.where, s.where);
      issue.hints.push_back(
          "a time condition on it never takes its `else` branch; narrow the windows, add an "
          "`except`, or drop the time condition");
    }
    return;
  }
  // What the except schedules remove for certain: the weekly windows of those that have no
  // except of their own (an except of an except gives time back) and that count in the same
  // zone — or cover the whole week, which is the same in every zone.
  WeekGrid removed;
  for (const Located<std::string>& name : s.except) {
    const Schedule* x = cx.find_schedule(name.value);
    if (x == nullptr || !x->except.empty()) continue;
    std::size_t index = 0;
    while (index < schedules.size() && schedules[index] != x) ++index;
    if (index < in_cycle.size() && in_cycle[index]) continue;
    WeekGrid grid = weekly_grid(*x);
    if (grid.all() || zone_of(cx, *x) == zone_of(cx, s)) removed |= grid;
  }
  bool nothing_left = removed.all() || (!has_dated_windows(s) && own.any() && (own & ~removed).none());
  if (!nothing_left) return;
  Issue& issue = cx.report(
      "CP302",
      fmt::format("schedule `{}` never matches: its `except` schedules remove all of its windows",
                  s.name.value),
      s.name.where, s.where);
  for (const Located<std::string>& name : s.except) {
    cx.note(issue, fmt::format("`{}` is subtracted here", name.value), name.where, s.where);
  }
}

// CP304: except schedules that subtract each other in a cycle have no meaning.
std::vector<bool> check_except_cycles(Context& cx, const std::vector<const Schedule*>& schedules) {
  std::vector<std::vector<std::size_t>> successors(schedules.size());
  auto index_of = [&](const Schedule* x) {
    for (std::size_t i = 0; i < schedules.size(); ++i) {
      if (schedules[i] == x) return i;
    }
    return schedules.size();
  };
  for (std::size_t i = 0; i < schedules.size(); ++i) {
    for (const Located<std::string>& name : schedules[i]->except) {
      std::size_t j = index_of(cx.find_schedule(name.value));
      if (j < schedules.size()) successors[i].push_back(j);
    }
  }
  std::vector<bool> in_cycle(schedules.size(), false);
  for (const std::vector<std::size_t>& cycle : elementary_cycles(successors)) {
    std::vector<std::string_view> names;
    for (std::size_t v : cycle) {
      names.push_back(schedules[v]->name.value);
      in_cycle[v] = true;
    }
    names.push_back(schedules[cycle.front()]->name.value);
    // One issue per cycle, at the first `except` entry of the cycle; notes at the others.
    Issue* issue = nullptr;
    for (std::size_t k = 0; k < cycle.size(); ++k) {
      const Schedule& from = *schedules[cycle[k]];
      const Schedule* to = schedules[cycle[(k + 1) % cycle.size()]];
      for (const Located<std::string>& name : from.except) {
        if (cx.find_schedule(name.value) != to) continue;
        if (issue == nullptr) {
          issue = &cx.report("CP304",
                             fmt::format("schedules subtract each other in a cycle: {}",
                                         fmt::join(names, " -> ")),
                             name.where, from.where);
          issue->hints.push_back("remove one of the `except` entries of the cycle");
        } else {
          cx.note(*issue, fmt::format("`{}` subtracts `{}` here", from.name.value, name.value),
                  name.where, from.where);
        }
        break;
      }
    }
  }
  return in_cycle;
}

}  // namespace

void check_schedules(Context& cx) {
  const Tenant& t = cx.tenant();
  if (!t.info.timezone.value.empty() && !zone_exists(t.info.timezone.value)) {
    report_zone(cx, t.info.timezone, t.info.where);
  }
  // The first definition of each name: duplicates are CP205, and references resolve there.
  std::vector<const Schedule*> schedules;
  for (const Schedule& s : t.schedules) {
    if (cx.find_schedule(s.name.value) == &s) schedules.push_back(&s);
  }
  for (const Schedule* s : schedules) {
    if (!s->timezone.value.empty() && !zone_exists(s->timezone.value)) {
      report_zone(cx, s->timezone, s->where);
    }
    check_windows(cx, *s);
  }
  std::vector<bool> in_cycle = check_except_cycles(cx, schedules);
  for (std::size_t i = 0; i < schedules.size(); ++i) {
    if (!in_cycle[i]) check_coverage(cx, *schedules[i], in_cycle, schedules);
  }
}

}  // namespace callplan::check_detail
