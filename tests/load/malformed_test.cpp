// Whatever the input, loading returns issues and never throws or crashes.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "callplan/load.hpp"
#include "load/load_internal.hpp"
#include "load_test_support.hpp"

namespace callplan {
namespace {

const std::vector<std::string>& malformed_inputs() {
  static const std::vector<std::string> inputs = {
      "", "\n", ":", "- -", "{", "}", "[", "]", "&a", "*a", "*a: b", "a: *undefined",
      "? [a, b]\n: c", "!!binary x", "version: [1]", "version: {a: 1}", "tenant: ~",
      "tenant: [a]", "numbers: {a: 1}", "users: 5", "devices: [[[]]]", "schedules: [a]",
      "plans: {a: b}", "plans: [[]]", "plans: [{steps: {a: 1}}]",
      "plans: [{id: p, steps: [{time_condition: {schedule: {weekly: 5}}}]}]",
      "plans: [{id: p, steps: [{menu: {options: [1, 2]}}]}]",
      "plans: [{id: p, steps: [{menu: {options: {1: {a: b}}}}]}]",
      "plans: [{id: p, steps: [{transfer: ~}, {ring_group: []}, {goto: ~}]}]",
      "schedules: {s: {weekly: [{days: ~, from: ~, to: ~}], yearly: [{}, [], ~]}}",
      "schedules: {s: {ranges: [{from: [], to: {}}], dates: {a: 1}, except: {a: b}}}",
      "include: 5", "include: [[a]]", "include: ['']", "<<: 5", "a: {<<: [1, 2]}",
      "a: &x {b: *x}", "\t- a", "a: \"\\xZZ\"", "a: 'unterminated", "a: |\n\tb",
      "--- a\n--- b", "%YAML 1.2\n---\na: 1", "%TAG ! x\n---\n!foo a: 1",
      std::string("a: b\0c", 6), "\xEF\xBB\xBF", "\xFE\xFF", "a: \xC0\xAF",
      std::string(300, '[') , std::string(300, '{'), std::string(100, '-') + " a",
      "users: [{extension: 99999999999999999999999999}]", ",-~", ",",
      "plans: [{id: p, steps: [{transfer: {to: '1', timeout: 99999999999999999999999}}]}]",
  };
  return inputs;
}

TEST(Loader, NeverThrowsOnMalformedInput) {
  for (const std::string& text : malformed_inputs()) {
    LoadResult r;
    EXPECT_NO_THROW(r = load::load_text(text, "bad.yaml", load::LoadOptions{false})) << text;
    EXPECT_FALSE(r.issues.empty()) << "no issue for: " << text;
    for (const Issue& i : r.issues) {
      EXPECT_EQ(i.code.substr(0, 3), "CP1") << text;
      EXPECT_FALSE(i.message.empty());
    }
  }
}

TEST(Loader, ReportsIncludesWhenTheyAreDisabled) {
  LoadResult r = load::load_text(testing::with_header("include: [/dev/zero]\n"), "x.yaml",
                                 load::LoadOptions{false});
  const Issue* i = testing::find_issue(r.issues, "CP106");
  ASSERT_NE(i, nullptr) << testing::dump(r.issues);
  EXPECT_EQ(i->location.line, 3u);
}

TEST(Loader, ReportsIncludesOfThingsThatAreNotFiles) {
  LoadResult r = load_string(testing::with_header("include: [/dev/null, /]\n"), "x.yaml");
  EXPECT_EQ(std::count_if(r.issues.begin(), r.issues.end(),
                          [](const Issue& i) { return i.code == "CP106"; }),
            2)
      << testing::dump(r.issues);
}

}  // namespace
}  // namespace callplan

namespace callplan {
namespace {

// yaml-cpp 0.7 loops on a stray `,` outside any value (found by fuzz_load).
TEST(Loader, ReportsAStrayCommaAsASyntaxError) {
  LoadResult r = load_string(",-~", "x.yaml");
  ASSERT_EQ(r.issues.size(), 1u) << testing::dump(r.issues);
  EXPECT_EQ(r.issues[0].code, "CP100");
  EXPECT_NE(r.issues[0].message.find("unexpected `,`"), std::string::npos);
}

}  // namespace
}  // namespace callplan
