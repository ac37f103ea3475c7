// Building a simulated call (a Scenario) from what a user wrote, checked against a compiled
// tenant: the one place where `callplan simulate` options, Python's simulate()/simulate_many()
// arguments, plan tests and the library's text forms become a Scenario. Internal to callplan.
//
// Every host names the call's fields in its own words (the CLI "--presence", Python
// "presence"), so the builder takes the names and puts them in its messages; the rules, the
// order of the checks and the rest of each message are the same for every host.
//
//   detail::ScenarioBuilder build(*engine, detail::kCliNames);
//   Scenario s;
//   if (auto note = build.call(s, "anonymous", "+31881234567")) warn(note->text());
//   build.at(s, "2026-11-30T10:00");
//   build.presence_text(s, "002=busy");
//   build.digits(s, "1_#");
//
// Plan tests check the same targets through TargetCheck (scenario/targets.hpp) and report each
// problem as an Issue at the place it was written instead of throwing.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "callplan/engine.hpp"
#include "callplan/simulate.hpp"
#include "schedule/instant.hpp"
#include "scenario/targets.hpp"

namespace callplan::detail {

// How a host names the fields of a call in its messages.
struct ScenarioNames {
  std::string_view from;
  std::string_view to;
  std::string_view at;
  std::string_view presence;
  std::string_view answer;
  std::string_view digits;
};

inline constexpr ScenarioNames kCliNames{"--from",     "--to",     "--at",
                                         "--presence", "--answer", "--digits"};
inline constexpr ScenarioNames kPythonNames{"from_",    "to",     "at",
                                            "presence", "answer", "digits"};
// Plan tests (docs/plan-tests.md) name the fields as written in the test file.
inline constexpr ScenarioNames kPlanTestNames{"`call.from`", "`call.to`", "`call.at`",
                                              "`presence`",  "`answer`",  "`digits`"};

// Checks the parts of one call against `engine` and writes them into a Scenario. Every member
// throws callplan::Error with the host's field name, the bad value and a hint ("--presence: no
// user has extension `09` (did you mean `009`?)"); `s` is then partly written and should be
// dropped. The builder keeps a reference to `engine` (which must outlive it) and an index of
// its extensions; it is cheap to reuse for many calls. Not thread-safe to share while one
// thread builds (it is const, but the Scenario is not): use one Scenario per thread.
class ScenarioBuilder {
 public:
  ScenarioBuilder(const Engine& engine, const ScenarioNames& names);

  const TargetCheck& check() const { return check_; }
  const ScenarioNames& names() const { return names_; }

  // Sets s.from and s.to. `from`: "anonymous", an external number, an extension or a device
  // id. `to`: a tenant number, an extension, or (from a user or device) an external number.
  // A well-formed number or extension the tenant does not have is still set: the engine
  // rejects the call (SPEC 3.1), and the problem is returned (`routable` is true) so the host
  // can say why; anything else throws.
  std::optional<TargetProblem> call(Scenario& s, std::string_view from, std::string_view to) const;

  // Sets s.at. Empty `text`: now (to the second). Otherwise ISO 8601 (kInstantForms), read in
  // the tenant's zone next to a clock change as `fold` says.
  void at(Scenario& s, std::string_view text, Fold fold = Fold::before) const;

  // Appends one presence entry: `extension` must be a user's, `state` a scripted presence
  // word (available, offline, busy, dnd; never no_device, which the engine derives from the
  // tenant).
  void presence(Scenario& s, std::string_view extension, std::string_view state) const;
  // "002=busy,003=dnd" (the CLI text form), item by item as presence().
  void presence_text(Scenario& s, std::string_view text) const;

  // Appends one scripted answer: `target` a user's extension or an external number; `busy`
  // rejects, otherwise it answers `after_seconds` after it starts ringing.
  void answer(Scenario& s, std::string_view target, bool busy, std::uint32_t after_seconds) const;
  // "001@5,002=busy" (the CLI text form), item by item as answer().
  void answer_text(Scenario& s, std::string_view text) const;

  // Sets s.digits: one entry per menu prompt, a DTMF key or `_` for none.
  void digits(Scenario& s, std::string_view digits) const;

 private:
  TargetCheck check_;
  std::string_view zone_;
  ScenarioNames names_;
};

// The message for digits that are not DTMF keys or `_`: "<what>: `1a` may hold only 0-9, *, #
// and _ (no key for that prompt)".
std::string bad_digits_message(std::string_view digits, std::string_view what);

}  // namespace callplan::detail
