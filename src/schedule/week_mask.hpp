// Internal: the `weekly` windows of a schedule as one bit per minute of the week.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "callplan/model.hpp"
#include "schedule/calendar.hpp"

namespace callplan::detail {

// 7 x 1440 bits, Monday 00:00 first. Windows that wrap midnight or the week (sun 22:00-06:00
// runs into Monday) are folded in at compile, so matching is one bit test on the local
// (weekday, minute) and the evaluator never reasons about wrap-around again.
class WeekMask {
 public:
  // Adds "days, from-to": from > to wraps past midnight and belongs to the day it starts on;
  // to == 1440 is "24:00". from == to is rejected by the caller (it is a checker error).
  void add(WeekdaySet days, MinuteOfDay from, MinuteOfDay to);
  void finish();  // computes the change points; call once after the last add()

  bool empty() const { return !any_; }
  bool contains(LocalSeconds local) const {
    const DayNumber day = floor_div(local, kSecondsPerDay);
    const auto minute = static_cast<std::size_t>(floor_mod(local, kSecondsPerDay) / 60);
    return test(weekday_index(day) * kMinutesPerDay + minute);
  }
  // The first local minute boundary > local at which contains() changes; nullopt when the
  // mask is empty or full (it never changes).
  std::optional<LocalSeconds> next_boundary(LocalSeconds local) const;

 private:
  bool test(std::size_t bit) const { return (bits_[bit / 64] >> (bit % 64)) & 1u; }
  void set(std::size_t bit) { bits_[bit / 64] |= std::uint64_t{1} << (bit % 64); }

  static constexpr std::size_t kWords = (kMinutesPerWeek + 63) / 64;
  std::array<std::uint64_t, kWords> bits_{};
  bool any_ = false;
  std::vector<std::uint16_t> changes_;  // minute-of-week q where bit(q) != bit(q - 1), cyclic
};

}  // namespace callplan::detail
