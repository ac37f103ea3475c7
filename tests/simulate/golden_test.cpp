// Golden traces: one call per step kind and strategy against tests/simulate/tenants/acme.yaml.
// Each case has <name>.json (the JSON trace, SPEC 5) and <name>.txt (the text timeline) under
// tests/simulate/golden/. Regenerate after a deliberate change with
//   CALLPLAN_UPDATE_GOLDEN=1 build/<dir>/tests/callplan_simulate_tests
// and review the diff.
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "simulate/fixture.hpp"

// Cases are designated initializers that leave the defaults of `Call` alone on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace callplan::testing {
namespace {

struct GoldenCase {
  std::string name;
  Call call;
  std::string state_json;  // routing state to start from; empty: fresh
};

std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> c;
  auto add = [&](std::string name, Call call, std::string state = {}) {
    c.push_back({std::move(name), std::move(call), std::move(state)});
  };
  // SPEC 5's example: reception does not answer, the memory hunt reaches 002 at 45, who
  // answers 7 s later.
  add("spec_example", {.from = "+31612345678", .to = "+31881234567", .answer = "002@7"});
  add("closed_on_christmas", {.from = "+31612345678", .to = "+31881234567",
                              .at = "2026-12-25T10:00"});
  // SPEC 3.4's golden example, one per strategy: 001 002 003, T = 15, nobody answers.
  add("ring_all_nobody_answers", {.to = "+31881234501"});
  add("memory_hunt_nobody_answers", {.to = "+31881234502"});
  add("cascade_nobody_answers", {.to = "+31881234503"});
  add("round_robin_after_002", {.to = "+31881234504"},
      R"({"version": 1, "round_robin": {"round-robin/0": "002"}})");
  add("random_seed_7", {.to = "+31881234505", .seed = 7});
  // Availability and drop-outs.
  add("ring_all_everyone_unavailable", {.to = "+31881234501",
                                        .presence = "001=offline,002=dnd,003=busy"});
  add("ring_all_everyone_answers_busy", {.to = "+31881234501",
                                         .answer = "001=busy,002=busy,003=busy"});
  add("ring_all_answer_stops_the_others", {.to = "+31881234501", .answer = "003@4"});
  add("cascade_busy_member_moves_on", {.to = "+31881234503", .answer = "002=busy,003@5"});
  add("cascade_answer_at_timeout", {.to = "+31881234503", .answer = "001@15"});
  add("memory_hunt_skips_unavailable", {.to = "+31881234511",
                                        .presence = "002=offline,003=dnd", .answer = "004@3"});
  add("max_duration_cuts_cascade", {.to = "+31881234506"});
  add("duplicates_and_caller", {.from = "0612345678", .to = "+31881234507"});
  add("member_calls_own_group", {.from = "002", .to = "+31881234501", .answer = "001@2"});
  // Menus.
  add("menu_option", {.to = "+31881234508", .answer = "002@3", .digits = "1"});
  add("menu_voicemail_option", {.to = "+31881234508", .digits = "2"});
  add("menu_invalid_twice", {.to = "+31881234508", .digits = "79"});
  add("menu_silence", {.to = "+31881234508"});
  add("menu_silence_then_digit", {.to = "+31881234508", .answer = "002@1", .digits = "_1"});
  // Plans.
  add("loop_is_skipped", {.to = "+31881234509"});
  add("transfers_external_then_personal", {.from = "+31201112222", .to = "+31881234510",
                                           .answer = "0201234567=busy"});
  add("nested_conditions", {.to = "+31881234512", .answer = "002@6"});
  add("caller_hangs_up", {.from = "+31612345678", .to = "+31881234567", .hangup_after = 40});
  // Entry (SPEC 3.1).
  add("internal_call_default_personal_plan", {.from = "001", .to = "004"});
  add("outbound_call", {.from = "002", .to = "0612345678", .answer = "+31612345678@12"});
  add("rejected_unknown_number", {.from = "+31612345678", .to = "+31881239999"});
  add("rejected_unknown_extension", {.from = "001", .to = "099"});
  return c;
}

// gtest prints the case by name instead of its bytes.
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

class Golden : public ::testing::TestWithParam<GoldenCase> {};

void check_golden(const std::string& path, const std::string& actual) {
  const char* update = std::getenv("CALLPLAN_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream probe(path);
  ASSERT_TRUE(probe.good()) << path << " is missing; run with CALLPLAN_UPDATE_GOLDEN=1";
  EXPECT_EQ(read_text(path), actual) << "golden file " << path
                                     << " differs; if the change is deliberate, run with "
                                        "CALLPLAN_UPDATE_GOLDEN=1 and review the diff";
}

TEST_P(Golden, TraceMatchesGoldenFile) {
  const GoldenCase& gc = GetParam();
  auto engine = acme_timed();  // prompts take time (SPEC 3.9)
  ASSERT_TRUE(engine);
  RoutingState state;
  if (!gc.state_json.empty()) state = RoutingState::from_json(gc.state_json);
  Trace trace = simulate(engine, gc.call.scenario(*engine), state);
  check_golden(fixture_path("golden/" + gc.name + ".json"), trace.to_json() + "\n");
  check_golden(fixture_path("golden/" + gc.name + ".txt"), trace.to_text());

  // The fast path decides exactly the same.
  RoutingState again;
  if (!gc.state_json.empty()) again = RoutingState::from_json(gc.state_json);
  const Scenario scenario = gc.call.scenario(*engine);  // `fast.by` may view its dialled number
  CallOutcome fast = Simulator(engine).run(scenario, again);
  EXPECT_EQ(to_string(fast.disposition), to_string(trace.result.disposition));
  EXPECT_EQ(fast.t, trace.result.t);
  EXPECT_EQ(std::string(fast.by), trace.result.by);
  EXPECT_EQ(again, state);
}

INSTANTIATE_TEST_SUITE_P(Traces, Golden, ::testing::ValuesIn(golden_cases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& p) { return p.param.name; });

}  // namespace
}  // namespace callplan::testing
