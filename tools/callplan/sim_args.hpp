// Turning `callplan simulate` options into a Scenario, checked against the compiled tenant so
// that every mistake gets one message naming the option, the bad item and a hint.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "callplan/engine.hpp"
#include "callplan/simulate.hpp"

namespace callplan::cli {

struct SimulateOptions {
  std::string tenant;
  std::string from = "anonymous";
  std::string to;
  std::string at;  // empty: now
  std::string presence;
  std::string answer;
  std::string digits;
  std::optional<std::uint32_t> hangup_after;
  std::optional<std::uint64_t> seed;
  std::string state_in;
  std::string state_out;
  std::string format = "text";
};

// The scenario for `options`. Throws callplan::Error with a message such as
// "--presence: no user has extension `09` (did you mean `009`?)" on bad input. A well-formed
// --to the tenant does not have is routed (the engine rejects it, SPEC 3.1); the note saying
// so, with its "did you mean" hint, goes to `notes`.
Scenario build_scenario(const SimulateOptions& options, const Engine& engine,
                        std::vector<std::string>& notes);

// The routing state in `path` (RoutingState JSON). Throws callplan::Error when the file cannot
// be read or is not a routing state.
RoutingState read_state_file(const std::string& path);

// Writes state.to_json() to `path`. Throws callplan::Error when it cannot.
void write_state_file(const std::string& path, const RoutingState& state);

}  // namespace callplan::cli
