// gcc, json, github: exact text for the hand-made fixture, and escaping edge cases.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "callplan/report.hpp"
#include "format/fixtures.hpp"

namespace callplan {
namespace {

TEST(GccFormat, OneLinePerIssueThenNotesAndHintsAsNotes) {
  test::Fixture fx;
  EXPECT_EQ(format_gcc(fx.files),
            "acme.yaml:4:16: error: extension 001 is used by two users [CP200]\n"
            "acme.yaml:3:16: note: first defined here\n"
            "acme.yaml:9:11: error: unknown key `stratgy` in ring_group [CP101]\n"
            "acme.yaml:9:11: note: did you mean `strategy`?\n"
            "users.yaml:2:10: warning: time-out 17 s is not a multiple of one ring (5 s) "
            "[CP405]\n");
}

TEST(GccFormat, NotesWithoutAPlaceUseTheIssuePlace) {
  Issue i = test::typo_issue();
  i.hints.clear();
  i.notes = {Note{"included from here", {}}};
  std::vector<FileReport> files{{"acme.yaml", {i}, nullptr}};
  EXPECT_EQ(format_gcc(files),
            "acme.yaml:9:11: error: unknown key `stratgy` in ring_group [CP101]\n"
            "acme.yaml:9:11: note: included from here\n");
}

TEST(GccFormat, PrintsNothingWithoutIssues) {
  std::vector<FileReport> files{{"acme.yaml", {}, nullptr}};
  EXPECT_EQ(format_gcc(files), "");
}

TEST(JsonFormat, FollowsVersionOneShape) {
  test::Fixture fx;
  fx.files.push_back(FileReport{"clean.yaml", {}, nullptr});
  auto doc = nlohmann::json::parse(format_json(fx.files));
  EXPECT_EQ(doc["version"], 1);
  ASSERT_EQ(doc["files"].size(), 2U);
  EXPECT_EQ(doc["files"][0]["file"], "acme.yaml");
  EXPECT_EQ(doc["files"][1]["file"], "clean.yaml");
  EXPECT_TRUE(doc["files"][1]["issues"].empty());
  const auto& issues = doc["files"][0]["issues"];
  ASSERT_EQ(issues.size(), 3U);
  EXPECT_EQ(issues[0], nlohmann::json::parse(R"({
    "severity": "error", "code": "CP200", "message": "extension 001 is used by two users",
    "file": "acme.yaml", "line": 4, "column": 16,
    "notes": [{"message": "first defined here", "file": "acme.yaml", "line": 3, "column": 16}],
    "hints": []})"));
  EXPECT_EQ(issues[1]["hints"], nlohmann::json::array({"did you mean `strategy`?"}));
  EXPECT_EQ(issues[2]["file"], "users.yaml");
  EXPECT_EQ(issues[2]["severity"], "warning");
  EXPECT_EQ(doc["summary"], nlohmann::json::parse(R"({"errors": 2, "warnings": 1})"));
}

TEST(JsonFormat, UnknownPlacesAreNullAndKeysKeepTheirOrder) {
  Issue i = test::typo_issue();
  i.location = {"acme.yaml", 0, 0};
  std::vector<FileReport> files{{"acme.yaml", {i}, nullptr}};
  std::string text = format_json(files);
  auto doc = nlohmann::json::parse(text);
  EXPECT_TRUE(doc["files"][0]["issues"][0]["line"].is_null());
  EXPECT_TRUE(doc["files"][0]["issues"][0]["column"].is_null());
  EXPECT_LT(text.find("\"version\""), text.find("\"files\""));
  EXPECT_LT(text.find("\"files\""), text.find("\"summary\""));
}

TEST(JsonFormat, ReplacesInvalidUtf8InsteadOfThrowing) {
  Issue i = test::typo_issue();
  i.message = "bad byte \xFF here";
  std::vector<FileReport> files{{"acme.yaml", {i}, nullptr}};
  auto doc = nlohmann::json::parse(format_json(files));
  EXPECT_EQ(doc["files"][0]["issues"][0]["message"], "bad byte \xEF\xBF\xBD here");
}

TEST(GithubFormat, WritesWorkflowCommands) {
  test::Fixture fx;
  EXPECT_EQ(format_github(fx.files),
            "::error file=acme.yaml,line=4,col=16,title=CP200::extension 001 is used by two "
            "users%0Anote: first defined here (acme.yaml:3:16)\n"
            "::error file=acme.yaml,line=9,col=11,title=CP101::unknown key `stratgy` in "
            "ring_group%0Ahint: did you mean `strategy`?\n"
            "::warning file=users.yaml,line=2,col=10,title=CP405::time-out 17 s is not a "
            "multiple of one ring (5 s)\n");
}

TEST(GithubFormat, EscapesDataAndProperties) {
  Issue i = test::typo_issue();
  i.hints.clear();
  i.message = "100% wrong,\r\nreally: yes";
  i.location = {"dir,name/a:b%.yaml", 1, 2};
  i.severity = Severity::note;
  std::vector<FileReport> files{{"x", {i}, nullptr}};
  EXPECT_EQ(format_github(files),
            "::notice file=dir%2Cname/a%3Ab%25.yaml,line=1,col=2,title=CP101::100%25 "
            "wrong,%0D%0Areally: yes\n");
}

TEST(ReportFormat, ParsesNamesAndDispatches) {
  for (std::string_view name : {"human", "gcc", "json", "sarif", "github"}) {
    auto f = parse_report_format(name);
    ASSERT_TRUE(f.has_value()) << name;
    EXPECT_EQ(to_string(*f), name);
  }
  EXPECT_FALSE(parse_report_format("xml").has_value());
  EXPECT_FALSE(parse_report_format("JSON").has_value());
  test::Fixture fx;
  EXPECT_EQ(format_report(fx.files, {ReportFormat::gcc, false}), format_gcc(fx.files));
  EXPECT_EQ(format_report(fx.files, {ReportFormat::human, true}), format_human(fx.files, true));
}

}  // namespace
}  // namespace callplan
