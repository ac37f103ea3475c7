#include "scenario/call_scenario.hpp"

#include <chrono>
#include <string>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "model/words.hpp"
#include "scenario/call_text.hpp"

namespace callplan::detail {
namespace {

[[noreturn]] void fail(const TargetProblem& problem) { throw Error(problem.text()); }

}  // namespace

ScenarioBuilder::ScenarioBuilder(const Engine& engine, const ScenarioNames& names)
    : check_(engine), zone_(engine.timezone()), names_(names) {}

std::optional<TargetProblem> ScenarioBuilder::call(Scenario& s, std::string_view from,
                                                   std::string_view to) const {
  if (auto problem = check_.caller(from, names_.from)) fail(*problem);
  auto problem = check_.callee(to, from, names_.to);
  if (problem && !problem->routable) fail(*problem);
  s.from.assign(from);
  s.to.assign(to);
  return problem;
}

void ScenarioBuilder::at(Scenario& s, std::string_view text, Fold fold) const {
  if (text.empty()) {
    s.at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return;
  }
  std::string error;
  auto instant = parse_instant(text, zone_, &error, fold);
  if (!instant) throw Error(fmt::format("{}: {}", names_.at, error));
  s.at = *instant;
}

void ScenarioBuilder::presence(Scenario& s, std::string_view extension,
                               std::string_view state) const {
  if (auto problem = check_.extension(extension, names_.presence)) fail(*problem);
  auto presence = scripted_presence(state);
  if (!presence) fail(unknown_state(state, extension, names_.presence));
  s.presence.emplace_back(std::string(extension), *presence);
}

void ScenarioBuilder::presence_text(Scenario& s, std::string_view text) const {
  for (auto [extension, state] : split_presence_text(text, names_.presence)) {
    presence(s, extension, state);
  }
}

void ScenarioBuilder::answer(Scenario& s, std::string_view target, bool busy,
                             std::uint32_t after_seconds) const {
  if (auto problem = check_.target(target, names_.answer)) fail(*problem);
  ScriptedAnswer& a = s.answers.emplace_back();
  a.target.assign(target);
  a.busy = busy;
  a.after_seconds = after_seconds;
}

void ScenarioBuilder::answer_text(Scenario& s, std::string_view text) const {
  for (const AnswerItem& item : split_answer_text(text, names_.answer)) {
    answer(s, item.target, item.busy, item.after_seconds);
  }
}

void ScenarioBuilder::digits(Scenario& s, std::string_view digits) const {
  if (!is_scripted_digits(digits)) throw Error(bad_digits_message(digits, names_.digits));
  s.digits.assign(digits);
}

std::string bad_digits_message(std::string_view digits, std::string_view what) {
  return fmt::format("{}: `{}` may hold only 0-9, *, # and _ (no key for that prompt)", what,
                     digits);
}

}  // namespace callplan::detail
