// Internal to diff: time slices of the window, and describing sets of them for people.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <date/tz.h>

#include "callplan/schedule.hpp"

namespace callplan::diff_detail {

using Span = std::pair<Instant, Instant>;  // [first, second)

// The slices of [from, to): split at every local midnight of `zone` and at every instant a
// schedule of either set changes. Within a slice every time condition gives one answer.
std::vector<Span> time_slices(const std::vector<const ScheduleSet*>& sets, Instant from,
                              Instant to, const date::time_zone& zone);

// "2026-11-30T17:30:00+01:00"
std::string iso_local(Instant at, const date::time_zone& zone);
// "Mon 2026-11-30 00:00"
std::string readable_local(Instant at, const date::time_zone& zone);

// Adjacent spans merged: the intervals of a change.
std::vector<Span> merge_adjacent(const std::vector<Span>& spans);

// "Mon–Fri 17:30–24:00; Sat–Sun all day". Days are weekday names when the window is at most
// a week (each weekday occurs once), else dates.
std::string describe_when(const std::vector<Span>& spans, const date::time_zone& zone,
                          bool weekday_names);

}  // namespace callplan::diff_detail
