// Parsing the ISO 8601 instants users write for calls (`--at`, `call.at` in plan tests, `at=`
// in Python) and writing them back in a tenant's zone (the trace's `call.at`). Internal to
// callplan. Here, beside the schedules' time zones, because both the simulator (below the
// call-scenario module) and the scenario module (src/scenario) need it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "callplan/schedule.hpp"

namespace callplan::detail {

// The forms accepted, in words, for error messages.
inline constexpr std::string_view kInstantForms =
    "YYYY-MM-DDTHH:MM[:SS] (local time in the tenant's zone) or with an offset, "
    "e.g. 2026-11-30T10:00+01:00 or 2026-11-30T09:00Z";

// Is `text` one of the accepted forms (syntax and calendar only)?
bool valid_instant_syntax(std::string_view text);

// Which UTC offset a local time next to a clock change is read with, as Python's
// datetime.fold says (PEP 495): `before` the change (fold=0: the earlier of a repeated time;
// in a gap, the time moves forward past it) or `after` it (fold=1: the later of a repeated
// time; in a gap, it moves back before it). Text (`--at`, `call.at`) always means `before`.
enum class Fold { before, after };

// `text` as an instant. Without an offset it is local wall-clock time in `zone` (an IANA
// name), next to a clock change read as `fold` says. std::nullopt with `error` set when the
// text or the zone is invalid.
std::optional<Instant> parse_instant(std::string_view text, std::string_view zone,
                                     std::string* error = nullptr, Fold fold = Fold::before);

// The instant as ISO 8601 local time in `zone` with its offset: "2026-11-30T10:00:00+01:00".
// Falls back to UTC ("...Z") when the zone is unknown.
std::string format_instant(Instant at, std::string_view zone);

}  // namespace callplan::detail
