// tests/support/reference_router.hpp — a deliberately naive reference router for tests.
//
// It implements SPEC sections 3 (routing semantics) and 5 (traces) directly on the model
// (callplan/model.hpp), simulating the call second by second on a virtual clock. It is slow
// and simple on purpose: property tests compare the engine's simulator against it on
// generated tenants and worlds, so it must be obviously correct rather than fast. It shares
// no code with src/route or src/simulate. Where the SPEC is ambiguous, the reading chosen is
// written at the top of reference_router.cpp.
//
//   callplan::reference::Scenario s;
//   s.to = "+31881234567";
//   s.at = callplan::Instant{std::chrono::seconds{1764493200}};
//   s.answers["002"] = callplan::reference::Answer::after(7);
//   callplan::reference::RoundRobinState rr;
//   nlohmann::json trace = callplan::reference::route(
//       tenant, callplan::reference::schedule_matcher(schedules), s, rr);
//
// The tenant must pass the checker (unknown plans, users and schedules throw
// std::invalid_argument here instead of being reported). Not thread-safe per RoundRobinState;
// otherwise pure.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "callplan/model.hpp"
#include "callplan/schedule.hpp"

namespace callplan::reference {

// Presence of a user (all its devices): SPEC 5 `--presence`.
enum class Presence : std::uint8_t { available, offline, busy, dnd };

std::string_view to_string(Presence p);

// How a ringing target reacts: answers `seconds` after it starts ringing, or rejects busy.
struct Answer {
  bool busy = false;
  std::uint32_t seconds = 0;

  static Answer after(std::uint32_t s) { return Answer{false, s}; }
  static Answer reject_busy() { return Answer{true, 0}; }
  friend bool operator==(const Answer&, const Answer&) = default;
};

// One simulated call: SPEC 5 options.
struct Scenario {
  std::string from = "anonymous";  // external number, "anonymous", or an extension
  std::string to;                  // tenant number, extension, or external number
  Instant at{};                    // when the call starts
  std::map<std::string, Presence> presence;  // by extension; default available
  std::map<std::string, Answer> answers;     // by extension or external number as written
  std::string digits;                        // one per menu prompt, in order
  std::optional<std::uint32_t> hangup_after;  // the caller gives up after this many seconds
};

// Round-robin positions, per ring group, keyed by the ring group's step path ("main/2"):
// the index in placement order of the member the next call starts with.
using RoundRobinState = std::map<std::string, std::size_t>;

// Does schedule `name` (a tenant.schedules name, or an inline schedule's step path) match?
using ScheduleMatcher = std::function<bool(std::string_view name, Instant at)>;

// A matcher backed by the library's schedule evaluator. `schedules` must outlive it.
inline ScheduleMatcher schedule_matcher(const ScheduleSet& schedules) {
  return [&schedules](std::string_view name, Instant at) {
    std::optional<ScheduleIndex> index = schedules.find(name);
    if (!index) throw std::invalid_argument("reference router: unknown schedule " +
                                            std::string(name));
    return schedules.matches(*index, at);
  };
}

// Alternative readings of points the SPEC leaves open (see R9 and R10 in
// reference_router.cpp). The defaults are the reference's own reading; a test that compares
// with an implementation that reads them differently opts into the other reading explicitly.
struct Readings {
  // R9: after an answer, the other legs still ringing get a `stop` {answered_elsewhere} right
  // after the `answer` event. Default off: the SPEC 5 example shows no such event.
  bool stop_answered_elsewhere = false;
  // R10: when max_duration falls in the second the group's last turn times out (the cap did
  // not shorten the group), the legs stop with reason `timeout`; a cap that cuts the group
  // short still says `max_duration`. Default off: `max_duration` whenever the cap is reached.
  bool timeout_wins_cap_tie = false;
  // R11: the round-robin position is remembered as a member *name*, so with a member listed
  // twice the next call starts after the name's first listing. Default off: by placement index.
  bool round_robin_position_by_name = false;
};

// Routes one call and returns the SPEC 5 JSON trace ({"call", "events", "result"}). Updates
// `round_robin` for every round-robin group the call reached. Throws std::invalid_argument for
// a tenant the checker would reject (dangling references) and for `random` ring groups (their
// order depends on the engine's generator, which the reference does not model).
nlohmann::json route(const Tenant& tenant, const ScheduleMatcher& schedules,
                     const Scenario& scenario, RoundRobinState& round_robin,
                     const Readings& readings = {});

// The plan id the trace uses for a user's default personal plan (SPEC 3.2).
std::string default_personal_plan_id(std::string_view extension);

// Maximum number of plans one call may enter (SPEC 3.7).
inline constexpr std::size_t kMaxPlansPerCall = 16;

}  // namespace callplan::reference
