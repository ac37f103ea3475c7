// The plan editor's changes on a copy of examples/acme: each becomes exactly the intended
// lines of plans.yaml (written like their siblings, every comment kept), at any depth, and a
// change that names no plan, no step or a field a step does not have is refused by name.
#include "panel/plan_changes.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "panel/model_json.hpp"
#include "panel/roles.hpp"
#include "panel/workspace.hpp"
#include "temp_tenant.hpp"

namespace callplan::panel {
namespace {

using nlohmann::json;

struct Lines {
  std::string added, removed;
};

Lines diff_lines(const std::string& text_diff) {
  Lines out;
  std::istringstream lines(text_diff);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("+++", 0) == 0 || line.rfind("---", 0) == 0 || line.empty()) continue;
    if (line[0] == '+') out.added += line.substr(1) + "\n";
    if (line[0] == '-') out.removed += line.substr(1) + "\n";
  }
  return out;
}

json plan_of(const Preview& p, const std::string& id) {
  EXPECT_FALSE(p.has_errors()) << issues_json(p.after.issues).dump(1);
  const json model = model_json(p.after.tenant, p.after_root);
  for (const json& plan : model["plans"])
    if (plan["id"] == id) return plan;
  return nullptr;
}

std::string refusal(Workspace& ws, const json& changes) {
  try {
    ws.preview(changes);
  } catch (const ChangeError& e) {
    return e.code + ": " + e.what();
  }
  return "accepted";
}

// The seed's example built in the main line's office hours, a new `then` branch; the old
// office-hours steps after the time condition (which nothing reaches now) go.
const json kOfficeHours = json::array(
    {{{"op", "remove_step"}, {"plan", "main"}, {"at", {3}}},
     {{"op", "remove_step"}, {"plan", "main"}, {"at", {2}}},
     {{"op", "remove_step"}, {"plan", "main"}, {"at", {1}}},
     {{"op", "insert_step"}, {"plan", "main"}, {"at", {0, "then", 0}},
      {"step", {{"transfer", {{"label", "Reception"}, {"to", "001"}, {"timeout", 30},
                              {"follow_personal_plan", false}}}}}},
     {{"op", "insert_step"}, {"plan", "main"}, {"at", {0, "then", 1}},
      {"step", {{"ring_group", {{"strategy", "memory_hunt"}, {"members", {"002", "003"}},
                                {"timeout", 15}}}}}},
     {{"op", "insert_step"}, {"plan", "main"}, {"at", {0, "then", 2}},
      {"step", {{"voicemail", {{"user", "001"}}}}}}});

TEST(PlanChanges, ANewBranchIsWrittenLikeItsSiblingsUnderItsStep) {
  testing::TempTenant t;
  Workspace ws(t.top());
  const Preview p = ws.preview(kOfficeHours);
  ASSERT_EQ(p.changed.size(), 1u);
  const Lines lines = diff_lines(p.text_diff);
  // The old steps go with the comments written directly above them (YamlEditor::remove_item).
  const std::string removed =
      "      # Office hours: reception rings for 30 s (6 rings), without Anna's personal plan, so\n"
      "      # that the call comes back here when she does not answer ...\n"
      "      - transfer: {to: \"001\", follow_personal_plan: false, timeout: 30, label: Reception}\n"
      "      # ... then sales joins one by one: 002, then 002+003, then 002+003+004, 15 s each.\n"
      "      - ring_group:\n"
      "          strategy: memory_hunt\n"
      "          members: [\"002\", \"003\", \"004\"]\n"
      "          timeout: 15\n"
      "          label: Sales\n"
      "      - voicemail: {user: \"001\"}\n";
  EXPECT_EQ(lines.removed, removed);
  EXPECT_EQ(lines.added,
            "          then:\n"
            "            - transfer: {to: \"001\", follow_personal_plan: false, timeout: 30, label: Reception}\n"
            "            - ring_group:\n"
            "                strategy: memory_hunt\n"
            "                members: [\"002\", \"003\"]\n"
            "                timeout: 15\n"
            "            - voicemail: {user: \"001\"}\n");
  const json then = plan_of(p, "main")["steps"][0]["fields"]["then"];
  ASSERT_EQ(then.size(), 3u);
  EXPECT_EQ(then[1]["fields"]["members"], json({"002", "003"}));
  // Every other line of the old file is still there, comments included.
  const std::string after = p.changed.at("plans.yaml");
  std::istringstream old(t.read("plans.yaml"));
  for (std::string line; std::getline(old, line);) {
    if (removed.find(line + "\n") == std::string::npos) {
      EXPECT_NE(after.find(line), std::string::npos) << line;
    }
  }
}

