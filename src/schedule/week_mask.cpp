#include "schedule/week_mask.hpp"

#include <algorithm>

namespace callplan::detail {

void WeekMask::add(WeekdaySet days, MinuteOfDay from, MinuteOfDay to) {
  const std::int64_t length = from < to ? to - from : kMinutesPerDay - from + to;
  for (unsigned d = 0; d < 7; ++d) {
    if (!(days & (1u << d))) continue;
    const std::int64_t start = static_cast<std::int64_t>(d) * kMinutesPerDay + from;
    for (std::int64_t m = start; m < start + length; ++m) {
      set(static_cast<std::size_t>(m % kMinutesPerWeek));  // Sunday night runs into Monday
    }
  }
}

void WeekMask::finish() {
  changes_.clear();
  any_ = false;
  for (std::size_t q = 0; q < kMinutesPerWeek; ++q) {
    const std::size_t prev = q == 0 ? kMinutesPerWeek - 1 : q - 1;
    if (test(q)) any_ = true;
    if (test(q) != test(prev)) changes_.push_back(static_cast<std::uint16_t>(q));
  }
}

std::optional<LocalSeconds> WeekMask::next_boundary(LocalSeconds local) const {
  if (changes_.empty()) return std::nullopt;
  const std::int64_t minute = floor_div(local, 60);
  const DayNumber day = floor_div(local, kSecondsPerDay);
  const auto p = static_cast<std::int64_t>(weekday_index(day)) * kMinutesPerDay +
                 floor_mod(minute, kMinutesPerDay);
  const auto it = std::upper_bound(changes_.begin(), changes_.end(), p);
  const std::int64_t ahead = it != changes_.end() ? *it - p : changes_.front() + kMinutesPerWeek - p;
  return (minute + ahead) * 60;
}

}  // namespace callplan::detail
