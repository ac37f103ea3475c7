#include <gtest/gtest.h>

#include "format/source_excerpt.hpp"

namespace callplan::detail {
namespace {

std::string_view token(std::string_view line, std::size_t begin) {
  TokenSpan t = token_span(line, begin);
  return line.substr(t.begin, t.length);
}

TEST(TokenSpan, PlainKeyEndsAtColon) {
  EXPECT_EQ(token("    stratgy: ring_all", 4), "stratgy");
  EXPECT_EQ(token("    stratgy:", 4), "stratgy");
}

TEST(TokenSpan, PlainValueRunsToCommentOrEnd) {
  EXPECT_EQ(token("label: Sales, NL  # team", 7), "Sales, NL");
  EXPECT_EQ(token("url: http://x", 5), "http://x");
  EXPECT_EQ(token("a: b#c", 3), "b#c");
}

TEST(TokenSpan, QuotedScalarsIncludeTheirQuotes) {
  EXPECT_EQ(token(R"(to: "06 1234", x)", 4), R"("06 1234")");
  EXPECT_EQ(token(R"(a: "say \"hi\"" b)", 3), R"("say \"hi\"")");
  EXPECT_EQ(token("a: 'it''s' b", 3), "'it''s'");
  EXPECT_EQ(token(R"(a: "open)", 3), R"("open)");
}

TEST(TokenSpan, FlowItemsEndAtCommaOrBracket) {
  EXPECT_EQ(token("members: [001, 0612 345, x]", 15), "0612 345");
  EXPECT_EQ(token("t: {to: 001, timeout: 17}", 22), "17");
  EXPECT_EQ(token("t: {to: 001, timeout: 17}", 3), "{to: 001, timeout: 17}");
  EXPECT_EQ(token("m: [a, [b, c], d]", 3), "[a, [b, c], d]");
}

TEST(TokenSpan, IndicatorsAndLineEndsAreOneCharacter) {
  EXPECT_EQ(token("  - ", 2), "-");
  TokenSpan past = token_span("abc", 10);
  EXPECT_EQ(past.begin, 10U);
  EXPECT_EQ(past.length, 1U);
}

TEST(CodePoints, ConvertsByteColumns) {
  std::string_view line = "x: \xC3\xA9t\xC3\xA9 y";
  EXPECT_EQ(code_point_count(line), 8U);
  EXPECT_EQ(code_point_column(line, 1), 1U);
  EXPECT_EQ(code_point_column(line, 4), 4U);    // the first é
  EXPECT_EQ(code_point_column(line, 10), 8U);   // y
  EXPECT_EQ(code_point_column(line, 13), 11U);  // past the end: bytes count one each
  EXPECT_EQ(code_point_column(line, 0), 0U);
}

}  // namespace
}  // namespace callplan::detail
