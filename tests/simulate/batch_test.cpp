// BatchRun: the same outcomes as one Simulator call by call, on any number of threads, fed
// all at once or a few calls at a time; the first bad call named.
#include "callplan/batch.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fixture.hpp"

namespace callplan::testing {
namespace {

// "+31881234501" .. "+31881234511": the test tenant's numbers, one per plan.
std::string fmt_number(std::size_t n) { return (n < 10 ? "+318812345" "0" : "+318812345") + std::to_string(n); }

// A mix of every plan of the test tenant, hours, answers and busy members.
std::vector<Scenario> mixed_scenarios(const Engine& engine, std::size_t n) {
  std::vector<Scenario> out;
  for (std::size_t i = 0; i < n; ++i) {
    Call c;
    c.from = i % 5 == 0 ? "001" : "+31612345678";
    c.to = i % 12 == 0 ? std::string("+31881234567") : fmt_number(i % 12);
    c.at = "2026-11-" + std::to_string(23 + i % 7) + "T" + (i % 24 < 10 ? "0" : "") +
           std::to_string(i % 24) + ":15";
    c.answer = i % 3 == 0 ? "" : "00" + std::to_string(1 + i % 4) + "@" + std::to_string(i % 20);
    c.presence = i % 4 == 0 ? "00" + std::to_string(1 + i % 3) + "=busy" : "";
    c.digits = std::string(1, "12"[i % 2]);
    c.seed = i;
    out.push_back(c.scenario(engine));
  }
  return out;
}

struct Result {
  std::string disposition, by, user;
  std::uint32_t t = 0;
  bool operator==(const Result&) const = default;
};

Result result_of(const CallOutcome& o) {
  return {std::string(to_string(o.disposition)), std::string(o.by), std::string(o.user), o.t};
}

std::vector<Result> one_by_one(const std::shared_ptr<const Engine>& engine,
                               const std::vector<Scenario>& scenarios) {
  Simulator simulator(engine);
  std::vector<Result> out;
  for (const Scenario& s : scenarios) {
    RoutingState state;
    out.push_back(result_of(simulator.run(s, state)));
  }
  return out;
}

BatchRun::Make from(const std::vector<Scenario>& scenarios) {
  return [&scenarios](std::size_t i, std::size_t, Scenario&) -> const Scenario& {
    return scenarios[i];
  };
}

std::vector<Result> results(const BatchRun& run) {
  std::vector<Result> out;
  for (const CallOutcome& o : run.outcomes()) out.push_back(result_of(o));
  return out;
}

TEST(BatchRun, RoutesLikeOneCallAtATimeOnAnyNumberOfThreads) {
  auto engine = acme();
  ASSERT_TRUE(engine);
  std::vector<Scenario> scenarios = mixed_scenarios(*engine, 1000);
  std::vector<Result> expected = one_by_one(engine, scenarios);
  for (std::size_t threads : {1u, 2u, 3u, 8u}) {
    BatchRun run(engine, scenarios.size(), from(scenarios), {.threads = threads});
    run.publish(scenarios.size());
    run.finish();
    EXPECT_EQ(results(run), expected) << threads << " threads";
  }
}

TEST(BatchRun, FedAFewCallsAtATimeWhileItRoutes) {
  auto engine = acme();
  ASSERT_TRUE(engine);
  std::vector<Scenario> scenarios = mixed_scenarios(*engine, 700);
  // Each call's scenario is made on the routing thread, from the caller's own data.
  BatchRun run(
      engine, scenarios.size(),
      [&](std::size_t i, std::size_t worker, Scenario& scratch) -> const Scenario& {
        EXPECT_LT(worker, 2u);
        scratch = scenarios[i];
        return scratch;
      },
      {.threads = 2});
  for (std::size_t ready = 0; ready < scenarios.size(); ready += 37) {
    run.publish(ready);
    run.route(100);
  }
  run.publish(scenarios.size());
  run.finish();
  EXPECT_EQ(results(run), one_by_one(engine, scenarios));
}

TEST(BatchRun, TheFirstBadCallIsNamed) {
  auto engine = acme();
  ASSERT_TRUE(engine);
  std::vector<Scenario> scenarios = mixed_scenarios(*engine, 2000);
  for (std::size_t threads : {1u, 2u}) {
    BatchRun run(
        engine, scenarios.size(),
        [&](std::size_t i, std::size_t, Scenario&) -> const Scenario& {
          if (i == 1500 || i == 1700) throw Error("bad call " + std::to_string(i));
          return scenarios[i];
        },
        {.threads = threads});
    run.publish(scenarios.size());
    try {
      run.finish();
      ADD_FAILURE() << "no error";
    } catch (const BatchError& e) {
      EXPECT_EQ(e.call(), 1500u);
      EXPECT_STREQ(e.what(), "bad call 1500");
    }
    EXPECT_TRUE(run.failed());
  }
}

TEST(BatchRun, ASharedStateCarriesFromCallToCallInOrder) {
  auto engine = acme();
  ASSERT_TRUE(engine);
  Call c;
  c.to = "+31881234504";  // a round-robin group
  c.answer = "002@1,003@1,004@1";
  std::vector<Scenario> scenarios(6, c.scenario(*engine));
  RoutingState state;
  BatchRun run(engine, scenarios.size(), from(scenarios), {.threads = 1, .state = &state});
  run.publish(scenarios.size());
  run.finish();
  std::vector<std::string> by;
  for (const CallOutcome& o : run.outcomes()) by.emplace_back(o.by);
  Simulator simulator(engine);
  RoutingState expected_state;
  std::vector<std::string> expected;
  for (const Scenario& s : scenarios) expected.emplace_back(simulator.run(s, expected_state).by);
  EXPECT_EQ(by, expected);
  EXPECT_NE(by[0], by[1]);  // the round robin moved on
  EXPECT_EQ(state, expected_state);
  EXPECT_THROW(BatchRun(engine, 6, from(scenarios), {.threads = 2, .state = &state}), Error);
}

TEST(BatchRun, TracesInCallOrder) {
  auto engine = acme();
  ASSERT_TRUE(engine);
  std::vector<Scenario> scenarios = mixed_scenarios(*engine, 300);
  BatchRun run(engine, scenarios.size(), from(scenarios), {.threads = 2, .trace = true});
  run.publish(scenarios.size());
  run.finish();
  std::vector<Trace> traces = run.take_traces();
  ASSERT_EQ(traces.size(), scenarios.size());
  Simulator simulator(engine);
  for (std::size_t i = 0; i < scenarios.size(); i += 17) {
    RoutingState state;
    EXPECT_EQ(traces[i].to_json(), simulator.trace(scenarios[i], state).to_json()) << i;
  }
}

TEST(BatchRun, AnOutboundCallsDialledNumberOutlivesItsScenario) {
  auto engine = acme();
  ASSERT_TRUE(engine);
  Call c;
  c.from = "001";
  c.to = "+31201234567";  // an external number, answered
  c.answer = "+31201234567@2";
  Call other;
  other.to = "+31881234567";
  std::vector<Scenario> scenarios = {c.scenario(*engine), other.scenario(*engine)};
  // Both made in the same scratch scenario: the second overwrites the first's `to`.
  BatchRun run(engine, 2,
               [&](std::size_t i, std::size_t, Scenario& scratch) -> const Scenario& {
                 scratch.to.assign(scenarios[i].to);
                 scratch.from = scenarios[i].from;
                 scratch.at = scenarios[i].at;
                 scratch.answers = scenarios[i].answers;
                 return scratch;
               });
  run.publish(2);
  run.finish();
  EXPECT_EQ(result_of(run.outcomes()[0]), (Result{"answered", "+31201234567", "", 2}));
  EXPECT_EQ(one_by_one(engine, scenarios), results(run));
}

}  // namespace
}  // namespace callplan::testing
