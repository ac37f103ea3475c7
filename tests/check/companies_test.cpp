// Conflicts between companies served together (check/companies.hpp, CP600-CP602): the
// fixtures in tests/check/fixtures/companies/<code>-<name>/ (two files, the second one's first
// line `# expect: CPxxx LINE:COL note FIRST:LINE:COL`), and the claim table the server uses.
#include "check/companies.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "callplan/check.hpp"
#include "callplan/load.hpp"
#include "check/issue_matchers.hpp"

namespace callplan::testing {
namespace {

namespace fs = std::filesystem;

fs::path company_fixtures() {
  return fs::path(CALLPLAN_SOURCE_DIR) / "tests/check/fixtures/companies";
}

std::vector<fs::path> sorted_entries(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string first_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

TEST(CompanyFixtures, EachFixtureReportsExactlyItsCodeAtTheSecondFile) {
  std::vector<fs::path> fixtures = sorted_entries(company_fixtures());
  ASSERT_FALSE(fixtures.empty());
  static const std::regex kExpect(R"(^# expect: (CP6\d\d) (\d+):(\d+) note ([^ :]+):(\d+):(\d+)$)");
  for (const fs::path& dir : fixtures) {
    SCOPED_TRACE(dir.filename().string());
    std::vector<fs::path> files = sorted_entries(dir);
    ASSERT_EQ(files.size(), 2u) << "a company fixture is two files, the second in conflict";
    std::smatch m;
    std::string expect = first_line(files[1]);
    ASSERT_TRUE(std::regex_match(expect, m, kExpect)) << expect;
    EXPECT_EQ(dir.filename().string().substr(0, 5), m[1].str());

    std::vector<CheckedTenant> loaded;
    for (const fs::path& f : files) {
      loaded.push_back(load_and_check(f.string()));
      EXPECT_TRUE(loaded.back().issues.empty()) << f << "\n" << dump(loaded.back().issues);
    }
    const Tenant* tenants[] = {&loaded[0].tenant, &loaded[1].tenant};
    std::vector<Issues> found = check_companies(tenants);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_TRUE(found[0].empty()) << "the first file is never the one in conflict\n"
                                  << dump(found[0]);
    ASSERT_EQ(found[1].size(), 1u) << dump(found[1]);
    const Issue& issue = found[1][0];
    EXPECT_EQ(issue.code, m[1].str());
    EXPECT_EQ(issue.severity, Severity::error);
    EXPECT_EQ(issue.location.file, files[1].string());
    EXPECT_EQ(issue.location.line, std::stoul(m[2]));
    EXPECT_EQ(issue.location.column, std::stoul(m[3]));
    ASSERT_EQ(issue.notes.size(), 1u);
    EXPECT_EQ(issue.notes[0].location.file, (dir / m[4].str()).string());
    EXPECT_EQ(issue.notes[0].location.line, std::stoul(m[5]));
    EXPECT_EQ(issue.notes[0].location.column, std::stoul(m[6]));
    EXPECT_FALSE(issue.hints.empty());
  }
}

TEST(CompanyFixtures, EveryCompanyCodeHasAFixture) {
  std::set<std::string> covered;
  for (const fs::path& dir : sorted_entries(company_fixtures()))
    covered.insert(dir.filename().string().substr(0, 5));
  for (const IssueKind& kind : issue_kinds()) {
    if (kind.code.size() <= 2 || kind.code[2] != '6') continue;
    EXPECT_TRUE(covered.count(std::string(kind.code)) > 0)
        << "no fixture tests/check/fixtures/companies/" << kind.code << "-<name>/";
  }
}

Tenant tenant_from(const std::string& text, const std::string& name) {
  LoadResult r = load_string(text, name);
  EXPECT_TRUE(r.issues.empty()) << dump(r.issues);
  return std::move(r.tenant);
}

const char* kAlpha = R"(version: 1
tenant: {name: Alpha, login: alpha, timezone: Europe/Amsterdam, country: NL}
numbers: [{number: "+31881234567", plan: main}, {number: "+31881234568", plan: main}]
users: [{extension: "001", first_name: A, last_name: B}]
devices: [{id: desk, user: "001", sip: {password: "pw-alpha"}}]
plans: [{id: main, steps: [{transfer: {to: "001"}}]}]
)";

const char* kBeta = R"(version: 1
tenant: {name: Beta, login: beta, timezone: Europe/Brussels, country: BE}
numbers: [{number: "+3222222222", plan: main}]
users: [{extension: "001", first_name: C, last_name: D}]
devices: [{id: desk, user: "001", sip: {password: "pw-beta"}}]
plans: [{id: main, steps: [{transfer: {to: "001"}}]}]
)";

TEST(Claims, EveryNumberUsernameAndTheLoginInE164AndDefaultForms) {
  Tenant alpha = tenant_from(kAlpha, "alpha.yaml");
  std::vector<Claim> claims = claims_of(alpha);
  std::set<std::string> keys;
  for (const Claim& c : claims) keys.insert(std::to_string(static_cast<int>(c.kind)) + c.key);
  EXPECT_EQ(keys, (std::set<std::string>{"0+31881234567", "0+31881234568", "1alpha-desk",
                                         "2alpha"}));
}

TEST(Claims, SameExtensionsAndDeviceIdsInTwoCompaniesAreNoConflict) {
  Tenant alpha = tenant_from(kAlpha, "alpha.yaml");
  Tenant beta = tenant_from(kBeta, "beta.yaml");
  const Tenant* both[] = {&alpha, &beta};
  std::vector<Issues> found = check_companies(both);
  EXPECT_TRUE(found[0].empty());
  EXPECT_TRUE(found[1].empty()) << dump(found[1]);
}

TEST(Claims, ANationalNumberIsComparedInItsOwnCompanysCountry) {
  // 022222222 is +3222222222 in Belgium: the same number as Beta's, written nationally.
  std::string gamma = R"(version: 1
tenant: {name: Gamma, login: gamma, timezone: Europe/Brussels, country: BE}
numbers: [{number: "022222222", plan: main}]
users: [{extension: "001", first_name: E, last_name: F}]
devices: [{id: desk, user: "001", sip: {password: "pw-gamma"}}]
plans: [{id: main, steps: [{transfer: {to: "001"}}]}]
)";
  Tenant beta = tenant_from(kBeta, "beta.yaml");
  Tenant g = tenant_from(gamma, "gamma.yaml");
  const Tenant* both[] = {&beta, &g};
  std::vector<Issues> found = check_companies(both);
  Issue issue = only_issue(found[1], "CP600");
  EXPECT_NE(issue.message.find("`022222222` already belongs to company `beta` (beta.yaml)"),
            std::string::npos)
      << issue.message;
  EXPECT_EQ(issue.notes.at(0).location.file, "beta.yaml");
}

