// Runs a loaded plan-test suite: the tenant is loaded, checked and compiled once, then every
// test is one simulated call (src/simulate) whose trace is compared with the expectations.
// The runner is a host like the CLI: it decides nothing about routing.
#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "callplan/check.hpp"
#include "callplan/engine.hpp"
#include "callplan/plan_test.hpp"
#include "callplan/simulate.hpp"
#include "diagnostics/make_issue.hpp"
#include "scenario/call_scenario.hpp"

namespace callplan {
namespace {

std::string show_rings(const std::vector<std::vector<std::string>>& rings) {
  std::vector<std::string> parts;
  for (const auto& ring : rings) parts.push_back(fmt::format("[{}]", fmt::join(ring, " ")));
  return fmt::format("[{}]", fmt::join(parts, ", "));
}

class Runner {
 public:
  Runner(const PlanTestSuite& suite, PlanTestRun& run, const PromptMeter* prompts)
      : suite_(suite), run_(run), prompts_(prompts) {}

  void run() {
    if (!prepare()) return;
    Simulator simulator(engine_);
    for (const PlanTest& test : suite_.tests) {
      auto started = std::chrono::steady_clock::now();
      PlanTestOutcome outcome;
      outcome.name = test.name.value;
      outcome.location = suite_.sources.location(test.where);
      run_one(simulator, test, outcome);
      outcome.passed = outcome.differences.empty();
      outcome.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      run_.outcomes.push_back(std::move(outcome));
    }
  }

 private:
  Location at(SourceId id) const { return suite_.sources.location(id); }

  bool prepare() {
    const Location where = at(suite_.tenant.where);
    if (suite_.tenant_path.empty()) {
      run_.issues.push_back(
          detail::make_issue("CP504", "the test file names no tenant", where));
      return false;
    }
    CheckedTenant tenant;
    try {
      tenant = load_and_check(suite_.tenant_path, {.prompts = prompts_});
    } catch (const Error& e) {
      Issue& i = run_.issues.emplace_back(detail::make_issue(
          "CP504", fmt::format("cannot read the tenant `{}`: {}", suite_.tenant_path, e.what()),
          where));
      i.hints.push_back("`tenant` is relative to the directory of the test file");
      return false;
    }
    if (has_errors(tenant.issues)) {
      run_.issues.push_back(detail::make_issue(
          "CP504",
          fmt::format("the tenant `{}` has {} error(s); fix them before running plan tests",
                      suite_.tenant_path, count(tenant.issues, Severity::error)),
          where));
      for (const Issue& i : tenant.issues)
        if (i.severity == Severity::error) run_.issues.push_back(i);
      return false;
    }
    try {
      engine_ = Engine::compile(tenant.tenant, tenant.issues);
      build_.emplace(*engine_, detail::kPlanTestNames);
    } catch (const Error& e) {
      run_.issues.push_back(detail::make_issue(
          "CP504", fmt::format("the tenant `{}` does not compile: {}", suite_.tenant_path, e.what()),
          where));
      return false;
    }
    return true;
  }

  // Unknown extensions and numbers in the test (CP503). Returns false when the test cannot run.
  bool validate(const PlanTest& test, PlanTestOutcome& outcome) {
    std::size_t before = run_.issues.size();
    const detail::TargetCheck& check = build_->check();
    auto report = [&](const std::optional<detail::TargetProblem>& problem, SourceId where) {
      if (!problem) return;
      Issue& i = run_.issues.emplace_back(detail::make_issue("CP503", problem->message, at(where)));
      if (!problem->hint.empty()) i.hints.push_back(problem->hint);
    };
    report(check.caller(test.from.value, "`call.from`"), test.from.where);
    bool expects_reject = test.expect.disposition.value == "rejected";
    if (!expects_reject) report(check.callee(test.to.value, test.from.value, "`call.to`"), test.to.where);
    for (const PlanTestPresence& p : test.presence)
      report(check.extension(p.extension.value, "`presence`"), p.extension.where);
    for (const PlanTestAnswer& a : test.answer)
      report(check.target(a.target.value, "`answer`"), a.target.where);
    if (test.expect.by.given())
      report(check.target(test.expect.by.value, "`expect.by`"), test.expect.by.where);
    if (test.expect.user.given())
      report(check.extension(test.expect.user.value, "`expect.user`"), test.expect.user.where);
    for (std::size_t i = before; i < run_.issues.size(); ++i) {
      outcome.differences.push_back(fmt::format("not run: {}", run_.issues[i].message));
    }
    return run_.issues.size() == before;
  }

