// docs/diagnostics.md documents every code of the catalogue, and nothing else.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "callplan/diagnostics.hpp"

namespace callplan::testing {
namespace {

std::set<std::string> documented_codes() {
  std::ifstream in(std::filesystem::path(CALLPLAN_SOURCE_DIR) / "docs/diagnostics.md");
  EXPECT_TRUE(in.good()) << "docs/diagnostics.md is missing";
  std::set<std::string> codes;
  static const std::regex kSection(R"(^## (CP\d{3})\s*$)");
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, kSection)) {
      EXPECT_TRUE(codes.insert(m[1]).second) << "two sections for " << m[1];
    }
  }
  return codes;
}

TEST(DiagnosticsDocs, EveryCatalogueCodeHasASection) {
  std::set<std::string> documented = documented_codes();
  for (const IssueKind& kind : issue_kinds()) {
    EXPECT_TRUE(documented.count(std::string(kind.code)) > 0)
        << "docs/diagnostics.md has no `## " << kind.code << "` section";
  }
}

TEST(DiagnosticsDocs, EverySectionIsACatalogueCode) {
  for (const std::string& code : documented_codes()) {
    EXPECT_NE(find_issue_kind(code), nullptr) << code << " is documented but not in codes.def";
  }
}

}  // namespace
}  // namespace callplan::testing