TEST(ClaimTable, AHolderMayReloadItsOwnClaimsAndLosesThemWhenRemoved) {
  Tenant alpha = tenant_from(kAlpha, "alpha.yaml");
  std::vector<Claim> claims = claims_of(alpha);
  ClaimTable table;
  table.add(claims, 0, "alpha");
  EXPECT_TRUE(table.conflicts(claims, 0).empty());       // its own new version
  EXPECT_EQ(table.conflicts(claims, 1).size(), claims.size());  // anyone else: every claim
  EXPECT_EQ(table.owner(Claim::Kind::number, "+31881234567"), 0u);
  table.remove(0);
  EXPECT_TRUE(table.conflicts(claims, 1).empty());
  EXPECT_EQ(table.owner(Claim::Kind::number, "+31881234567"), ClaimTable::kNobody);
}

TEST(ClaimTable, EachConflictIsReportedOnceAtTheLaterFileOnly) {
  Tenant alpha = tenant_from(kAlpha, "alpha.yaml");
  Tenant again = tenant_from(kAlpha, "again.yaml");  // the whole company twice
  const Tenant* both[] = {&alpha, &again};
  std::vector<Issues> found = check_companies(both);
  EXPECT_TRUE(found[0].empty());
  std::multiset<std::string> codes;
  for (const Issue& i : found[1]) codes.insert(i.code);
  EXPECT_EQ(codes, (std::multiset<std::string>{"CP600", "CP600", "CP601", "CP602"}));
}

}  // namespace
}  // namespace callplan::testing
