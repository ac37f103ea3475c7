// Plan-test files: what the loader accepts and how it reports what it does not.
#include <gtest/gtest.h>

#include <algorithm>

#include "callplan/plan_test.hpp"
#include "schedule/instant.hpp"

namespace callplan {
namespace {

const Issue* find_code(const Issues& issues, std::string_view code) {
  auto it = std::find_if(issues.begin(), issues.end(),
                         [&](const Issue& i) { return i.code == code; });
  return it == issues.end() ? nullptr : &*it;
}

TEST(PlanTestLoad, ReadsEveryFieldOfATest) {
  PlanTestLoad load = load_plan_tests_string(R"(tenant: acme.yaml
tests:
  - name: office hours
    call: {from: "+31201234567", to: "+31881234567", at: "2026-11-30T10:00"}
    presence: {"002": busy, "003": offline}
    answer: {"001": 5, "0612345678": busy}
    digits: "1#"
    hangup_after: 40
    seed: 7
    state: {"main/2": "002"}
    expect:
      disposition: answered
      by: "001"
      rings: [["001"], ["001", "002"], "003"]
      t: 5
)",
                                             "dir/tests.yaml");
  ASSERT_TRUE(load.issues.empty()) << to_string(load.issues.front());
  EXPECT_EQ(load.suite.tenant_path, "dir/acme.yaml");
  ASSERT_EQ(load.suite.tests.size(), 1u);
  const PlanTest& t = load.suite.tests[0];
  EXPECT_EQ(t.name.value, "office hours");
  EXPECT_EQ(t.from.value, "+31201234567");
  EXPECT_EQ(t.to.value, "+31881234567");
  EXPECT_EQ(t.at.value, "2026-11-30T10:00");
  ASSERT_EQ(t.presence.size(), 2u);
  EXPECT_EQ(t.presence[1].extension.value, "003");
  EXPECT_EQ(t.presence[1].state.value, "offline");
  ASSERT_EQ(t.answer.size(), 2u);
  EXPECT_EQ(t.answer[0].after_seconds, 5u);
  EXPECT_FALSE(t.answer[0].busy);
  EXPECT_TRUE(t.answer[1].busy);
  EXPECT_EQ(t.digits.value, "1#");
  ASSERT_TRUE(t.hangup_after);
  EXPECT_EQ(t.hangup_after->value, 40u);
  EXPECT_EQ(t.seed.value, 7u);
  ASSERT_EQ(t.state.size(), 1u);
  EXPECT_EQ(t.state[0].group.value, "main/2");
  EXPECT_EQ(t.expect.disposition.value, "answered");
  ASSERT_TRUE(t.expect.rings);
  std::vector<std::vector<std::string>> rings{{"001"}, {"001", "002"}, {"003"}};
  EXPECT_EQ(*t.expect.rings, rings);
  ASSERT_TRUE(t.expect.t);
  EXPECT_EQ(t.expect.t->value, 5u);
  // Locations point into the test file.
  Location at = load.suite.sources.location(t.to.where);
  EXPECT_EQ(at.file, "dir/tests.yaml");
  EXPECT_EQ(at.line, 4u);
}

TEST(PlanTestLoad, UnknownKeyHasLocationAndHint) {
  PlanTestLoad load = load_plan_tests_string(R"(tenant: acme.yaml
tests:
  - name: a
    call: {to: "001"}
    expcet: {disposition: answered}
)",
                                             "t.yaml");
  const Issue* unknown = find_code(load.issues, "CP500");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->location.line, 5u);
  EXPECT_EQ(unknown->location.column, 5u);
  ASSERT_FALSE(unknown->hints.empty());
  EXPECT_EQ(unknown->hints[0], "did you mean `expect`?");
  EXPECT_NE(find_code(load.issues, "CP502"), nullptr);  // and expect is missing
}

