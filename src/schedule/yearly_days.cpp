#include "schedule/yearly_days.hpp"

#include <algorithm>

#include "schedule/easter.hpp"

namespace callplan::detail {

void YearlyDays::add(const YearlyDay& rule) {
  empty_ = false;
  switch (rule.kind) {
    case YearlyDay::Kind::fixed:
      fixed_[rule.month] |= std::uint32_t{1} << rule.day;
      break;
    case YearlyDay::Kind::easter:
      easter_offsets_.push_back(rule.easter_offset);
      break;
    case YearlyDay::Kind::nth_weekday:
      nth_.push_back({rule.month, static_cast<unsigned>(rule.weekday), rule.nth});
      break;
  }
}

void YearlyDays::finish() {
  std::sort(easter_offsets_.begin(), easter_offsets_.end());
  easter_offsets_.erase(std::unique(easter_offsets_.begin(), easter_offsets_.end()),
                        easter_offsets_.end());
  table_.clear();
  if (empty_ || (easter_offsets_.empty() && nth_.empty())) return;
  // Built rule by rule and year by year (one computus per Easter year, one weekday per nth
  // rule and month) rather than by testing every day: a few microseconds per schedule.
  table_.assign(static_cast<std::size_t>(kTableEndDay - kTableFirstDay + 63) / 64, 0);
  const auto mark = [this](DayNumber day) {
    if (day < kTableFirstDay || day >= kTableEndDay) return;
    const auto bit = static_cast<std::uint64_t>(day - kTableFirstDay);
    table_[bit / 64] |= std::uint64_t{1} << (bit % 64);
  };
  const std::int64_t first_year = civil_from_days(kTableFirstDay).year;
  const std::int64_t end_year = civil_from_days(kTableEndDay - 1).year + 1;
  for (std::int64_t y = first_year; y < end_year; ++y) {
    for (unsigned m = 1; m <= 12; ++m) {
      if (fixed_[m] == 0) continue;
      for (unsigned d = 1; d <= days_in_month(y, m); ++d) {
        if (fixed_[m] & (std::uint32_t{1} << d)) mark(days_from_civil(y, m, d));
      }
    }
    for (const NthWeekday& r : nth_) {
      const DayNumber month_first = days_from_civil(y, r.month, 1);
      const DayNumber month_last = month_first + days_in_month(y, r.month) - 1;
      if (r.nth > 0) {
        const DayNumber first = month_first + (r.weekday + 7 - weekday_index(month_first)) % 7;
        const DayNumber day = first + 7 * (r.nth - 1);
        if (day <= month_last) mark(day);
      } else {
        const DayNumber last = month_last - (weekday_index(month_last) + 7 - r.weekday) % 7;
        const DayNumber day = last - 7 * (-r.nth - 1);
        if (day >= month_first) mark(day);
      }
    }
  }
  for (const std::int32_t offset : easter_offsets_) {
    // The Easters whose offset day can fall in the table's span.
    const std::int64_t from = civil_from_days(kTableFirstDay - offset).year;
    const std::int64_t to = civil_from_days(kTableEndDay - 1 - offset).year;
    for (std::int64_t y = from; y <= to; ++y) mark(easter_sunday_day(y) + offset);
  }
}

bool YearlyDays::nth_matches(const NthWeekday& r, const CivilDate& c, unsigned weekday) {
  if (c.month != r.month || weekday != r.weekday) return false;
  if (r.nth > 0) return static_cast<int>((c.day - 1) / 7 + 1) == r.nth;
  return static_cast<int>((days_in_month(c.year, c.month) - c.day) / 7 + 1) == -r.nth;
}

bool YearlyDays::compute_day(DayNumber day) const {
  if (empty_) return false;
  const CivilDate c = civil_from_days(day);
  // Feb 29 only exists in leap years, so "02-29" needs no special case here.
  if (fixed_[c.month] & (std::uint32_t{1} << c.day)) return true;
  for (const std::int32_t offset : easter_offsets_) {
    // The Easter this day would be `offset` days after lies in the year of (day - offset).
    const DayNumber sunday = day - offset;
    if (easter_sunday_day(civil_from_days(sunday).year) == sunday) return true;
  }
  if (!nth_.empty()) {
    const unsigned weekday = weekday_index(day);
    for (const NthWeekday& r : nth_) {
      if (nth_matches(r, c, weekday)) return true;
    }
  }
  return false;
}

LocalSeconds YearlyDays::next_boundary(LocalSeconds local) const {
  // List every matching day of this year and the next, then find the first run start or run
  // end after `local`. Runs cut by the window edges only produce boundaries at or before
  // `local` (start) or at the window end (which we return anyway as a re-check point).
  const DayNumber today = floor_div(local, kSecondsPerDay);
  const std::int64_t year = civil_from_days(today).year;
  const DayNumber first = days_from_civil(year, 1, 1);
  const DayNumber end = days_from_civil(year + 2, 1, 1);
  std::vector<DayNumber> days;
  for (std::int64_t y = year; y < year + 2; ++y) {
    for (unsigned m = 1; m <= 12; ++m) {
      for (unsigned d = 1; d <= days_in_month(y, m); ++d) {
        if (fixed_[m] & (std::uint32_t{1} << d)) days.push_back(days_from_civil(y, m, d));
      }
      for (const NthWeekday& r : nth_) {
        if (r.month != m) continue;
        for (unsigned d = 1; d <= days_in_month(y, m); ++d) {
          const DayNumber day = days_from_civil(y, m, d);
          if (nth_matches(r, CivilDate{y, m, d}, weekday_index(day))) days.push_back(day);
        }
      }
    }
  }
  for (const std::int32_t offset : easter_offsets_) {
    const std::int64_t from_year = civil_from_days(first - offset).year;
    const std::int64_t to_year = civil_from_days(end - 1 - offset).year;
    for (std::int64_t y = from_year; y <= to_year; ++y) {
      const DayNumber day = easter_sunday_day(y) + offset;
      if (day >= first && day < end) days.push_back(day);
    }
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  for (std::size_t i = 0; i < days.size(); ++i) {
    const bool run_start = i == 0 || days[i - 1] != days[i] - 1;
    const bool run_end = i + 1 == days.size() || days[i + 1] != days[i] + 1;
    if (run_start && days[i] * kSecondsPerDay > local) return days[i] * kSecondsPerDay;
    if (run_end && (days[i] + 1) * kSecondsPerDay > local) return (days[i] + 1) * kSecondsPerDay;
  }
  return end * kSecondsPerDay;
}

}  // namespace callplan::detail
