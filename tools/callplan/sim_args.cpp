#include "sim_args.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "diagnostics/make_issue.hpp"
#include "plantest/instant.hpp"
#include "plantest/targets.hpp"

namespace callplan::cli {
namespace {

// Presence states a user may name (`no_device` is derived by the engine, never scripted).
constexpr std::array<std::string_view, 4> kStates = {"available", "offline", "busy", "dnd"};

[[noreturn]] void fail(const detail::TargetProblem& problem) {
  throw Error(problem.hint.empty() ? problem.message
                                   : fmt::format("{} ({})", problem.message, problem.hint));
}

[[noreturn]] void fail(std::string message) { throw Error(std::move(message)); }

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

void parse_presence(std::string_view text, const detail::TargetCheck& check, Scenario& s) {
  for (std::string_view item : split(text, ',')) {
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      fail(fmt::format("--presence: `{}` is not EXT=STATE (e.g. 002=busy)", item));
    }
    std::string_view ext = item.substr(0, eq);
    std::string_view state = item.substr(eq + 1);
    if (auto problem = check.extension(ext, "--presence")) fail(*problem);
    auto presence = callplan::parse_presence(state);
    if (!presence || state == "no_device") {
      std::string hint = detail::did_you_mean(state, kStates);
      fail(fmt::format("--presence: unknown state `{}` for {} ({}states: available, offline, "
                       "busy, dnd)",
                       state, ext, hint.empty() ? "" : hint + " "));
    }
    s.presence.emplace_back(std::string(ext), *presence);
  }
}

void parse_answers(std::string_view text, const detail::TargetCheck& check, Scenario& s) {
  for (std::string_view item : split(text, ',')) {
    ScriptedAnswer answer;
    std::size_t at = item.find('@');
    std::size_t eq = item.find('=');
    std::string_view target;
    if (eq != std::string_view::npos && item.substr(eq + 1) == "busy") {
      target = item.substr(0, eq);
      answer.busy = true;
    } else if (at != std::string_view::npos) {
      target = item.substr(0, at);
      std::string_view secs = item.substr(at + 1);
      auto [end, ec] = std::from_chars(secs.data(), secs.data() + secs.size(), answer.after_seconds);
      if (ec != std::errc() || end != secs.data() + secs.size()) {
        fail(fmt::format("--answer: `{}` in `{}` is not a whole number of seconds", secs, item));
      }
    } else {
      fail(fmt::format("--answer: `{}` is neither X@SECONDS nor X=busy (e.g. 001@5,002=busy)",
                       item));
    }
    if (auto problem = check.target(target, "--answer")) fail(*problem);
    answer.target = std::string(target);
    s.answers.push_back(std::move(answer));
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
  if (o.digits.find_first_not_of("0123456789*#_") != std::string::npos) {
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
