// Internal: one schedule, compiled for evaluation on local wall-clock time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "callplan/model.hpp"
#include "schedule/calendar.hpp"
#include "schedule/interval_set.hpp"
#include "schedule/week_mask.hpp"
#include "schedule/yearly_days.hpp"
#include "schedule/zone_table.hpp"

namespace callplan::detail {

struct CompiledSchedule {
  std::string name;
  const ZoneTable* zone = nullptr;  // owned by the ScheduleSet, shared by schedules in a zone
  WeekMask weekly;
  IntervalSet spans;  // `dates` (whole local days) and `ranges`, in local seconds
  YearlyDays yearly;
  std::vector<std::uint32_t> except;   // direct `except` schedules
  std::vector<std::uint32_t> closure;  // this schedule and every schedule it subtracts

  // Fills the windows from the model; throws callplan::Error on values the loader and
  // checker reject (from == to, invalid dates, nth == 0 ...).
  void compile_windows(const Schedule& schedule);

  // Does local wall-clock time `local` fall in one of the schedule's own windows (except not
  // applied)? Allocation-free.
  bool own_matches(LocalSeconds local) const {
    return (!weekly.empty() && weekly.contains(local)) || (!spans.empty() && spans.contains(local)) ||
           (!yearly.empty() && yearly.contains_day(floor_div(local, kSecondsPerDay)));
  }

  // The first local time in (local, limit) at which own_matches() differs from `value`
  // (own_matches(local) == value), or nullopt.
  std::optional<LocalSeconds> next_own_local_change(LocalSeconds local, bool value,
                                                    LocalSeconds limit) const;

  // The first instant in (utc, until] at which own_matches(local time of it) changes, walking
  // the zone's offset periods so that DST gaps and repeated hours are handled exactly.
  std::optional<std::int64_t> next_own_change(std::int64_t utc, std::int64_t until) const;
};

}  // namespace callplan::detail