TEST(PlanTestLoad, BadValuesAreReportedWhereWritten) {
  PlanTestLoad load = load_plan_tests_string(R"(tenant: acme.yaml
tests:
  - name: a
    call: {to: "001", at: "30-11-2026 10:00"}
    presence: {"002": bussy}
    answer: {"001": soon}
    expect: {disposition: answerd, t: -3}
)",
                                             "t.yaml");
  std::vector<std::pair<std::uint32_t, std::string>> got;
  for (const Issue& i : load.issues) {
    EXPECT_EQ(i.code, "CP501") << to_string(i);
    got.emplace_back(i.location.line, i.hints.empty() ? "" : i.hints[0]);
  }
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0].first, 4u);
  EXPECT_EQ(got[1], (std::pair<std::uint32_t, std::string>{5, "did you mean `busy`?"}));
  EXPECT_EQ(got[2].first, 6u);
  EXPECT_EQ(got[3], (std::pair<std::uint32_t, std::string>{7, "did you mean `answered`?"}));
  EXPECT_EQ(got[4].first, 7u);
}

TEST(PlanTestLoad, MissingFieldsAndDuplicateNames) {
  PlanTestLoad load = load_plan_tests_string(R"(tests:
  - name: same
    call: {from: "001"}
    expect: {disposition: unanswered}
  - name: same
    call: {to: "001"}
    expect: {disposition: unanswered}
)",
                                             "t.yaml");
  std::vector<std::string> codes;
  for (const Issue& i : load.issues) codes.push_back(i.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"CP502", "CP502", "CP505"}));
  EXPECT_EQ(load.issues[2].location.line, 5u);
  EXPECT_EQ(load.issues[2].severity, Severity::warning);
}

TEST(PlanTestLoad, DuplicateYamlKeyAndSyntaxError) {
  PlanTestLoad dup = load_plan_tests_string(
      "tenant: a.yaml\ntenant: b.yaml\ntests: []\n", "t.yaml");
  ASSERT_NE(find_code(dup.issues, "CP104"), nullptr);
  EXPECT_EQ(find_code(dup.issues, "CP104")->location.line, 2u);

  PlanTestLoad bad = load_plan_tests_string("tenant: [a\ntests: x\n", "t.yaml");
  ASSERT_EQ(bad.issues.size(), 1u);
  EXPECT_EQ(bad.issues[0].code, "CP100");
  EXPECT_TRUE(bad.issues[0].location.known());
}

// Test files are read by the loader's YAML tree: the same codes, places and notes as tenants.
TEST(PlanTestLoad, YamlProblemsAreReportedAsTheLoaderReportsThem) {
  PlanTestLoad dup = load_plan_tests_string(
      "tenant: a.yaml\ntenant: b.yaml\ntests: []\n", "t.yaml");
  const Issue* twice = find_code(dup.issues, "CP104");
  ASSERT_NE(twice, nullptr);
  ASSERT_EQ(twice->notes.size(), 1u);
  EXPECT_EQ(twice->notes[0].location.line, 1u);  // "first defined here"
  EXPECT_EQ(dup.suite.tenant.value, "a.yaml");   // the first one counts

  PlanTestLoad bom = load_plan_tests_string("\xEF\xBB\xBFtenant: a.yaml\ntests: x\n", "t.yaml");
  ASSERT_EQ(bom.issues.size(), 1u);
  EXPECT_EQ(bom.issues[0].location.column, 8u);  // counted from `tests`, not from the mark

  PlanTestLoad two = load_plan_tests_string("tenant: a.yaml\ntests: []\n---\nx: 1\n", "t.yaml");
  ASSERT_EQ(two.issues.size(), 1u);
  EXPECT_EQ(two.issues[0].code, "CP100");
  EXPECT_EQ(two.issues[0].location.line, 3u);
  EXPECT_NE(two.issues[0].message.find("a test file holds one YAML document"), std::string::npos);

  PlanTestLoad tab = load_plan_tests_string("tenant: a.yaml\ntests:\n\t- name: x\n", "t.yaml");
  ASSERT_EQ(tab.issues.size(), 1u);
  EXPECT_EQ(tab.issues[0].message, "a tab is used for indentation; YAML allows only spaces");
}

TEST(PlanTestLoad, UnreadableFileThrows) {
  EXPECT_THROW(load_plan_tests("/nonexistent/tests.yaml"), Error);
}

