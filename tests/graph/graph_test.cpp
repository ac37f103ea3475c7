// `callplan graph`: golden drawings of the example, loops, the reverse view's paths.
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "callplan/error.hpp"
#include "callplan/graph.hpp"
#include "support.hpp"

namespace callplan {
namespace {

using graph_testing::expect_golden;
using graph_testing::fixture;
using graph_testing::from_yaml;

// A tenant whose plans reach a user only through a goto, a menu digit, a time branch and a
// transfer into a personal plan, and that loops back (main -> desk -> main).
const char* kPathsTenant = R"(
version: 1
tenant: {name: Paths BV, login: paths, timezone: Europe/Amsterdam, country: NL}
numbers:
  - {number: "+31201110000", plan: main}
  - {number: "+31201110001", plan: night}
users:
  - {extension: "10", first_name: Ann, email: ann@p.example, voicemail: true, plan: desk}
  - {extension: "11", first_name: Ben, email: ben@p.example}
  - {extension: "12", first_name: Cas, email: cas@p.example}
devices:
  - {id: d10, user: "10", sip: {password: x}}
  - {id: d11, user: "11", sip: {password: x}}
  - {id: d12, user: "12", sip: {password: x}}
schedules:
  open:
    weekly: [{days: mon-fri, from: "09:00", to: "17:00"}]
plans:
  - id: main
    steps:
      - menu:
          prompt: menu.wav
          options:
            "1": [{goto: {plan: night}}]
            "2": [{transfer: {to: "10"}}]
      - hangup: {}
  - id: night
    steps:
      - time_condition:
          schedule: open
          then: [{ring_group: {strategy: ring_all, members: ["12", "0612345678"], timeout: 20}}]
      - voicemail: {user: "10"}
  - id: desk
    steps:
      - transfer: {to: "11", follow_personal_plan: false, timeout: 20}
      - goto: {plan: main}
)";

TEST(Graph, ExampleDotMatchesGolden) {
  Tenant t = fixture("base.yaml");
  expect_golden("base.dot", render_graph(t, {}, GraphFormat::dot));
}

TEST(Graph, ExampleMermaidMatchesGolden) {
  Tenant t = fixture("base.yaml");
  expect_golden("base.mmd", render_graph(t, {}, GraphFormat::mermaid));
}

TEST(Graph, ExampleJsonMatchesGolden) {
  Tenant t = fixture("base.yaml");
  expect_golden("base.json", render_graph(t, {}, GraphFormat::json));
}

TEST(Graph, OnePlanMatchesGolden) {
  Tenant t = fixture("base.yaml");
  expect_golden("base_service.dot", render_graph(t, GraphOptions{"service", ""}, GraphFormat::dot));
}

TEST(Graph, ReverseViewMatchesGolden) {
  Tenant t = fixture("base.yaml");
  expect_golden("base_to_003.dot", render_graph(t, GraphOptions{"", "003"}, GraphFormat::dot));
  expect_golden("base_to_003.txt", render_graph(t, GraphOptions{"", "003"}, GraphFormat::text));
  expect_golden("base_to_003.json", render_graph(t, GraphOptions{"", "003"}, GraphFormat::json));
  expect_golden("paths_to_11.mmd", render_graph(from_yaml(kPathsTenant), GraphOptions{"", "11"},
                                                GraphFormat::mermaid));
}

TEST(Graph, OutputIsDeterministic) {
  Tenant a = fixture("base.yaml");
  Tenant b = fixture("base.yaml");
  EXPECT_EQ(render_graph(a, {}, GraphFormat::dot), render_graph(b, {}, GraphFormat::dot));
}

TEST(Graph, BranchesAreLabelled) {
  std::string dot = render_graph(fixture("base.yaml"), {}, GraphFormat::dot);
  EXPECT_NE(dot.find(R"x("main/0" -> "main/0/else/0" [label="closed (office_hours)"])x"), std::string::npos);
  EXPECT_NE(dot.find(R"x("main/0" -> "main/1" [label="open (office_hours)"])x"), std::string::npos);
  EXPECT_NE(dot.find(R"x("service/0" -> "service/0/2/0" [label="digit 2"])x"), std::string::npos);
  EXPECT_NE(dot.find(R"x("main/1" -> "main/2" [label="no answer"])x"), std::string::npos);
  EXPECT_NE(dot.find("memory hunt, 15 s per step\\n002 Bram Jansen\\n003 Carla Visser"),
            std::string::npos);
  // The transfer that follows Anna's (default) personal plan enters it.
  EXPECT_NE(dot.find(R"x("service/0/0/0" -> "plan:personal:001" [label="personal plan")x"),
            std::string::npos);
}

TEST(Graph, LoopsAreHighlighted) {
  std::string dot = render_graph(from_yaml(kPathsTenant), {}, GraphFormat::dot);
  // desk/1 (goto main) closes main -> desk -> main; main/0/2/0 is the transfer into desk.
  EXPECT_NE(dot.find(R"x("desk/1" -> "plan:main" [label="goto (loop)", style=dashed, color="#dc2626")x"),
            std::string::npos) << dot;
  EXPECT_NE(dot.find(R"x("main/0/2/0" -> "plan:desk" [label="personal plan (loop)")x"),
            std::string::npos) << dot;
  // When a loop is refused the timeline goes on: drawn as its own edge.
  EXPECT_NE(dot.find(R"x("desk/1" -> "end:desk" [label="loop: skipped"])x"), std::string::npos);
  std::string mermaid = render_graph(from_yaml(kPathsTenant), {}, GraphFormat::mermaid);
  EXPECT_NE(mermaid.find("stroke:#dc2626"), std::string::npos);
}

TEST(Graph, ReverseViewFindsEveryPath) {
  Tenant t = from_yaml(kPathsTenant);
  std::vector<RingPath> paths = ring_paths(t, "11");
  std::vector<std::string> lines;
  for (const RingPath& p : paths) {
    std::string line = p.entry;
    for (const RingPath::Hop& h : p.hops) line += " > " + (h.path.empty() ? h.node : h.path);
    lines.push_back(line);
  }
  // 11 rings only in plan desk: entered by Ann's extension and by digit 2 of the main menu.
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "+31 20 111 0000 > plan main > main/0 > main/0/2/0 > plan desk > desk/0 > 11 Ben",
                       "extension 10 Ann > plan desk > desk/0 > 11 Ben",
                       "extension 11 Ben > plan personal:11 > personal:11/0 > 11 Ben",
                   }));
  EXPECT_EQ(paths[0].hops[2].via, "digit 2");
  EXPECT_EQ(paths[0].hops[3].via, "personal plan (loop)");

  // 12 rings on the night line's open branch, reached directly and through main's digit 1.
  std::vector<RingPath> to12 = ring_paths(t, "12");
  ASSERT_EQ(to12.size(), 4u);
  EXPECT_EQ(to12[0].entry, "+31 20 111 0000");
  EXPECT_EQ(to12[0].hops[2].via, "digit 1");
  EXPECT_EQ(to12[1].entry, "+31 20 111 0001");
  EXPECT_EQ(to12[1].hops[2].via, "open (open)");
  // Ann's plan goes back to main, so her extension reaches 12 too; and 12's own extension.
  EXPECT_EQ(to12[2].entry, "extension 10 Ann");
  EXPECT_EQ(to12[3].entry, "extension 12 Cas");
}

