// SARIF 2.1.0: Debian ships no copy of the OASIS JSON schema, so this test checks by hand the
// parts of it that consumers (GitHub code scanning, VS Code SARIF viewer) rely on; the CLI test
// tests/cli/test_cli.py checks the same on real output.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "callplan/report.hpp"
#include "format/fixtures.hpp"

namespace callplan {
namespace {

using nlohmann::json;

TEST(SarifFormat, HasTheRequiredTopLevelShape) {
  test::Fixture fx;
  json doc = json::parse(format_sarif(fx.files));
  EXPECT_EQ(doc["version"], "2.1.0");
  EXPECT_NE(doc["$schema"].get<std::string>().find("sarif-schema-2.1.0.json"), std::string::npos);
  ASSERT_EQ(doc["runs"].size(), 1U);
  const json& run = doc["runs"][0];
  EXPECT_EQ(run["columnKind"], "unicodeCodePoints");
  const json& driver = run["tool"]["driver"];
  EXPECT_EQ(driver["name"], "callplan");
  EXPECT_TRUE(driver["version"].is_string());
  EXPECT_EQ(driver["informationUri"].get<std::string>().rfind("https://", 0), 0U);
}

TEST(SarifFormat, RulesAreTheWholeCatalogue) {
  test::Fixture fx;
  json doc = json::parse(format_sarif(fx.files));
  const json& rules = doc["runs"][0]["tool"]["driver"]["rules"];
  const auto& kinds = issue_kinds();
  ASSERT_EQ(rules.size(), kinds.size());
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    EXPECT_EQ(rules[i]["id"], std::string(kinds[i].code));
    EXPECT_EQ(rules[i]["name"], std::string(kinds[i].name));
    EXPECT_EQ(rules[i]["shortDescription"]["text"], std::string(kinds[i].summary));
    EXPECT_EQ(rules[i]["defaultConfiguration"]["level"], std::string(to_string(kinds[i].severity)));
  }
}

TEST(SarifFormat, ResultsPointAtRulesAndRegions) {
  test::Fixture fx;
  json doc = json::parse(format_sarif(fx.files));
  const json& run = doc["runs"][0];
  const json& results = run["results"];
  ASSERT_EQ(results.size(), 3U);
  for (const json& r : results) {
    std::size_t index = r["ruleIndex"];
    EXPECT_EQ(run["tool"]["driver"]["rules"][index]["id"], r["ruleId"]);
  }
  const json& dup = results[0];
  EXPECT_EQ(dup["level"], "error");
  EXPECT_EQ(dup["message"]["text"], "extension 001 is used by two users");
  const json& loc = dup["locations"][0]["physicalLocation"];
  EXPECT_EQ(loc["artifactLocation"]["uri"], "acme.yaml");
  EXPECT_EQ(loc["region"], json::parse(R"({"startLine":4,"startColumn":16,"endColumn":21})"));
  ASSERT_EQ(dup["relatedLocations"].size(), 1U);
  EXPECT_EQ(dup["relatedLocations"][0]["message"]["text"], "first defined here");
  EXPECT_EQ(dup["relatedLocations"][0]["physicalLocation"]["region"]["startLine"], 3);

  EXPECT_EQ(results[1]["message"]["text"],
            "unknown key `stratgy` in ring_group\nhint: did you mean `strategy`?");
  EXPECT_EQ(results[2]["level"], "warning");
}

TEST(SarifFormat, ConvertsByteColumnsToCodePoints) {
  test::Fixture fx;
  json doc = json::parse(format_sarif(fx.files));
  // users.yaml line 2: "  label: Café réception, main"; the token starts at byte 10, which is
  // also code point 10, and its 20 code points (24 bytes) end before code point 30.
  const json& region = doc["runs"][0]["results"][2]["locations"][0]["physicalLocation"]["region"];
  EXPECT_EQ(region["startColumn"], 10);
  EXPECT_EQ(region["endColumn"], 30);

  SourceMap sources;
  sources.add_file("t.yaml", "label: \xC3\xA9t\xC3\xA9 x\n");
  Issue i = test::typo_issue();
  i.location = {"t.yaml", 1, 14};
  std::vector<FileReport> files{{"t.yaml", {i}, &sources}};
  json doc2 = json::parse(format_sarif(files));
  EXPECT_EQ(doc2["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
                ["startColumn"],
            12);
}

TEST(SarifFormat, EncodesPathsAsUris) {
  Issue a = test::typo_issue();
  a.location = {"my tenants/acme #1.yaml", 0, 0};
  Issue b = test::typo_issue();
  b.location = {"/srv/pbx/acme.yaml", 2, 1};
  std::vector<FileReport> files{{"x", {a, b}, nullptr}};
  json doc = json::parse(format_sarif(files));
  const json& results = doc["runs"][0]["results"];
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "my%20tenants/acme%20%231.yaml");
  EXPECT_FALSE(results[0]["locations"][0]["physicalLocation"].contains("region"));
  EXPECT_EQ(results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "file:///srv/pbx/acme.yaml");
}

TEST(SarifFormat, EmptyRunStillValid) {
  std::vector<FileReport> files{{"acme.yaml", {}, nullptr}};
  json doc = json::parse(format_sarif(files));
  EXPECT_TRUE(doc["runs"][0]["results"].is_array());
  EXPECT_TRUE(doc["runs"][0]["results"].empty());
}

}  // namespace
}  // namespace callplan
