// callplan/schedule.hpp — when is a schedule open? Evaluated on local wall-clock time.
//
//   callplan::ScheduleSet schedules = callplan::ScheduleSet::compile(tenant);
//   auto office = schedules.find("office_hours");
//   bool open = schedules.matches(*office, callplan::Instant{std::chrono::seconds{1764493200}});
//   callplan::Instant next = schedules.next_change(*office, now);
//
// A schedule matches an instant when that instant, as local wall-clock time in the schedule's
// zone (Howard Hinnant's date/tz, the system tzdata), falls in one of its windows (weekly,
// dates, ranges, yearly days) and in none of its `except` schedules. See docs/schedules.md.
// A ScheduleSet is immutable after compile and safe to share between threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "callplan/model.hpp"

namespace callplan {

// A point in time, UTC, whole seconds.
using Instant = std::chrono::sys_seconds;

// Index of a schedule in a ScheduleSet.
using ScheduleIndex = std::uint32_t;

class ScheduleSet {
 public:
  // Compiles every schedule of the tenant (named and inline) in tenant.schedules order, so
  // ScheduleIndex i is tenant.schedules[i]. Throws callplan::Error when the tenant has problems
  // the checker reports (unknown zone, unknown `except`, except cycle): check first.
  static ScheduleSet compile(const Tenant& tenant);

  ScheduleSet();
  ~ScheduleSet();
  ScheduleSet(ScheduleSet&&) noexcept;
  ScheduleSet& operator=(ScheduleSet&&) noexcept;

  std::size_t size() const;
  std::optional<ScheduleIndex> find(std::string_view name) const;
  std::string_view name(ScheduleIndex schedule) const;

  // Does the schedule match at `at`? Allocation-free; safe to call concurrently.
  bool matches(ScheduleIndex schedule, Instant at) const;

  // The first instant after `after` at which matches() gives a different answer, or
  // std::nullopt when it does not change within `horizon` (default: 400 days).
  std::optional<Instant> next_change(ScheduleIndex schedule, Instant after,
                                     std::chrono::seconds horizon = std::chrono::days{400}) const;

 private:
  struct Impl;
  std::unique_ptr<const Impl> impl_;
};

}  // namespace callplan
