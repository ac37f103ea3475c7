// Internal: the `yearly` days of a schedule (fixed MM-DD, easter+N, nth weekday of a month).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "callplan/model.hpp"
#include "schedule/calendar.hpp"

namespace callplan::detail {

class YearlyDays {
 public:
  // The rule must be valid (month 1..12, day valid in some year, nth in -5..-1 or 1..5);
  // the caller checks and throws.
  void add(const YearlyDay& rule);
  void finish();

  bool empty() const { return empty_; }
  // Does local day `day` match one of the rules? Allocation-free: a few integer computations
  // per easter/nth rule.
  bool contains_day(DayNumber day) const;
  // A local midnight > local at or before the next change of contains_day(); it may be a point
  // where nothing changes when the next change is more than a year ahead (e.g. only "02-29"),
  // so callers re-check and go on. Never skips a change.
  LocalSeconds next_boundary(LocalSeconds local) const;

 private:
  struct NthWeekday {
    unsigned month;
    unsigned weekday;  // Monday = 0
    int nth;           // 1..5 or -1..-5
  };
  static bool nth_matches(const NthWeekday& r, const CivilDate& c, unsigned weekday);

  std::array<std::uint32_t, 13> fixed_{};  // fixed_[month] bit d: MM-DD matches
  std::vector<std::int32_t> easter_offsets_;
  std::vector<NthWeekday> nth_;
  bool empty_ = true;
};

}  // namespace callplan::detail
