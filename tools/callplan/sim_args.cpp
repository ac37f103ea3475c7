#include "sim_args.hpp"

#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "scenario/call_scenario.hpp"

namespace callplan::cli {
namespace {

[[noreturn]] void fail(std::string message) { throw Error(std::move(message)); }

}  // namespace

Scenario build_scenario(const SimulateOptions& o, const Engine& engine,
                        std::vector<std::string>& notes) {
  detail::ScenarioBuilder build(engine, detail::kCliNames);
  Scenario s;
  if (auto problem = build.call(s, o.from, o.to)) {
    notes.push_back(fmt::format("{}: the call is rejected{}", problem->message,
                                problem->hint.empty() ? "" : fmt::format(" ({})", problem->hint)));
  }
  build.at(s, o.at);
  build.presence_text(s, o.presence);
  build.answer_text(s, o.answer);
  build.digits(s, o.digits);
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