TEST(PlanChanges, UpdateEditsOnlyTheChangedValuesAndKeepsAListsLayout) {
  testing::TempTenant t;
  Workspace ws(t.top());
  const Preview p = ws.preview(json::array(
      {{{"op", "update_step"}, {"plan", "main"}, {"at", {2}},
        {"set", {{"members", {"003", "002"}}, {"timeout", 20}, {"label", nullptr}}}}}));
  const Lines lines = diff_lines(p.text_diff);
  EXPECT_EQ(lines.removed,
            "          members: [\"002\", \"003\", \"004\"]\n"
            "          timeout: 15\n"
            "          label: Sales\n");
  EXPECT_EQ(lines.added,
            "          members: [\"003\", \"002\"]\n"
            "          timeout: 20\n");
  const json group = plan_of(p, "main")["steps"][2];
  EXPECT_EQ(group["label"], "");
  EXPECT_EQ(group["fields"]["timeout"], 20);
}

TEST(PlanChanges, ATimeOutWrittenInRingsStaysInRings) {
  testing::TempTenant t;
  std::string plans = t.read("plans.yaml");
  plans.replace(plans.find("timeout: 30, label: Reception"), 11, "rings: 6");
  t.write("plans.yaml", plans);
  Workspace ws(t.top());
  const Preview p = ws.preview(json::array(
      {{{"op", "update_step"}, {"plan", "main"}, {"at", {1}}, {"set", {{"timeout", 20}}}}}));
  const Lines lines = diff_lines(p.text_diff);
  EXPECT_NE(lines.added.find("rings: 4, label: Reception"), std::string::npos) << lines.added;
  EXPECT_EQ(plan_of(p, "main")["steps"][1]["fields"]["timeout"], 20);
}

TEST(PlanChanges, RemovingABranchsLastStepRemovesTheBranch) {
  testing::TempTenant t;
  Workspace ws(t.top());
  const Preview p = ws.preview(json::array(
      {{{"op", "remove_step"}, {"plan", "main"}, {"at", {0, "else", 0}}},
       {{"op", "remove_step"}, {"plan", "main"}, {"at", {0, "else", 0}}}}));
  const Lines lines = diff_lines(p.text_diff);
  EXPECT_EQ(lines.added, "");
  EXPECT_EQ(lines.removed,
            "          else:\n"
            "            - announcement: {audio: closed.wav, label: Closed}\n"
            "            - voicemail: {user: \"001\"}\n");
  EXPECT_FALSE(plan_of(p, "main")["steps"][0]["fields"].contains("else"));
}

TEST(PlanChanges, MoveTakesTheStepOutAndPutsItWhereTheAddressSays) {
  testing::TempTenant t;
  Workspace ws(t.top());
  // Reception out of the main timeline into the closed branch, first.
  const Preview p = ws.preview(json::array(
      {{{"op", "move_step"}, {"plan", "main"}, {"from", {1}}, {"to", {0, "else", 0}}}}));
  const json steps = plan_of(p, "main")["steps"];
  ASSERT_EQ(steps.size(), 3u);
  ASSERT_EQ(steps[0]["fields"]["else"].size(), 3u);
  EXPECT_EQ(steps[0]["fields"]["else"][0]["kind"], "transfer");
  EXPECT_EQ(steps[0]["fields"]["else"][0]["label"], "Reception");
  EXPECT_EQ(steps[0]["fields"]["else"][1]["kind"], "announcement");
  EXPECT_EQ(steps[1]["kind"], "ring_group");
  // Inside one list: step 1 to the end.
  const Preview q = ws.preview(json::array(
      {{{"op", "move_step"}, {"plan", "main"}, {"from", {1}}, {"to", {2}}}}));
  const json moved = plan_of(q, "main")["steps"];
  EXPECT_EQ(moved[1]["kind"], "ring_group");
  EXPECT_EQ(moved[2]["kind"], "transfer");
}

