#include <gtest/gtest.h>

#include "check/issue_matchers.hpp"
#include "check/plan_graph.hpp"
#include "check/tenant_builder.hpp"

namespace callplan::testing {
namespace {

using check_detail::PlanEdgeKind;
using check_detail::PlanGraph;

TEST(CheckLoops, GotoCycleIsAnErrorWithTheWholeCycle) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps.back() = b.go_to("sales");
  b.plan("sales", {b.ring_group(Strategy::ring_all, {"002"}, 20), b.go_to("main")});
  Issue i = only_issue(check(b.t), "CP400");
  EXPECT_EQ(i.message, "plans loop: main -> sales -> main");
  EXPECT_EQ(i.location, b.loc(b.t.plans[0].steps[2].where));
  ASSERT_EQ(i.notes.size(), 2u);
  EXPECT_EQ(i.notes[0].location, b.loc(b.t.plans[0].steps[2].where));
  EXPECT_EQ(i.notes[1].location, b.loc(b.t.plans[1].steps[1].where));
}

TEST(CheckLoops, CycleThroughTimeConditionIsAWarning) {
  TenantBuilder b = TenantBuilder::acme();
  auto& tc = std::get<TimeCondition>(b.t.plans[0].steps[0].body);
  tc.else_steps = StepList{b.go_to("night")};
  b.plan("night", {b.announcement("closed.wav"), b.go_to("main")});
  Issue i = only_issue(check(b.t), "CP401");
  EXPECT_EQ(i.severity, Severity::warning);
  EXPECT_EQ(i.message, "plans can loop, depending on time or digits: main -> night -> main");
}

TEST(CheckLoops, CycleThroughPersonalPlan) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.users[1].plan = b.text("personal");
  b.plan("personal", {b.ring_group(Strategy::ring_all, {"002"}, 20), b.go_to("main")});
  b.t.plans[0].steps.back() = b.transfer("002");
  Issue i = only_issue(check(b.t), "CP400");
  EXPECT_EQ(i.message, "plans loop: main -> personal -> main");
  EXPECT_NE(i.notes.at(0).message.find("transfers to user 002"), std::string::npos);
}

TEST(CheckLoops, DefaultPersonalPlanHasNoEdges) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps.back() = b.transfer("001");
  EXPECT_TRUE(check(b.t).empty()) << dump(check(b.t));
}

TEST(CheckLoops, SelfLoop) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.plans[0].steps.back() = b.go_to("main");
  Issue i = only_issue(check(b.t), "CP400");
  EXPECT_EQ(i.message, "plans loop: main -> main");
}

TEST(CheckLoops, EveryElementaryCycleOnce) {
  // main -> a -> main and main -> b -> main (through a menu): one error, one warning.
  TenantBuilder b = TenantBuilder::acme();
  std::vector<std::pair<std::string, StepList>> options;
  options.emplace_back("2", StepList{b.go_to("b")});
  b.t.plans[0].steps.insert(b.t.plans[0].steps.begin() + 1, b.menu(std::move(options)));
  b.t.plans[0].steps.back() = b.go_to("a");
  b.plan("a", {b.go_to("main")});
  b.plan("b", {b.go_to("main")});
  Issues issues = check(b.t);
  ASSERT_EQ(issues.size(), 2u) << dump(issues);
  EXPECT_EQ(with_code(issues, "CP400").at(0).message, "plans loop: main -> a -> main");
  EXPECT_EQ(with_code(issues, "CP401").at(0).message,
            "plans can loop, depending on time or digits: main -> b -> main");
}

TEST(CheckLoops, UnconditionalHopWinsOverConditionalOne) {
  TenantBuilder b = TenantBuilder::acme();
  auto& tc = std::get<TimeCondition>(b.t.plans[0].steps[0].body);
  tc.else_steps = StepList{b.go_to("main")};
  b.t.plans[0].steps.back() = b.go_to("main");
  Issue i = only_issue(check(b.t), "CP400");
  EXPECT_EQ(i.location, b.loc(b.t.plans[0].steps.back().where));
}

TEST(PlanGraph, EdgesReachabilityAndReverseReachability) {
  TenantBuilder b = TenantBuilder::acme();
  b.t.users[1].plan = b.text("personal");
  b.t.plans[0].steps.back() = b.go_to("overflow");
  b.plan("overflow", {b.transfer("002")});
  b.plan("personal", {b.voicemail("001")});
  b.plan("island", {b.hangup()});
  PlanGraph g = PlanGraph::build(b.t);
  ASSERT_EQ(g.size(), 4u);
  ASSERT_EQ(g.edges().size(), 2u);
  EXPECT_EQ(g.edges()[0].kind, PlanEdgeKind::go_to);
  EXPECT_EQ(g.edges()[0].path, "main/2");
  EXPECT_EQ(g.edges()[1].kind, PlanEdgeKind::personal_plan);
  EXPECT_EQ(g.edges()[1].extension, "002");
  std::size_t main = *g.find("main"), personal = *g.find("personal"), island = *g.find("island");
  EXPECT_EQ(g.reachable_from(main), (std::vector<bool>{true, true, true, false}));
  EXPECT_EQ(g.reaching(personal), (std::vector<bool>{true, true, true, false}));
  EXPECT_EQ(g.reaching(island), (std::vector<bool>{false, false, false, true}));
  EXPECT_TRUE(g.cycles().empty());
  EXPECT_FALSE(g.find("nope").has_value());
}

}  // namespace
}  // namespace callplan::testing
