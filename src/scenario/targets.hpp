// Checking the extensions and numbers a user names for a simulated call (`callplan simulate`
// options, plan-test fields, Python arguments) against a compiled tenant, with "did you mean"
// hints. Part of the call-scenario module (src/scenario, see call_scenario.hpp). Internal.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "callplan/engine.hpp"
#include "callplan/session.hpp"

namespace callplan::detail {

struct TargetProblem {
  std::string message;  // names `what` and the value
  std::string hint;     // may be empty
  // The engine can still route the call: a well-formed extension or number the tenant does
  // not have, which SPEC 3.1 rejects (`rejected`, unknown_number). A simulation routes it
  // and says why; a plan test that does not expect the rejection reports it as a typo.
  bool routable = false;

  // "message (hint)", or the message alone: what the CLI and Python report.
  std::string text() const;
};

// A presence state a simulation may script: available, offline, busy or dnd (no_device is
// derived by the engine from the user's devices, never scripted). std::nullopt otherwise.
std::optional<Presence> scripted_presence(std::string_view state);
// The problem with such a state for `extension`, with a "did you mean" and the states.
TargetProblem unknown_state(std::string_view state, std::string_view extension,
                            std::string_view what);

// Digits with an optional leading '+', longer than an extension: an external number.
bool looks_like_external_number(std::string_view text);

class TargetCheck {
 public:
  explicit TargetCheck(const Engine& engine);

  // A user's extension.
  std::optional<TargetProblem> extension(std::string_view text, std::string_view what) const;
  // An extension or an external number (something that can be rung or answer).
  std::optional<TargetProblem> target(std::string_view text, std::string_view what) const;
  // The caller: "anonymous", an external number, an extension or a device id.
  std::optional<TargetProblem> caller(std::string_view text, std::string_view what) const;
  // The dialled number: a tenant number, an extension, or (from a user or device) an external
  // number. Any other well-formed number or extension is a `routable` problem.
  std::optional<TargetProblem> callee(std::string_view to, std::string_view from,
                                      std::string_view what) const;

 private:
  TargetProblem unknown_extension(std::string_view text, std::string_view what) const;
  const Engine& engine_;
  std::vector<std::string_view> extensions_;
};

}  // namespace callplan::detail