TEST(PlanChanges, AMovedStepTakesItsCommentsAlong) {
  testing::TempTenant t;
  Workspace ws(t.top());
  // Reception, with the two comment lines above it, first in the closed branch.
  const std::string reception =
      "# Office hours: reception rings for 30 s (6 rings), without Anna's personal plan, so\n"
      "# that the call comes back here when she does not answer ...\n"
      "- transfer: {to: \"001\", follow_personal_plan: false, timeout: 30, label: Reception}\n";
  auto indented = [](const std::string& lines, std::size_t by) {
    std::string out;
    std::istringstream in(lines);
    for (std::string line; std::getline(in, line);) out += std::string(by, ' ') + line + "\n";
    return out;
  };
  Lines lines = diff_lines(ws.preview(json::array(
      {{{"op", "move_step"}, {"plan", "main"}, {"from", {1}}, {"to", {0, "else", 0}}}})).text_diff);
  EXPECT_EQ(lines.removed, indented(reception, 6));
  EXPECT_EQ(lines.added, indented(reception, 12));
  // The sales group (a block step, its comment above) into a new `then` branch.
  const Preview p = ws.preview(json::array(
      {{{"op", "move_step"}, {"plan", "main"}, {"from", {2}}, {"to", {0, "then", 0}}}}));
  lines = diff_lines(p.text_diff);
  const std::string sales =
      "# ... then sales joins one by one: 002, then 002+003, then 002+003+004, 15 s each.\n"
      "- ring_group:\n"
      "    strategy: memory_hunt\n"
      "    members: [\"002\", \"003\", \"004\"]\n"
      "    timeout: 15\n"
      "    label: Sales\n";
  EXPECT_EQ(lines.removed, indented(sales, 6));
  EXPECT_EQ(lines.added, "          then:\n" + indented(sales, 12));
  EXPECT_EQ(plan_of(p, "main")["steps"][0]["fields"]["then"][0]["label"], "Sales");
  // A comment at the end of the step's line goes along too: the menu's reception, first in
  // the service plan's timeline (the "0" option, left without steps, goes).
  lines = diff_lines(ws.preview(json::array(
      {{{"op", "move_step"}, {"plan", "service"}, {"from", {0, "0", 0}}, {"to", {0}}}})).text_diff);
  EXPECT_EQ(lines.added,
            "      - transfer: {to: \"001\", label: Reception}  # follows Anna's personal plan\n");
  EXPECT_EQ(lines.removed,
            "            \"0\":\n"
            "              - transfer: {to: \"001\", label: Reception}  # follows Anna's personal plan\n");
}

TEST(PlanChanges, AMenuGetsANewOptionAndStepsInItsOptions) {
  testing::TempTenant t;
  Workspace ws(t.top());
  const Preview p = ws.preview(json::array(
      {{{"op", "insert_step"}, {"plan", "service"}, {"at", {0, "3", 0}},
        {"step", {{"voicemail", {{"user", "005"}, {"label", "Support mailbox"}}}}}},
       {{"op", "insert_step"}, {"plan", "service"}, {"at", {0, "2", 1}},
        {"step", {{"voicemail", {{"user", "005"}}}}}}}));
  EXPECT_FALSE(p.has_errors());
  const json options = plan_of(p, "service")["steps"][0]["fields"]["options"];
  ASSERT_EQ(options.size(), 4u);
  const Lines lines = diff_lines(p.text_diff);
  EXPECT_EQ(lines.removed, "");
  EXPECT_EQ(lines.added,
            "              - voicemail: {user: \"005\"}\n"
            "            \"3\":\n"
            "              - voicemail: {user: \"005\", label: Support mailbox}\n");
}

