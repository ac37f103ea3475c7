// callplan/simulate.hpp — route one call on a virtual clock against a scripted world.
//
//   auto engine = callplan::Engine::compile(tenant);
//   callplan::Scenario s;
//   s.from = "+31612345678";
//   s.to = "+31881234567";
//   s.at = callplan::parse_call_instant("2026-11-30T10:00", *engine);
//   s.presence = callplan::parse_presence_list("002=busy");
//   s.answers = callplan::parse_answer_list("003@5");
//   callplan::RoutingState state;
//   callplan::Trace trace = callplan::simulate(engine, s, state);
//   fmt::print("{}\n", trace.to_json());
//
// The simulator is a host of CallSession like the SIP server: it carries out actions and
// reports the scripted events, and decides nothing about routing. Scripted timing (see
// docs/routing.md): `X@S` answers S seconds after X starts ringing, each time it starts
// ringing; `X=busy` rejects at once; digits are pressed as soon as a menu prompt plays, one per
// prompt ('_' presses nothing for that prompt); announcements and prompts take no time.
//
// Thread safety: a Simulator is used by one thread at a time; several may share an Engine.
// The RoutingState is read and written (round-robin positions, random state).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callplan/engine.hpp"
#include "callplan/export.hpp"
#include "callplan/session.hpp"
#include "callplan/trace.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

// `--answer X@S` or `X=busy`.
struct ScriptedAnswer {
  std::string target;           // extension, or external number (any form of it)
  bool busy = false;            // rejects instead of answering
  std::uint32_t after_seconds = 0;
};

struct Scenario {
  std::string from = "anonymous";  // external number, extension, or device id
  std::string to;                  // tenant number, extension or external number
  Instant at{};
  std::vector<std::pair<std::string, Presence>> presence;  // extension -> state
  std::vector<ScriptedAnswer> answers;
  std::string digits;                       // one per menu prompt; '_' = none
  std::optional<std::uint32_t> hangup_after;  // the caller gives up after S seconds
  std::optional<std::uint64_t> seed;        // restarts state.random_state() when set
};

// "002=busy,003=dnd" -> pairs; states available, offline, busy, dnd (no_device is derived from
// the tenant, never scripted). Throws callplan::Error naming the bad item.
std::vector<std::pair<std::string, Presence>> parse_presence_list(std::string_view text);
// "001@5,0612345678=busy" -> answers. Throws callplan::Error naming the bad item.
std::vector<ScriptedAnswer> parse_answer_list(std::string_view text);
// ISO 8601; without an offset, local time in the engine's zone. Throws callplan::Error.
Instant parse_call_instant(std::string_view text, const Engine& engine);

class Simulator {
 public:
  // Throws callplan::Error when `engine` is null.
  explicit Simulator(std::shared_ptr<const Engine> engine);
  ~Simulator();
  Simulator(Simulator&&) noexcept;
  Simulator& operator=(Simulator&&) noexcept;

  // Routes the call and records the full trace. Throws callplan::Error when the scenario
  // names a presence for an extension the tenant does not have, or has an invalid digit.
  Trace trace(const Scenario& scenario, RoutingState& state);

  // The fast path: the same routing, no trace. In steady state (a reused Simulator, scenarios
  // of similar size) it does not allocate. The outcome's strings view into the engine.
  CallOutcome run(const Scenario& scenario, RoutingState& state);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot helpers.
Trace simulate(std::shared_ptr<const Engine> engine, const Scenario& scenario,
               RoutingState& state);
CallOutcome simulate_outcome(std::shared_ptr<const Engine> engine, const Scenario& scenario,
                             RoutingState& state);

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
