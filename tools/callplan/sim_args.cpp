#include "sim_args.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "model/words.hpp"
#include "plantest/instant.hpp"
#include "plantest/targets.hpp"
#include "simulate/option_text.hpp"

namespace callplan::cli {
namespace {

[[noreturn]] void fail(const detail::TargetProblem& problem) { throw Error(problem.text()); }

[[noreturn]] void fail(std::string message) { throw Error(std::move(message)); }

void parse_presence(std::string_view text, const detail::TargetCheck& check, Scenario& s) {
  for (auto [ext, state] : detail::split_presence_text(text, "--presence")) {
    if (auto problem = check.extension(ext, "--presence")) fail(*problem);
    auto presence = detail::scripted_presence(state);
    if (!presence) fail(detail::unknown_state(state, ext, "--presence"));
    s.presence.emplace_back(std::string(ext), *presence);
  }
}

void parse_answers(std::string_view text, const detail::TargetCheck& check, Scenario& s) {
  for (const detail::AnswerItem& item : detail::split_answer_text(text, "--answer")) {
    if (auto problem = check.target(item.target, "--answer")) fail(*problem);
    ScriptedAnswer& answer = s.answers.emplace_back();
    answer.target = std::string(item.target);
    answer.busy = item.busy;
    answer.after_seconds = item.after_seconds;
  }
}

}  // namespace

Scenario build_scenario(const SimulateOptions& o, const Engine& engine,
                        std::vector<std::string>& notes) {
  detail::TargetCheck check(engine);
  Scenario s;
  if (auto problem = check.caller(o.from, "--from")) fail(*problem);
  if (auto problem = check.callee(o.to, o.from, "--to")) {
    if (!problem->routable) fail(*problem);
    notes.push_back(fmt::format("{}: the call is rejected{}", problem->message,
                                problem->hint.empty() ? "" : fmt::format(" ({})", problem->hint)));
  }
  s.from = o.from;
  s.to = o.to;

  if (o.at.empty()) {
    s.at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  } else {
    std::string error;
    auto instant = detail::parse_instant(o.at, engine.timezone(), &error);
    if (!instant) fail(fmt::format("--at: {}", error));
    s.at = *instant;
  }
  parse_presence(o.presence, check, s);
  parse_answers(o.answer, check, s);
  if (!is_scripted_digits(o.digits)) {
    fail(fmt::format("--digits: `{}` may hold only 0-9, *, # and _ (no key for that prompt)",
                     o.digits));
  }
  s.digits = o.digits;
  s.hangup_after = o.hangup_after;
  s.seed = o.seed;
  return s;
}

RoutingState read_state_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(fmt::format("--state: cannot read `{}`", path));
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return RoutingState::from_json(text.str());
  } catch (const Error& e) {
    fail(fmt::format("--state: `{}` is not a routing state: {}", path, e.what()));
  }
}

void write_state_file(const std::string& path, const RoutingState& state) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << state.to_json() << '\n';
  if (!out) fail(fmt::format("--state-out: cannot write `{}`", path));
}

}  // namespace callplan::cli