TEST(Graph, ReverseViewOfAUserNobodyRingsHasOnlyTheirExtension) {
  Tenant t = fixture("base.yaml");
  std::vector<RingPath> paths = ring_paths(t, "006");
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0].entry, "+31 88 123 4568 (Sales and support line)");
  EXPECT_EQ(paths[0].hops[2].via, "digit 2");
  EXPECT_EQ(paths[1].entry, "extension 006 Floor de Boer");
}

TEST(Graph, UnknownNamesAreErrorsWithHints) {
  Tenant t = fixture("base.yaml");
  try {
    render_graph(t, GraphOptions{"", "03"}, GraphFormat::dot);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no user has extension `03`"), std::string::npos);
  }
  try {
    render_graph(t, GraphOptions{"mainn", ""}, GraphFormat::dot);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean `main`"), std::string::npos) << e.what();
  }
  EXPECT_THROW(render_graph(t, {}, GraphFormat::text), Error);
  EXPECT_THROW(render_graph(t, GraphOptions{"main", "001"}, GraphFormat::dot), Error);
}

TEST(Graph, DisplayNumberGroupsDutchNumbers) {
  EXPECT_EQ(display_number("+31881234567"), "+31 88 123 4567");
  EXPECT_EQ(display_number("+31612345678"), "+31 6 1234 5678");
  EXPECT_EQ(display_number("+31297123456"), "+31 297 123 456");
  EXPECT_EQ(display_number("+4930123456"), "+4930123456");
  EXPECT_EQ(display_number("anonymous"), "anonymous");
}

// Every DOT output must render: run Graphviz on each view when it is installed.
TEST(Graph, GraphvizAcceptsEveryDot) {
  if (std::system("dot -V > /dev/null 2>&1") != 0) GTEST_SKIP() << "Graphviz is not installed";
  Tenant base = fixture("base.yaml");
  Tenant paths = from_yaml(kPathsTenant);
  std::vector<std::string> dots = {
      render_graph(base, {}, GraphFormat::dot),
      render_graph(base, GraphOptions{"main", ""}, GraphFormat::dot),
      render_graph(base, GraphOptions{"", "001"}, GraphFormat::dot),
      render_graph(paths, {}, GraphFormat::dot),
      render_graph(paths, GraphOptions{"", "12"}, GraphFormat::dot),
      render_graph(from_yaml(R"(
version: 1
tenant: {name: "Quote \"and\" back\\slash", login: q, timezone: UTC}
numbers: [{number: "+31201110000", plan: "a-b_c", label: "say \"hi\""}]
users: [{extension: "10", first_name: "A\\B", email: a@q.example}]
devices: [{id: d, user: "10", sip: {password: x}}]
plans:
  - id: a-b_c
    steps: [{announcement: {text: "Welcome \"{x}\" <b>", label: "x|y"}}, {transfer: {to: "10"}}]
)"),
                   {}, GraphFormat::dot)};
  for (std::size_t i = 0; i < dots.size(); ++i) {
    std::string path = ::testing::TempDir() + "graph_" + std::to_string(i) + ".dot";
    std::ofstream(path) << dots[i];
    std::string cmd = "dot -Tsvg " + path + " -o " + path + ".svg 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << dots[i];
  }
}

}  // namespace
}  // namespace callplan
