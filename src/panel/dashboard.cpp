#include "panel/dashboard.hpp"

#include <sstream>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "callplan/engine.hpp"
#include "callplan/simulate.hpp"
#include "panel/model_json.hpp"

namespace callplan::panel {
namespace {

using nlohmann::json;

// The trace's event lines ("0s  ring 001 for 30 s ...") and its result line.
json number_now(const std::shared_ptr<const Engine>& engine, const Number& n, Instant now) {
  Scenario s;
  s.to = n.number.value;
  s.at = now;
  s.seed = 0;
  RoutingState state;
  const Trace trace = simulate(engine, s, state);
  std::istringstream text(trace.to_text());
  json steps = json::array();
  std::string result, line;
  bool first = true;
  while (std::getline(text, line)) {
    if (first) {  // "call from anonymous to ... at ...": the screen says it in its own words
      first = false;
      continue;
    }
    if (line.rfind("result: ", 0) == 0) result = line.substr(8);
    else if (!line.empty()) steps.push_back(line);
  }
  return {{"number", n.number.value}, {"label", n.label}, {"plan", n.plan.value},
          {"result", result}, {"trace", steps}};
}

}  // namespace

std::string screen_of(const Issue& issue) {
  const std::string& file = issue.location.file;
  const std::string& code = issue.code;
  auto in = [&](const char* word) { return file.find(word) != std::string::npos; };
  // A schedule's own problems (CP3xx: zones, windows, except cycles; CP110-CP113: times, dates,
  // weekdays, yearly days) are fixed on its screen.
  if (code.rfind("CP3", 0) == 0 || code == "CP110" || code == "CP111" || code == "CP112" ||
      code == "CP113" || in("schedule"))
    return "schedules";
  if (in("plan") || in("menu")) return "plans";
  if (in("device")) return "users";
  if (in("user")) return "users";
  // A single-file tenant: by what the message is about.
  const std::string& m = issue.message;
  if (m.find("device") != std::string::npos || m.find("user") != std::string::npos ||
      m.find("extension") != std::string::npos)
    return "users";
  if (m.find("plan") != std::string::npos || m.find("step") != std::string::npos ||
      m.find("schedule") != std::string::npos)
    return "plans";
  return "";
}

json dashboard_json(const Workspace& workspace, const std::optional<std::set<std::string>>& registered,
                    Instant now) {
  const CheckedTenant& t = workspace.current();
  json issues = json::array();
  for (const Issue& i : t.issues) {
    json j = issue_json(i);
    j["screen"] = screen_of(i);
    issues.push_back(std::move(j));
  }
  json numbers = json::array();
  if (!has_errors(t.issues)) {
    const auto engine = Engine::compile(t.tenant);
    for (const Number& n : t.tenant.numbers) numbers.push_back(number_now(engine, n, now));
  }
  json devices = json::array();
  std::size_t online = 0;
  for (const Device& d : t.tenant.devices) {
    json j = {{"id", d.id.value}, {"name", d.name}, {"user", d.user.value},
              {"sip_username", d.sip.username.value}};
    if (registered) {
      const bool on = registered->count(d.sip.username.value) > 0;
      online += on;
      j["registered"] = on;
    } else {
      j["registered"] = nullptr;
    }
    devices.push_back(std::move(j));
  }
  json counts = {{"users", t.tenant.users.size()},     {"devices", t.tenant.devices.size()},
                 {"numbers", t.tenant.numbers.size()}, {"plans", t.tenant.plans.size()},
                 {"errors", count(t.issues, Severity::error)},
                 {"warnings", count(t.issues, Severity::warning)}};
  if (registered) counts["registered"] = online;
  return {{"version", workspace.version()},
          {"counts", counts},
          {"issues", issues},
          {"numbers_now", numbers},
          {"now", fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", now)},
          {"serve", registered.has_value()},
          {"devices", devices}};
}

}  // namespace callplan::panel
