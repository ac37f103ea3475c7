#include "panel/text_diff.hpp"

#include <gtest/gtest.h>

namespace callplan::panel {
namespace {

TEST(UnifiedDiff, EqualTextsGiveNothing) { EXPECT_EQ(unified_diff("a.yaml", "x\n", "x\n"), ""); }

TEST(UnifiedDiff, AnInsertionWithThreeLinesOfContext) {
  const std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n";
  const std::string after = "1\n2\n3\n4\nnew\n5\n6\n7\n8\n";
  EXPECT_EQ(unified_diff("u.yaml", before, after),
            "--- a/u.yaml\n+++ b/u.yaml\n@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+new\n 5\n 6\n 7\n");
}

TEST(UnifiedDiff, FarApartChangesMakeTwoHunksNearOnesOne) {
  std::string before, after;
  for (int i = 1; i <= 20; ++i) {
    before += std::to_string(i) + "\n";
    after += (i == 2 || i == 18 ? "x" : std::to_string(i)) + "\n";
  }
  const std::string d = unified_diff("f", before, after);
  EXPECT_NE(d.find("@@ -1,5 +1,5 @@\n 1\n-2\n+x\n 3\n 4\n 5\n"), std::string::npos) << d;
  EXPECT_NE(d.find("@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+x\n 19\n 20\n"), std::string::npos) << d;
  std::string near = before;
  near.replace(near.find("\n5\n"), 3, "\ny\n");
  EXPECT_EQ(unified_diff("f", before, near).find("@@", 30), std::string::npos);
}

TEST(UnifiedDiff, RemovalAtTheStartAndAMissingFinalNewline) {
  EXPECT_EQ(unified_diff("f", "a\nb\n", "b\n"), "--- a/f\n+++ b/f\n@@ -1,2 +1 @@\n-a\n b\n");
  EXPECT_EQ(unified_diff("f", "a\nb", "a\nc"),
            "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n"
            "\\ No newline at end of file\n");
}

}  // namespace
}  // namespace callplan::panel
