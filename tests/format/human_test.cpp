#include <gtest/gtest.h>

#include "callplan/report.hpp"
#include "format/fixtures.hpp"

namespace callplan {
namespace {

TEST(HumanFormat, ShowsLocationSourceLineCaretNotesHintsAndSummary) {
  test::Fixture fx;
  EXPECT_EQ(format_human(fx.files),
            "acme.yaml:4:16: error: extension 001 is used by two users [CP200]\n"
            "   4 |   - extension: \"001\"\n"
            "     |                ^~~~~\n"
            "acme.yaml:3:16: note: first defined here\n"
            "   3 |   - extension: \"001\"\n"
            "     |                ^~~~~\n"
            "acme.yaml:9:11: error: unknown key `stratgy` in ring_group [CP101]\n"
            "   9 |           stratgy: ring_all\n"
            "     |           ^~~~~~~\n"
            "     = hint: did you mean `strategy`?\n"
            "users.yaml:2:10: warning: time-out 17 s is not a multiple of one ring (5 s) [CP405]\n"
            "   2 |   label: Café réception, main\n"
            "     |          ^~~~~~~~~~~~~~~~~~~~\n"
            "2 errors, 1 warning in 1 file\n");
}

TEST(HumanFormat, UnderlinesOneFlowSequenceItemOnly) {
  test::Fixture fx;
  Issue i = test::typo_issue();
  i.hints.clear();
  i.location = {"acme.yaml", 10, 28};  // "0612345678" inside [..., ...]
  fx.files[0].issues = {i};
  std::string out = format_human(fx.files);
  std::string caret = "     | " + std::string(27, ' ') + "^" + std::string(11, '~') + "\n";
  EXPECT_NE(out.find(caret), std::string::npos) << out;
}

TEST(HumanFormat, PlacesCaretByCodePointsAfterNonAsciiText) {
  SourceMap sources;
  sources.add_file("t.yaml", "label: \xC3\xA9t\xC3\xA9 x\n");
  Issue i = test::typo_issue();
  i.hints.clear();
  i.location = {"t.yaml", 1, 14};  // byte column of "x": "label: " (7) + 2 x 2-byte + "t" + " "
  std::vector<FileReport> files{{"t.yaml", {i}, &sources}};
  std::string out = format_human(files);
  EXPECT_NE(out.find("\n     | " + std::string(11, ' ') + "^\n"), std::string::npos) << out;
}

TEST(HumanFormat, KeepsTabsInTheCaretLine) {
  SourceMap sources;
  sources.add_file("t.yaml", "\tkey: value\n");
  Issue i = test::typo_issue();
  i.hints.clear();
  i.location = {"t.yaml", 1, 7};
  std::vector<FileReport> files{{"t.yaml", {i}, &sources}};
  std::string out = format_human(files);
  EXPECT_NE(out.find("     | \t     ^~~~~\n"), std::string::npos) << out;
}

TEST(HumanFormat, OmitsTheExcerptWhenTheSourceIsUnknown) {
  Issue i = test::typo_issue();
  i.hints.clear();
  std::vector<FileReport> files{{"acme.yaml", {i}, nullptr}};
  EXPECT_EQ(format_human(files),
            "acme.yaml:9:11: error: unknown key `stratgy` in ring_group [CP101]\n"
            "1 error in 1 file\n");
}

TEST(HumanFormat, PrintsFileOnlyOrNothingForUnknownPlaces) {
  Issue a = test::typo_issue();
  a.hints.clear();
  a.location = {"missing.yaml", 0, 0};
  a.notes = {Note{"included from here", {}}};
  Issue b = a;
  b.location = {};
  b.notes.clear();
  std::vector<FileReport> files{{"acme.yaml", {a, b}, nullptr}};
  EXPECT_EQ(format_human(files),
            "missing.yaml: error: unknown key `stratgy` in ring_group [CP101]\n"
            "     = note: included from here\n"
            "error: unknown key `stratgy` in ring_group [CP101]\n"
            "2 errors in 1 file\n");
}

TEST(HumanFormat, ColoursOnlyWhenAsked) {
  test::Fixture fx;
  EXPECT_EQ(format_human(fx.files, false).find('\x1b'), std::string::npos);
  std::string coloured = format_human(fx.files, true);
  EXPECT_NE(coloured.find("\x1b[1;31merror:\x1b[0m"), std::string::npos) << coloured;
  EXPECT_NE(coloured.find("\x1b[1;35mwarning:\x1b[0m"), std::string::npos);
  EXPECT_NE(coloured.find("\x1b[1macme.yaml:4:16:\x1b[0m"), std::string::npos);
  EXPECT_NE(coloured.find("\x1b[1;32m^~~~~~~\x1b[0m"), std::string::npos);
}

TEST(HumanFormat, WidensTheGutterForLongFiles) {
  std::string text;
  for (int n = 1; n < 12345; ++n) text += "x: 1\n";
  text += "oops: 2\n";
  SourceMap sources;
  sources.add_file("big.yaml", text);
  Issue i = test::typo_issue();
  i.hints.clear();
  i.location = {"big.yaml", 12345, 1};
  std::vector<FileReport> files{{"big.yaml", {i}, &sources}};
  std::string out = format_human(files);
  EXPECT_NE(out.find("\n12345 | oops: 2\n      | ^~~~\n"), std::string::npos) << out;
}

TEST(Summary, CountsAndPluralises) {
  test::Fixture fx;
  EXPECT_EQ(summary_line(fx.files), "2 errors, 1 warning in 1 file");
  std::vector<FileReport> clean{{"a.yaml", {}, nullptr}, {"b.yaml", {}, nullptr}};
  EXPECT_EQ(summary_line(clean), "no problems in 2 files");
  clean[1].issues = {test::included_warning()};
  EXPECT_EQ(summary_line(clean), "1 warning in 2 files");
}

}  // namespace
}  // namespace callplan
