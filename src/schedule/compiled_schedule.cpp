#include "schedule/compiled_schedule.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "callplan/error.hpp"

namespace callplan::detail {

namespace {

bool valid_date(const LocalDate& d) {
  return d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= days_in_month(d.year, d.month);
}

DayNumber day_number(const LocalDate& d) { return days_from_civil(d.year, d.month, d.day); }

LocalSeconds local_seconds(const LocalDateTime& t) {
  return day_number(t.date) * kSecondsPerDay + std::int64_t{t.minute} * 60;
}

std::string date_text(const LocalDate& d) {
  return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
}

}  // namespace

void CompiledSchedule::compile_windows(const Schedule& schedule) {
  const auto fail = [&](const std::string& what) {
    throw Error(fmt::format("schedule `{}`: {} (run the checker first)", schedule.name.value, what));
  };

  for (const WeeklyWindow& w : schedule.weekly) {
    if (w.from == w.to) fail(fmt::format("a weekly window from {0} to {0} is empty", w.from));
    if (w.from >= kMinutesPerDay || w.to > kMinutesPerDay) {
      fail(fmt::format("weekly window {}-{} is out of range (minutes 0..1440)", w.from, w.to));
    }
    weekly.add(static_cast<WeekdaySet>(w.days & 0x7f), w.from, w.to);
  }
  weekly.finish();

  for (const Located<LocalDate>& d : schedule.dates) {
    if (!valid_date(d.value)) fail(fmt::format("invalid date {}", date_text(d.value)));
    const DayNumber day = day_number(d.value);
    spans.add(day * kSecondsPerDay, (day + 1) * kSecondsPerDay);
  }
  for (const DateRange& r : schedule.ranges) {
    if (!valid_date(r.from.date) || !valid_date(r.to.date) || r.from.minute > kMinutesPerDay ||
        r.to.minute > kMinutesPerDay) {
      fail(fmt::format("invalid range {} .. {}", date_text(r.from.date), date_text(r.to.date)));
    }
    spans.add(local_seconds(r.from), local_seconds(r.to));  // end exclusive; empty ignored
  }
  spans.normalize();

  for (const YearlyDay& y : schedule.yearly) {
    switch (y.kind) {
      case YearlyDay::Kind::fixed:
        // Checked against a leap year: "02-29" is valid and matches in leap years only.
        if (y.month < 1 || y.month > 12 || y.day < 1 || y.day > days_in_month(2000, y.month)) {
          fail(fmt::format("invalid yearly day {:02}-{:02}", y.month, y.day));
        }
        break;
      case YearlyDay::Kind::easter:
        break;
      case YearlyDay::Kind::nth_weekday:
        if (y.month < 1 || y.month > 12 || y.nth == 0 || y.nth > 5 || y.nth < -5 ||
            static_cast<unsigned>(y.weekday) > 6) {
          fail(fmt::format("invalid yearly weekday rule (month {}, nth {})", y.month, y.nth));
        }
        break;
    }
    yearly.add(y);
  }
  yearly.finish();
}

std::optional<LocalSeconds> CompiledSchedule::next_own_local_change(LocalSeconds local, bool value,
                                                                    LocalSeconds limit) const {
  // Every component changes only at its own boundaries, so the union can only change at the
  // earliest of them; a boundary where the union does not change (one window ends as another
  // begins) is simply stepped over.
  while (local < limit) {
    LocalSeconds next = limit;
    if (!weekly.empty()) {
      if (auto b = weekly.next_boundary(local)) next = std::min(next, *b);
    }
    if (!spans.empty()) {
      if (auto b = spans.next_boundary(local)) next = std::min(next, *b);
    }
    if (!yearly.empty()) next = std::min(next, yearly.next_boundary(local));
    if (next >= limit) return std::nullopt;
    if (own_matches(next) != value) return next;
    local = next;
  }
  return std::nullopt;
}

std::optional<std::int64_t> CompiledSchedule::next_own_change(std::int64_t utc,
                                                              std::int64_t until) const {
  const bool value = own_matches(utc + zone->offset_at(utc));
  // Within one offset period local time is utc + offset, so a local change point maps back to
  // exactly one instant. At a period end local time jumps: forward (a DST gap: local times in
  // the gap never happen, and a window that starts inside it opens at the transition) or back
  // (the repeated hour: its local times happen twice and are searched again in the next
  // period).
  while (utc < until) {
    const ZonePeriod period = zone->period_at(utc);
    const std::int64_t stop = std::min(period.end, until + 1);
    if (auto local = next_own_local_change(utc + period.offset, value, stop + period.offset)) {
      return *local - period.offset;
    }
    if (period.end > until) return std::nullopt;
    utc = period.end;
    if (own_matches(utc + zone->offset_at(utc)) != value) return utc;
  }
  return std::nullopt;
}

}  // namespace callplan::detail