  void run_one(Simulator& simulator, const PlanTest& test, PlanTestOutcome& outcome) {
    if (!validate(test, outcome)) return;

    // The call is built as the CLI and Python build theirs (src/scenario); a problem the
    // checks above could not place (a bad `call.at`) means the test is not run.
    Scenario scenario;
    try {
      if (test.expect.disposition.value == "rejected") {
        // Any `to`: the test expects the engine to refuse the call (SPEC 3.1).
        scenario.from = test.from.value;
        scenario.to = test.to.value;
      } else {
        build_->call(scenario, test.from.value, test.to.value);
      }
      build_->at(scenario, test.at.value);
      for (const PlanTestPresence& p : test.presence) {
        build_->presence(scenario, p.extension.value, p.state.value);
      }
      for (const PlanTestAnswer& a : test.answer) {
        build_->answer(scenario, a.target.value, a.busy, a.after_seconds);
      }
      build_->digits(scenario, test.digits.value);
    } catch (const Error& e) {
      outcome.differences.push_back(fmt::format("not run: {}", e.what()));
      return;
    }
    if (test.hangup_after) scenario.hangup_after = test.hangup_after->value;
    scenario.seed = test.seed.value;

    // Every test starts from its own state, so tests do not depend on each other's order.
    RoutingState state(test.seed.value);
    for (const PlanTestStateEntry& e : test.state) state.set_round_robin(e.group.value, e.member.value);

    Trace trace;
    try {
      trace = simulator.trace(scenario, state);
    } catch (const Error& e) {
      outcome.differences.push_back(fmt::format("not run: {}", e.what()));
      return;
    }
    outcome.trace_text = trace.to_text();
    compare(test.expect, trace, outcome.differences);
  }

  bool same_target(std::string_view expected, std::string_view got) const {
    return expected == got ||
           (!got.empty() && engine_->normalise_number(expected) == engine_->normalise_number(got));
  }

  void compare(const PlanTestExpect& expect, const Trace& trace,
               std::vector<std::string>& differences) const {
    const TraceResult& result = trace.result;
    std::string got_disposition(to_string(result.disposition));
    auto got_summary = [&] {
      switch (result.disposition) {
        case Disposition::answered: return fmt::format("{} by {}", got_disposition, result.by);
        case Disposition::voicemail: return fmt::format("{} of {}", got_disposition, result.user);
        case Disposition::rejected:
          return fmt::format("{} ({})", got_disposition, result.reason);
        default: return got_disposition;
      }
    };
    if (expect.disposition.given() && expect.disposition.value != got_disposition) {
      differences.push_back(fmt::format("disposition: expected {}, got {} at t={}",
                                        expect.disposition.value, got_summary(), result.t));
    }
    if (expect.by.given() && !same_target(expect.by.value, result.by)) {
      differences.push_back(fmt::format("by: expected {}, got {}", expect.by.value,
                                        result.by.empty() ? got_summary() : result.by));
    }
    if (expect.user.given() && expect.user.value != result.user) {
      differences.push_back(fmt::format("user: expected {}, got {}", expect.user.value,
                                        result.user.empty() ? got_summary() : result.user));
    }
    if (expect.reason.given() && result.reason.find(expect.reason.value) == std::string::npos) {
      differences.push_back(fmt::format("reason: expected {}, got {}", expect.reason.value,
                                        result.reason.empty() ? got_summary() : result.reason));
    }
    if (expect.rings) {
      auto rings = trace.rings();
      if (rings != *expect.rings) {
        differences.push_back(fmt::format("rings: expected {}, got {}", show_rings(*expect.rings),
                                          show_rings(rings)));
      }
    }
    if (expect.t && expect.t->value != result.t) {
      differences.push_back(fmt::format("t: expected {}, got {}", expect.t->value, result.t));
    }
  }

  const PlanTestSuite& suite_;
  PlanTestRun& run_;
  const PromptMeter* prompts_;
  std::shared_ptr<const Engine> engine_;
  std::optional<detail::ScenarioBuilder> build_;  // of engine_, once it is compiled
};

}  // namespace

std::size_t PlanTestRun::passed() const {
  return static_cast<std::size_t>(std::count_if(outcomes.begin(), outcomes.end(),
                                                [](const PlanTestOutcome& o) { return o.passed; }));
}

std::size_t PlanTestRun::failed() const { return outcomes.size() - passed(); }

PlanTestRun run_plan_tests(const PlanTestSuite& suite, const PromptMeter* prompts) {
  PlanTestRun run;
  Runner(suite, run, prompts).run();
  return run;
}

}  // namespace callplan