TEST(Instant, LocalTimeIsInTheGivenZone) {
  auto winter = detail::parse_instant("2026-11-30T10:00", "Europe/Amsterdam");
  ASSERT_TRUE(winter);
  EXPECT_EQ(detail::format_instant(*winter, "UTC"), "2026-11-30T09:00:00+00:00");
  auto summer = detail::parse_instant("2026-07-01T10:00:30", "Europe/Amsterdam");
  ASSERT_TRUE(summer);
  EXPECT_EQ(detail::format_instant(*summer, "Europe/Amsterdam"), "2026-07-01T10:00:30+02:00");
  auto offset = detail::parse_instant("2026-07-01T10:00-04:00", "Europe/Amsterdam");
  ASSERT_TRUE(offset);
  EXPECT_EQ(detail::format_instant(*offset, "UTC"), "2026-07-01T14:00:00+00:00");
  auto zulu = detail::parse_instant("2026-07-01T10:00Z", "Europe/Amsterdam");
  EXPECT_EQ(detail::format_instant(*zulu, "UTC"), "2026-07-01T10:00:00+00:00");
}

TEST(Instant, DstGapMovesForwardAndAmbiguousTakesEarlier) {
  // 2026-03-29 02:30 does not exist in Amsterdam: it is 03:30 CEST (01:30 UTC).
  auto gap = detail::parse_instant("2026-03-29T02:30", "Europe/Amsterdam");
  ASSERT_TRUE(gap);
  EXPECT_EQ(detail::format_instant(*gap, "UTC"), "2026-03-29T01:30:00+00:00");
  // 2026-10-25 02:30 happens twice; the first is still CEST (00:30 UTC).
  auto twice = detail::parse_instant("2026-10-25T02:30", "Europe/Amsterdam");
  ASSERT_TRUE(twice);
  EXPECT_EQ(detail::format_instant(*twice, "UTC"), "2026-10-25T00:30:00+00:00");
}

TEST(Instant, FoldAfterReadsWithTheOffsetAfterTheChangeLikePython) {
  using detail::Fold;
  // datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Amsterdam")): the second
  // 02:30, in CET (01:30 UTC).
  auto twice = detail::parse_instant("2026-10-25T02:30", "Europe/Amsterdam", nullptr, Fold::after);
  ASSERT_TRUE(twice);
  EXPECT_EQ(detail::format_instant(*twice, "UTC"), "2026-10-25T01:30:00+00:00");
  // In the gap, fold=1 reads 02:30 with CEST: 00:30 UTC, which is 01:30 CET.
  auto gap = detail::parse_instant("2026-03-29T02:30", "Europe/Amsterdam", nullptr, Fold::after);
  ASSERT_TRUE(gap);
  EXPECT_EQ(detail::format_instant(*gap, "UTC"), "2026-03-29T00:30:00+00:00");
  // Away from a change, fold does nothing; an explicit offset wins.
  EXPECT_EQ(detail::parse_instant("2026-07-01T10:00", "Europe/Amsterdam", nullptr, Fold::after),
            detail::parse_instant("2026-07-01T10:00", "Europe/Amsterdam"));
  EXPECT_EQ(detail::format_instant(*detail::parse_instant("2026-10-25T02:30+02:00", "UTC",
                                                          nullptr, Fold::after),
                                   "UTC"),
            "2026-10-25T00:30:00+00:00");
}

TEST(Instant, RejectsWhatIsNotIso8601) {
  std::string error;
  for (std::string_view bad : {"2026-02-30T10:00", "2026-11-30", "2026-11-30T24:00",
                               "30-11-2026T10:00", "2026-11-30T10:00+1", "tomorrow"}) {
    EXPECT_FALSE(detail::valid_instant_syntax(bad)) << bad;
    EXPECT_FALSE(detail::parse_instant(bad, "UTC", &error)) << bad;
    EXPECT_NE(error.find("YYYY-MM-DDTHH:MM"), std::string::npos);
  }
  EXPECT_FALSE(detail::parse_instant("2026-11-30T10:00", "Mars/Olympus", &error));
  EXPECT_EQ(error, "unknown time zone `Mars/Olympus`");
}

}  // namespace
}  // namespace callplan
