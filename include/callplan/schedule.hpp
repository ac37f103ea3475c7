// callplan/schedule.hpp — when is a schedule open? Evaluated on local wall-clock time.
//
//   callplan::ScheduleSet schedules = callplan::ScheduleSet::compile(tenant);
//   auto office = schedules.find("office_hours");
//   bool open = schedules.matches(*office, callplan::Instant{std::chrono::seconds{1764493200}});
//   std::optional<callplan::Instant> next = schedules.next_change(*office, now);
//
// A schedule matches an instant when that instant, as local wall-clock time in the schedule's
// zone (Howard Hinnant's date/tz, the system tzdata), falls in one of its windows (weekly,
// dates, ranges, yearly days) and in none of its `except` schedules. "08:30-17:30" is wall-clock
// time on every day, also when clocks change: a local time skipped by DST never matches, a
// repeated one matches twice. See docs/schedules.md.
//
// Thread safety: a ScheduleSet is immutable after compile(); every const member is safe to
// call concurrently. It owns everything it needs (no references into the Tenant are kept).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "callplan/export.hpp"
#include "callplan/model.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

// A point in time, UTC, whole seconds.
using Instant = std::chrono::sys_seconds;

// Index of a schedule in a ScheduleSet.
using ScheduleIndex = std::uint32_t;

class ScheduleSet {
 public:
  // Compiles every schedule of the tenant (named and inline) in tenant.schedules order, so
  // ScheduleIndex i is tenant.schedules[i]. A schedule without `timezone` uses
  // tenant.info.timezone. Throws callplan::Error when the tenant has problems the checker
  // reports (unknown or missing zone, unknown `except`, except cycle, duplicate names, a
  // weekly window with from == to, invalid dates): check first.
  static ScheduleSet compile(const Tenant& tenant);

  ScheduleSet();  // empty: size() == 0
  ~ScheduleSet();
  ScheduleSet(ScheduleSet&&) noexcept;
  ScheduleSet& operator=(ScheduleSet&&) noexcept;

  std::size_t size() const;
  // The index of the schedule called `name` (inline schedules are named by their step path),
  // or std::nullopt.
  std::optional<ScheduleIndex> find(std::string_view name) const;
  // Valid as long as the set. The accessors below throw callplan::Error for an index >= size().
  std::string_view name(ScheduleIndex schedule) const;

  // The IANA zone the schedule is evaluated in (its own `timezone`, else the tenant's).
  std::string_view timezone(ScheduleIndex schedule) const;

  // local wall-clock time = at + utc_offset(schedule, at): the conversion matches() uses.
  std::chrono::seconds utc_offset(ScheduleIndex schedule, Instant at) const;

  // Does the schedule match at `at`? Allocation-free (one binary search for the UTC offset,
  // then integer tests); safe to call concurrently.
  bool matches(ScheduleIndex schedule, Instant at) const;

  // The first instant t > `after` at which matches() gives a different answer than at
  // `after`, exact to the second (DST gaps: the change happens at the transition; repeated
  // hours: both occurrences count), or std::nullopt when it does not change in
  // (after, after + horizon] (default horizon: 400 days). Allocates a little; not meant for
  // the per-call hot path.
  std::optional<Instant> next_change(ScheduleIndex schedule, Instant after,
                                     std::chrono::seconds horizon = std::chrono::days{400}) const;

 private:
  struct Impl;
  const Impl& impl() const;  // throws callplan::Error on a moved-from set
  std::unique_ptr<const Impl> impl_;
};

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
