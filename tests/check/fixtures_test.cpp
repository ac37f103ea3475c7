// Runs every tests/check/fixtures/CPxxx-<name>.yaml through load_string + check. Each fixture
// is a small complete tenant with exactly one problem and a first line
//   # expect: CPxxx LINE:COL            (in the fixture itself), or
//   # expect: CPxxx FILE:LINE:COL       (in a file it includes, relative to the fixture)
// that says which issue must be reported where. Prompts are measured with the hosts' own
// meter (src/media/prompt: libsndfile), so CP410-CP412 come from real files; its synthesizer
// is a program that does not exist, so every spoken prompt is CP412 here. No other error may be reported, and no other
// warning either, so a fixture also proves that the problem is not reported twice.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "callplan/check.hpp"
#include "callplan/load.hpp"
#include "callplan/prompts.hpp"
#include "check/issue_matchers.hpp"
#include "media/prompt/prompt_meter.hpp"

namespace callplan::testing {
namespace {

namespace fs = std::filesystem;

fs::path fixture_dir() { return fs::path(CALLPLAN_SOURCE_DIR) / "tests/check/fixtures"; }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> code_fixtures() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(fixture_dir())) {
    std::string name = entry.path().filename().string();
    if (name.rfind("CP", 0) == 0 && entry.path().extension() == ".yaml") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

const PromptMeter& fixture_prompt_meter() {
  static media::PromptCache cache([] {
    media::PromptCache::Options o;
    o.speech_folder = fs::temp_directory_path() / "callplan-check-fixtures-speech";
    o.speech.program = "callplan-test-no-such-espeak";
    return o;
  }());
  static const PromptMeter meter = media::prompt_meter(cache);
  return meter;
}

// `name` is the fixture's full path, so that its includes and prompts resolve next to it.
Issues load_and_check_text(const std::string& text, const std::string& name) {
  LoadResult loaded = load_string(text, name);
  Issues all = loaded.issues;
  Issues found = check(loaded.tenant);
  all.insert(all.end(), found.begin(), found.end());
  Issues measured = measure_prompts(loaded.tenant, fixture_prompt_meter());
  all.insert(all.end(), measured.begin(), measured.end());
  return all;
}

struct Expectation {
  std::string code;
  std::string file;  // relative to the fixture directory; empty: the fixture itself
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

std::optional<Expectation> parse_expectation(const std::string& text) {
  static const std::regex kExpect(R"(^# expect: (CP\d{3}) (?:([^ :]+):)?(\d+):(\d+)\s*\n)");
  std::smatch m;
  if (!std::regex_search(text, m, kExpect)) return std::nullopt;
  return Expectation{m[1], m[2], static_cast<std::uint32_t>(std::stoul(m[3])),
                     static_cast<std::uint32_t>(std::stoul(m[4]))};
}

TEST(CheckFixtures, EachFixtureReportsExactlyItsCodeAtItsPlace) {
  std::vector<fs::path> fixtures = code_fixtures();
  ASSERT_FALSE(fixtures.empty());
  for (const fs::path& path : fixtures) {
    SCOPED_TRACE(path.filename().string());
    std::string text = read_text(path);
    std::optional<Expectation> expect = parse_expectation(text);
    ASSERT_TRUE(expect.has_value()) << "first line must be `# expect: CPxxx LINE:COL`";
    EXPECT_EQ(path.filename().string().substr(0, 5), expect->code);
    Issues issues = load_and_check_text(text, path.string());
    std::vector<Issue> expected = with_code(issues, expect->code);
    ASSERT_EQ(expected.size(), 1u) << dump(issues);
    EXPECT_EQ(expected[0].location.line, expect->line) << dump(issues);
    EXPECT_EQ(expected[0].location.column, expect->column) << dump(issues);
    fs::path file = expect->file.empty() ? path : fixture_dir() / expect->file;
    EXPECT_EQ(fs::path(expected[0].location.file).lexically_normal(), file.lexically_normal());
    for (const Issue& i : issues) {
      EXPECT_EQ(i.code, expect->code) << "unexpected other issue:\n" << dump(issues);
    }
  }
}

TEST(CheckFixtures, EveryCheckerCodeHasAFixture) {
  std::set<std::string> covered;
  for (const fs::path& path : code_fixtures()) covered.insert(path.filename().string().substr(0, 5));
  for (const IssueKind& kind : issue_kinds()) {
    char family = kind.code.size() > 2 ? kind.code[2] : '0';
    if (family < '2' || family > '4') continue;
    EXPECT_TRUE(covered.count(std::string(kind.code)) > 0)
        << "no fixture tests/check/fixtures/" << kind.code << "-<name>.yaml";
  }
}

TEST(CheckFixtures, CleanTenantHasNoIssuesAtAll) {
  fs::path path = fixture_dir() / "clean.yaml";
  Issues issues = load_and_check_text(read_text(path), path.string());
  EXPECT_TRUE(issues.empty()) << dump(issues);
}

TEST(CheckFixtures, LoadAndCheckMergesLoaderAndCheckerIssuesInOrder) {
  fs::path path = fixture_dir() / "CP403-unused-plan.yaml";
  CheckedTenant checked = load_and_check(path.string());
  ASSERT_EQ(checked.issues.size(), 1u) << dump(checked.issues);
  EXPECT_EQ(checked.issues[0].code, "CP403");
  EXPECT_EQ(checked.issues[0].location.file, path.string());
  EXPECT_FALSE(checked.tenant.plans.empty());
}

}  // namespace
}  // namespace callplan::testing
