// The numbers screen's changes on a copy of examples/acme and on a new company (the fixture
// tests/panel/fixtures/new-company): a number is added with its new, empty plan, pointed at
// another plan and removed, each as exactly the intended lines with every comment kept;
// wrong changes are refused by name, and a user who is not an administrator cannot send them.
#include "panel/number_changes.hpp"

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

std::string refusal(Workspace& ws, const json& changes) {
  try {
    ws.preview(changes);
  } catch (const ChangeError& e) {
    return e.code;
  }
  return "accepted";
}

bool has_issue(const Preview& p, const std::string& code) {
  for (const Issue& i : p.after.issues)
    if (i.code == code) return true;
  return false;
}

TEST(NumberChanges, ANewNumberWithItsNewEmptyPlanIsWrittenAfterItsSiblings) {
  testing::TempTenant t;
  Workspace ws(t.top());
  const Preview p = ws.preview(json::array(
      {{{"op", "add_plan"}, {"plan", {{"id", "support"}, {"label", "Support line"}}}},
       {{"op", "add_number"},
        {"number", {{"label", "Support line"}, {"number", "+31881234569"}, {"plan", "support"}}}}}));
  ASSERT_EQ(p.changed.size(), 2u);
  EXPECT_FALSE(p.has_errors()) << issues_json(p.after.issues).dump(1);
  // An empty plan is what SPEC 1 says a new plan is; the checker says calls end unanswered.
  EXPECT_TRUE(has_issue(p, "CP408"));
  const std::string acme = t.read("acme.yaml");
  const std::string after = p.changed.at("acme.yaml");
  const std::string added =
      "  - number: \"+31881234569\"\n"
      "    plan: support\n"
      "    label: Support line\n";
  const std::string anchor = "    label: Sales and support line\n";
  std::string expected = acme;
  expected.insert(expected.find(anchor) + anchor.size(), added);
  EXPECT_EQ(after, expected);
  const Lines plans = diff_lines(p.text_diff);
  EXPECT_NE(plans.added.find("  - id: support\n    label: Support line\n"), std::string::npos)
      << plans.added;
  EXPECT_EQ(plans.removed, "");
  const json model = model_json(p.after.tenant, p.after_root);
  ASSERT_EQ(model["numbers"].size(), 3u);
  EXPECT_EQ(model["numbers"][2]["plan"], "support");
}

TEST(NumberChanges, PointingANumberAtAnotherPlanChangesOneLineAndTheRouting) {
  testing::TempTenant t;
  Workspace ws(t.top());
  const Preview p = ws.preview(json::array(
      {{{"op", "update_number"}, {"number", "+31881234568"},
        {"set", {{"plan", "main"}, {"label", nullptr}}}}}));
  const Lines lines = diff_lines(p.text_diff);
  EXPECT_EQ(lines.removed, "    plan: service\n    label: Sales and support line\n");
  EXPECT_EQ(lines.added, "    plan: main\n");
  ASSERT_TRUE(p.routing);
  EXPECT_TRUE(p.routing->routing_changed());
  // The service plan is now used by nothing: the checker says so (a warning, not an error).
  EXPECT_FALSE(p.has_errors());
  EXPECT_TRUE(has_issue(p, "CP403"));
}

TEST(NumberChanges, ARemovedNumberTakesItsLinesAndItsPlanMayGoToo) {
  testing::TempTenant t;
  Workspace ws(t.top());
  const Preview p = ws.preview(json::array(
      {{{"op", "remove_number"}, {"number", "+31881234568"}},
       {{"op", "remove_plan"}, {"plan", "service"}}}));
  // Five users show that number on their outgoing calls: the preview says so (CP213), and
  // such a change cannot be saved until their caller ID is changed too.
  EXPECT_TRUE(p.has_errors());
  EXPECT_TRUE(has_issue(p, "CP213"));
  json fix = json::array({{{"op", "remove_number"}, {"number", "+31881234568"}},
                          {{"op", "remove_plan"}, {"plan", "service"}}});
  for (const char* user : {"002", "003", "004", "005", "006"})
    fix.push_back({{"op", "update_user"}, {"extension", user}, {"set", {{"caller_id", nullptr}}}});
  const Preview fixed = ws.preview(fix);
  EXPECT_FALSE(fixed.has_errors()) << issues_json(fixed.after.issues).dump(1);
  const std::string acme = p.changed.at("acme.yaml");
  EXPECT_EQ(acme.find("+31881234568"), std::string::npos);
  std::string expected = t.read("acme.yaml");
  const std::string gone =
      "  - number: \"+31881234568\"\n"
      "    plan: service\n"
      "    label: Sales and support line\n";
  expected.erase(expected.find(gone), gone.size());
  EXPECT_EQ(acme, expected);
  // The plan with the comment directly above it; the other plan and its comments stay.
  const std::string plans = p.changed.at("plans.yaml");
  EXPECT_EQ(plans.find("id: service"), std::string::npos);
  EXPECT_EQ(plans.find("# +31881234568, sales and support"), std::string::npos);
  EXPECT_NE(plans.find("# +31881234567, the main line."), std::string::npos);
}