TEST(PlanChanges, WrongChangesAreRefusedByName) {
  testing::TempTenant t;
  Workspace ws(t.top());
  auto one = [](json change) { return json::array({std::move(change)}); };
  EXPECT_EQ(refusal(ws, one({{"op", "remove_step"}, {"plan", "nope"}, {"at", {0}}})),
            "no-such-plan: changes[0]: no plan `nope`");
  EXPECT_EQ(refusal(ws, one({{"op", "remove_step"}, {"plan", "main"}, {"at", {9}}})),
            "no-such-step: changes[0]: no such step");
  EXPECT_EQ(refusal(ws, one({{"op", "remove_step"}, {"plan", "main"}, {"at", {1, "then", 0}}})),
            "bad-change: changes[0]: a `transfer` step has no branch `then`");
  EXPECT_EQ(refusal(ws, one({{"op", "remove_step"}, {"plan", "main"}, {"at", {0, "then"}}})),
            "bad-change: changes[0]: a step's place is a list like [0, \"else\", 1]");
  EXPECT_EQ(refusal(ws, one({{"op", "insert_step"}, {"plan", "main"}, {"at", {9}},
                             {"step", {{"hangup", nullptr}}}})),
            "no-such-step: changes[0]: the list has 4 steps; index 9 is past its end");
  EXPECT_EQ(refusal(ws, one({{"op", "insert_step"}, {"plan", "main"}, {"at", {0}},
                             {"step", {{"dial", {{"to", "001"}}}}}})),
            "bad-change: changes[0].step: unknown step kind `dial`");
  EXPECT_EQ(refusal(ws, one({{"op", "insert_step"}, {"plan", "main"}, {"at", {0}},
                             {"step", {{"voicemail", {{"to", "001"}}}}}})),
            "bad-change: changes[0].step.voicemail: `to` is not a field of a `voicemail` step");
  EXPECT_EQ(refusal(ws, one({{"op", "update_step"}, {"plan", "main"}, {"at", {0}},
                             {"set", {{"else", json::array()}}}})),
            "bad-change: changes[0].set: `else` holds steps; change them with insert_step, "
            "move_step and remove_step");
}

TEST(PlanChanges, OnlyAnAdministratorChangesAPlan) {
  testing::TempTenant t;
  Workspace ws(t.top());
  const User* anna = find_user(ws.current().tenant, "001");  // role: admin
  const User* bram = find_user(ws.current().tenant, "002");
  ASSERT_TRUE(anna && bram);
  for (const json& change : kOfficeHours) {
    EXPECT_EQ(refuse_changes(*anna, json::array({change})), std::nullopt);
    EXPECT_EQ(refuse_changes(*bram, json::array({change})),
              "changes[0]: a user changes only their own settings");
  }
  EXPECT_NE(refuse_changes(*bram, json::array({{{"op", "move_step"}, {"plan", "main"},
                                                {"from", {1}}, {"to", {2}}}})),
            std::nullopt);
}

TEST(PlanChanges, ASavedPlanChangeIsOnDiskAndLoadsAsPreviewed) {
  testing::TempTenant t;
  Workspace ws(t.top());
  const std::string before = t.read("plans.yaml");
  ws.save(ws.version(), kOfficeHours);
  const std::string after = t.read("plans.yaml");
  EXPECT_NE(after, before);
  const json model = model_json(ws.current().tenant, t.file("").parent_path());
  const json steps = model["plans"][0]["steps"];
  EXPECT_EQ(steps[0]["fields"]["then"].size(), 3u);
}

}  // namespace
}  // namespace callplan::panel
