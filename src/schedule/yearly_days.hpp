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
  // Does local day `day` match one of the rules? Allocation-free. With easter or nth rules it
  // is one bit test for days in [kTableFirstDay, kTableEndDay) (the table finish() builds);
  // otherwise, and outside that span, a few integer computations per rule.
  bool contains_day(DayNumber day) const {
    if (empty_) return false;
    if (!table_.empty() && day >= kTableFirstDay && day < kTableEndDay) {
      const auto bit = static_cast<std::uint64_t>(day - kTableFirstDay);
      return (table_[bit / 64] >> (bit % 64)) & 1u;
    }
    return compute_day(day);
  }
  // contains_day() computed from the rules, without the table.
  bool compute_day(DayNumber day) const;

  // The span the table covers: 1970-01-01 up to 2200-01-01 (local days), the same horizon as
  // the zone tables. 84,005 bits, about 10.5 KB per schedule with easter or nth rules.
  static constexpr DayNumber kTableFirstDay = days_from_civil(1970, 1, 1);
  static constexpr DayNumber kTableEndDay = days_from_civil(2200, 1, 1);
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
  // Bit (day - kTableFirstDay): compute_day(day). Built by finish() when there are easter or
  // nth rules, whose per-call computation (Easter's computus per rule, the month's length)
  // would otherwise dominate a time condition; fixed days alone are cheap and get no table.
  std::vector<std::uint64_t> table_;
};

}  // namespace callplan::detail
