// Shared by the route and simulate tests: the test tenant, compiled, and a scenario builder.
#pragma once

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "callplan/check.hpp"
#include "callplan/engine.hpp"
#include "callplan/load.hpp"
#include "callplan/prompts.hpp"
#include "callplan/simulate.hpp"

namespace callplan::testing {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string fixture_path(const std::string& relative) {
  return std::string(CALLPLAN_SOURCE_DIR) + "/tests/simulate/" + relative;
}

// Loads YAML text named `name` (so that `source` fields do not depend on where the checkout
// is), checks and compiles it; fails the test with the issues when it has errors.
// With `prompts`, the prompts are measured with it (SPEC 3.9); without, they count 0 s.
inline std::shared_ptr<const Engine> compile_yaml(const std::string& text,
                                                  const std::string& name = "tenant.yaml",
                                                  const PromptMeter* prompts = nullptr) {
  LoadResult r = load_string(text, name);
  try {
    Issues all = r.issues;
    Issues found = check(r.tenant);
    all.insert(all.end(), found.begin(), found.end());
    if (prompts != nullptr) {
      Issues measured = measure_prompts(r.tenant, *prompts);
      all.insert(all.end(), measured.begin(), measured.end());
    }
    return Engine::compile(r.tenant, all);
  } catch (const Error& e) {
    std::string all = e.what();
    for (const Issue& i : e.issues()) all += "\n  " + to_string(i);
    ADD_FAILURE() << all;
    return nullptr;
  }
}

// The engine's side of prompt lengths needs no audio: a scripted meter, like the scripted
// answers, gives the prompts of tests/simulate/tenants/acme.yaml fixed lengths. Fractions show
// the rounding up to whole seconds (docs/routing.md); a text lasts 0.4 s per word.
inline PromptMeasurement scripted_prompt_length(const PromptRequest& request) {
  PromptMeasurement m;
  if (request.kind == PromptRequest::Kind::text) {
    m.seconds = 0.4 * static_cast<double>(1 + std::count(request.value.begin(),
                                                         request.value.end(), ' '));
    return m;
  }
  if (request.value == "closed.wav") m.seconds = 4.5;
  else if (request.value == "welcome.wav") m.seconds = 6.0;
  else if (request.value == "monday-morning.wav") m.seconds = 2.2;
  else m.status = PromptMeasurement::Status::missing_file;
  return m;
}

// The test tenant with its prompts timed by scripted_prompt_length (the golden traces).
inline std::shared_ptr<const Engine> acme_timed() {
  static const PromptMeter meter = scripted_prompt_length;
  static std::shared_ptr<const Engine> engine =
      compile_yaml(read_text(fixture_path("tenants/acme.yaml")), "acme.yaml", &meter);
  return engine;
}

// The test tenant with every prompt of 0 s: the route tests, which time ring steps only.
inline std::shared_ptr<const Engine> acme() {
  static std::shared_ptr<const Engine> engine =
      compile_yaml(read_text(fixture_path("tenants/acme.yaml")), "acme.yaml");
  return engine;
}

// A scenario written like the CLI options.
struct Call {
  std::string from = "anonymous";
  std::string to;
  std::string at = "2026-11-30T10:00";  // a Monday, office hours
  std::string presence;
  std::string answer;
  std::string digits;
  std::optional<std::uint32_t> hangup_after;
  std::optional<std::uint64_t> seed;

  Scenario scenario(const Engine& engine) const {
    Scenario s;
    s.from = from;
    s.to = to;
    s.at = parse_call_instant(at, engine);
    s.presence = parse_presence_list(presence);
    s.answers = parse_answer_list(answer);
    s.digits = digits;
    s.hangup_after = hangup_after;
    s.seed = seed;
    return s;
  }
};

}  // namespace callplan::testing
