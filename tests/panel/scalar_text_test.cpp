// The quoting a new value gets: kept when it fits, else the least that reads back exactly.
#include "panel/yaml_edit/scalar_text.hpp"

#include <gtest/gtest.h>

#include "panel/yaml_edit/yaml_value.hpp"

namespace callplan::panel {
namespace {

// What `key: <written>` reads back as.
std::string read_back(const std::string& written) {
  auto v = parse_value("key: " + written + "\n");
  EXPECT_TRUE(v.has_value()) << written;
  if (!v || !v->find("key") || !v->find("key")->is_scalar()) return "<not a scalar>";
  return v->find("key")->text;
}

TEST(ScalarText, PlainWhenNothingNeedsQuotes) {
  EXPECT_EQ(minimal_scalar("Reception", false), "Reception");
  // Text to callplan, but a number to other YAML readers when plain: quoted as the SPEC does.
  EXPECT_EQ(minimal_scalar("001", false), "\"001\"");
  EXPECT_EQ(minimal_scalar("+31881234567", true), "\"+31881234567\"");
  EXPECT_EQ(minimal_scalar("08:30", false), "\"08:30\"");
  EXPECT_EQ(minimal_scalar("30", false), "30");
  EXPECT_EQ(minimal_scalar("1", false), "1");
  EXPECT_EQ(minimal_scalar("12:345", false), "12:345");
  EXPECT_EQ(minimal_scalar("a:b", false), "a:b");
}

TEST(ScalarText, SingleQuotesForIndicatorsAndNullWords) {
  EXPECT_EQ(minimal_scalar("Sales: NL", false), "'Sales: NL'");
  EXPECT_EQ(minimal_scalar("#1", false), "'#1'");
  EXPECT_EQ(minimal_scalar("it's", false), "it's");
  EXPECT_EQ(minimal_scalar("'quoted'", false), "'''quoted'''");
  EXPECT_EQ(minimal_scalar("~", false), "'~'");
  EXPECT_EQ(minimal_scalar("null", false), "'null'");
  EXPECT_EQ(minimal_scalar("", false), "''");
  EXPECT_EQ(minimal_scalar(" padded ", false), "' padded '");
  EXPECT_EQ(minimal_scalar("a, b", true), "'a, b'");
  EXPECT_EQ(minimal_scalar("a, b", false), "a, b");
}

TEST(ScalarText, DoubleQuotesOnlyForLineBreaksAndControls) {
  EXPECT_EQ(minimal_scalar("two\nlines", false), "\"two\\nlines\"");
  EXPECT_EQ(minimal_scalar("tab\there", false), "\"tab\\there\"");
}

TEST(ScalarText, KeepsTheExistingQuotingWhenItFits) {
  EXPECT_EQ(scalar_in_style("002", SpanNode::Quote::double_, false), "\"002\"");
  EXPECT_EQ(scalar_in_style("Bob", SpanNode::Quote::single, false), "'Bob'");
  EXPECT_EQ(scalar_in_style("a\nb", SpanNode::Quote::single, false), "\"a\\nb\"");
  EXPECT_EQ(scalar_in_style("x: y", SpanNode::Quote::plain, false), "'x: y'");
}

TEST(ScalarText, EveryChoiceReadsBackExactly) {
  for (const char* s :
       {"plain", "Sales: NL", "#x",          "a #b",       "- dash", "[x]",   "{y}",
        "it's",  "\"dq\"",    "back\\slash", "two\nlines", "",       "~",     "true",
        "  ",    "x:",        "&anchor",     "*alias",     "!tag",   "% pct", "@at",
        "`tick", "...",       "---",         "Zoë",        "a\tb",   "|",     ">"}) {
    for (auto quote : {SpanNode::Quote::plain, SpanNode::Quote::single, SpanNode::Quote::double_}) {
      EXPECT_EQ(read_back(scalar_in_style(s, quote, false)), s) << "[" << s << "]";
    }
    // In a flow list too.
    auto v = parse_value("key: [" + minimal_scalar(s, true) + ", z]\n");
    ASSERT_TRUE(v && v->find("key") && v->find("key")->items.size() == 2u) << "[" << s << "]";
    EXPECT_EQ(v->find("key")->items[0].text, s);
  }
}

}  // namespace
}  // namespace callplan::panel