TEST(NumberChanges, WrongChangesAreRefusedByName) {
  testing::TempTenant t;
  Workspace ws(t.top());
  auto add = [](json number) { return json::array({{{"op", "add_number"}, {"number", number}}}); };
  EXPECT_EQ(refusal(ws, add({{"number", "+31881234567"}, {"plan", "main"}})), "number-exists");
  EXPECT_EQ(refusal(ws, add({{"number", "+31881234569"}})), "bad-change");  // no plan
  EXPECT_EQ(refusal(ws, add({{"number", "+31881234569"}, {"plan", "main"}, {"ring", 1}})),
            "bad-change");
  EXPECT_EQ(refusal(ws, json::array({{{"op", "update_number"}, {"number", "+31999"},
                                      {"set", {{"plan", "main"}}}}})),
            "no-such-number");
  EXPECT_EQ(refusal(ws, json::array({{{"op", "update_number"}, {"number", "+31881234567"},
                                      {"set", {{"plan", nullptr}}}}})),
            "bad-change");
  EXPECT_EQ(refusal(ws, json::array({{{"op", "update_number"}, {"number", "+31881234567"},
                                      {"set", {{"number", "+31881234568"}}}}})),
            "number-exists");
  EXPECT_EQ(refusal(ws, json::array({{{"op", "remove_number"}, {"number", "+31999"}}})),
            "no-such-number");
  EXPECT_EQ(refusal(ws, json::array({{{"op", "add_plan"}, {"plan", {{"id", "main"}}}}})),
            "plan-exists");
  EXPECT_EQ(refusal(ws, json::array({{{"op", "add_plan"},
                                      {"plan", {{"id", "x"}, {"steps", json::array()}}}}})),
            "bad-change");
  EXPECT_EQ(refusal(ws, json::array({{{"op", "remove_plan"}, {"plan", "nope"}}})), "no-such-plan");
  // A number pointed at a plan that does not exist is the checker's error, on its line.
  const Preview p = ws.preview(add({{"number", "+31881234569"}, {"plan", "mian"}}));
  EXPECT_TRUE(p.has_errors());
}

TEST(NumberChanges, OnlyAnAdministratorSendsThem) {
  testing::TempTenant t;
  Workspace ws(t.top());
  const User* bram = find_user(ws.current().tenant, "002");
  const User* anna = find_user(ws.current().tenant, "001");
  ASSERT_TRUE(bram && anna);
  for (const json& change :
       {json{{"op", "add_number"}, {"number", {{"number", "+31881234569"}, {"plan", "main"}}}},
        json{{"op", "update_number"}, {"number", "+31881234568"}, {"set", {{"plan", "main"}}}},
        json{{"op", "remove_number"}, {"number", "+31881234568"}},
        json{{"op", "add_plan"}, {"plan", {{"id", "x"}}}},
        json{{"op", "remove_plan"}, {"plan", "service"}}}) {
    EXPECT_TRUE(refuse_changes(*bram, json::array({change})).has_value()) << change.dump();
    EXPECT_FALSE(refuse_changes(*anna, json::array({change})).has_value()) << change.dump();
  }
}

// A new company has no `numbers:` and no `plans:`: they are added at the end of its file,
// in block style, and the comments above stay byte for byte.
TEST(NumberChanges, ANewCompanysFirstNumberAndPlanAreAddedToItsFile) {
  testing::TempTenant t;
  const std::filesystem::path dir = t.file("new");
  std::filesystem::create_directories(dir);
  std::filesystem::copy(CALLPLAN_FIXTURES "/new-company/acme.yaml", dir / "acme.yaml");
  Workspace ws(dir / "acme.yaml");
  const std::string before = t.read("new/acme.yaml");
  const Preview p = ws.preview(json::array(
      {{{"op", "add_plan"}, {"plan", {{"id", "main"}, {"label", "Main line"}}}},
       {{"op", "add_number"},
        {"number", {{"number", "+31881234567"}, {"plan", "main"}, {"label", "Main line"}}}}}));
  const std::string after = p.changed.at("acme.yaml");
  ASSERT_EQ(after.substr(0, before.size()), before);
  EXPECT_EQ(after.substr(before.size()),
            "plans:\n"
            "  - id: main\n"
            "    label: Main line\n"
            "numbers:\n"
            "  - number: \"+31881234567\"\n"
            "    plan: main\n"
            "    label: Main line\n");
  const json model = model_json(p.after.tenant, p.after_root);
  EXPECT_EQ(model["numbers"][0]["number"], "+31881234567");
}

}  // namespace
}  // namespace callplan::panel
