// callplan/plan_test.hpp — plan tests: expectation files that route calls and check outcomes.
//
//   callplan::PlanTestLoad load = callplan::load_plan_tests("examples/acme/tests.yaml");
//   if (!callplan::has_errors(load.issues)) {
//     callplan::PlanTestRun run = callplan::run_plan_tests(load.suite);
//     for (const callplan::PlanTestOutcome& o : run.outcomes)
//       fmt::print("{} {}\n", o.passed ? "PASS" : "FAIL", o.name);
//   }
//
// A plan-test file (SPEC section 6, docs/plan-tests.md) names a tenant (relative to the test
// file) and a list of tests; each test is one call (from, to, at), the world around it
// (presence, who answers when, digits, when the caller hangs up, seed, routing state) and the
// expected outcome (disposition, by, user, reason, the exact sequence of ring target lists,
// the end time). Problems in the file are Issues with codes CP5xx pointing at file:line:col;
// YAML syntax errors and duplicate keys reuse CP100 and CP104. Loading never throws for bad
// content; it throws callplan::Error only when the test file itself cannot be opened.
// Thread safety: independent calls may run concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "callplan/diagnostics.hpp"
#include "callplan/error.hpp"
#include "callplan/export.hpp"
#include "callplan/prompts.hpp"
#include "callplan/source.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

// `presence: {"002": busy}` — one entry.
struct PlanTestPresence {
  Located<std::string> extension;
  Located<std::string> state;  // available | offline | busy | dnd (checked when loading)
};

// `answer: {"001": 5, "0612345678": busy}` — one entry.
struct PlanTestAnswer {
  Located<std::string> target;  // extension or external number
  bool busy = false;            // rejects the leg instead of answering
  std::uint32_t after_seconds = 0;
  SourceId value_where = kNoSource;
};

// One `round_robin` position for `state:` — the ring group at step path `group` (e.g.
// "main/2") last rang `member` first / was answered by it, as the routing state records it.
struct PlanTestStateEntry {
  Located<std::string> group;   // step path of the ring group
  Located<std::string> member;  // extension or number as written in the group
};

struct PlanTestExpect {
  Located<std::string> disposition;  // answered | voicemail | hangup | unanswered | abandoned |
                                     // rejected; empty when not given
  Located<std::string> by;           // answered: who
  Located<std::string> user;         // voicemail: whose mailbox
  Located<std::string> reason;       // rejected: the reason text (substring match)
  std::optional<std::vector<std::vector<std::string>>> rings;  // each `ring` event's targets
  SourceId rings_where = kNoSource;
  std::optional<Located<std::uint32_t>> t;  // seconds when the call ended
  SourceId where = kNoSource;
};

struct PlanTest {
  Located<std::string> name;
  Located<std::string> from{"anonymous"};  // external number or extension
  Located<std::string> to;
  Located<std::string> at;  // ISO 8601 as written; empty: the run's default instant
  std::vector<PlanTestPresence> presence;
  std::vector<PlanTestAnswer> answer;
  Located<std::string> digits;
  std::optional<Located<std::uint32_t>> hangup_after;
  Located<std::uint64_t> seed{0};
  std::vector<PlanTestStateEntry> state;  // routing state to start from (round-robin)
  PlanTestExpect expect;
  SourceId where = kNoSource;  // the test's map
};

struct PlanTestSuite {
  std::string path;                 // the test file, as named
  Located<std::string> tenant;      // as written
  std::string tenant_path;          // resolved relative to the test file's directory
  std::vector<PlanTest> tests;
  SourceMap sources;                // locations in the test file
};

struct PlanTestLoad {
  PlanTestSuite suite;
  Issues issues;  // CP100, CP104, CP50x
};

// Reads a plan-test file. Throws callplan::Error when `path` cannot be read.
PlanTestLoad load_plan_tests(const std::string& path);

// Reads a plan-test file from memory; `name` is the file name in locations and the base for
// the relative tenant path.
PlanTestLoad load_plan_tests_string(std::string_view text, std::string name = "<string>");

// The result of one test.
struct PlanTestOutcome {
  std::string name;
  Location location;                 // where the test was written
  bool passed = false;
  std::vector<std::string> differences;  // "disposition: expected voicemail, got answered"
  std::string trace_text;            // the readable trace of the call (empty when not routed)
  double seconds = 0;                // wall-clock time the test took
};

struct PlanTestRun {
  Issues issues;  // the tenant's problems (CP504 + its diagnostics), CP503 unknown targets
  std::vector<PlanTestOutcome> outcomes;
  std::size_t passed() const;
  std::size_t failed() const;
};

// Loads and checks the suite's tenant, compiles it and routes every test. A tenant with errors
// gives a CP504 issue plus the tenant's own diagnostics and no outcomes; a test with unknown
// targets (CP503) is reported as an issue and as a failed outcome. Never throws for bad
// content. `prompts` (not owned; nullptr: every prompt counts 0 s) measures the tenant's
// prompts, so that the tests see the timeline of real calls (SPEC 3.9; prompts.hpp).
PlanTestRun run_plan_tests(const PlanTestSuite& suite, const PromptMeter* prompts = nullptr);

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
