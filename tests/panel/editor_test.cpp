// The editing operations one by one: exact bytes written, styles copied, refusals.
#include <gtest/gtest.h>

#include "panel/yaml_edit/yaml_editor.hpp"

namespace callplan::panel {
namespace {

using V = YamlValue;

YamlPath P(std::initializer_list<PathStep> steps) {
  return YamlPath(steps);
}

EditErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const EditError& e) {
    return e.code;
  }
  ADD_FAILURE() << "no EditError thrown";
  return EditErrorCode::not_yaml;
}

TEST(YamlEditor, SetScalarReplacesOnlyTheValueAndKeepsItsQuoting) {
  YamlEditor e("a: 1   # one\nb: \"x\"\nc: 'y'\n");
  e.set_scalar(P({"a"}), "20");
  e.set_scalar(P({"b"}), "two words");
  e.set_scalar(P({"c"}), "it's");
  EXPECT_EQ(e.text(), "a: 20   # one\nb: \"two words\"\nc: 'it''s'\n");
}

TEST(YamlEditor, SetScalarQuotesAPlainValueOnlyWhenNeeded) {
  YamlEditor e("label: Sales\nother: x\n");
  e.set_scalar(P({"label"}), "Sales: NL");
  EXPECT_EQ(e.text(), "label: 'Sales: NL'\nother: x\n");
}

TEST(YamlEditor, SetScalarFillsAnEmptyValue) {
  YamlEditor e("a:\nb: ~ # none\nc: {d}\n");
  e.set_scalar(P({"a"}), "1");
  e.set_scalar(P({"b"}), "2");
  e.set_scalar(P({"c", "d"}), "3");
  EXPECT_EQ(e.text(), "a: 1\nb: 2 # none\nc: {d: 3}\n");
}

TEST(YamlEditor, SetScalarInFlowContextQuotesFlowIndicators) {
  YamlEditor e("m: [a, b]\n");
  e.set_scalar(P({"m", std::size_t{1}}), "x, y");
  EXPECT_EQ(e.text(), "m: [a, 'x, y']\n");
}

TEST(YamlEditor, MultiLinePlainScalarIsReplacedWhole) {
  YamlEditor e("a: first\n  second\n\n  third\nb: 2\n");
  EXPECT_EQ(e.expected().find("a")->text, "first second\nthird");
  e.set_scalar(P({"a"}), "one");
  EXPECT_EQ(e.text(), "a: one\nb: 2\n");
}

TEST(YamlEditor, RenameKeyChangesOnlyTheKeysTextInItsQuoting) {
  YamlEditor e("a:  # first\n  x: 1\n\"b\": 2\nc: {d: 3}\n");
  e.rename_key(P({}), "a", "aa");
  e.rename_key(P({}), "b", "bee");
  e.rename_key(P({"c"}), "d", "e, f");
  EXPECT_EQ(e.text(), "aa:  # first\n  x: 1\n\"bee\": 2\nc: {'e, f': 3}\n");
  EXPECT_EQ(code_of([&] { e.rename_key(P({}), "aa", "bee"); }), EditErrorCode::key_exists);
  EXPECT_EQ(code_of([&] { e.rename_key(P({}), "zz", "y"); }), EditErrorCode::path_not_found);
}

// A comment line indented deeper than the item below it goes on with the comment at the end
// of the line above: it stays when that item is removed.
TEST(YamlEditor, RemoveItemLeavesACommentThatContinuesTheLineAbove) {
  YamlEditor e("l:\n  - a   # one,\n        # continued\n  - b\n  # about c\n  - c\n");
  e.remove_item(P({"l", std::size_t{1}}));
  EXPECT_EQ(e.text(), "l:\n  - a   # one,\n        # continued\n  # about c\n  - c\n");
  e.remove_item(P({"l", std::size_t{1}}));
  EXPECT_EQ(e.text(), "l:\n  - a   # one,\n        # continued\n");
}

TEST(YamlEditor, InsertBlockItemCopiesIndentAndDashStyle) {
  YamlEditor e("list:\n    -   a  # first\n    -   b\nnext: 1\n");
  e.insert_item(P({"list"}), 2, V::scalar("c"));
  e.insert_item(P({"list"}), 1, V::map({{"k", V::scalar("v")}, {"l", V::scalar("w")}}));
  EXPECT_EQ(
      e.text(),
      "list:\n    -   a  # first\n    -   k: v\n        l: w\n    -   b\n    -   c\nnext: 1\n");
}

TEST(YamlEditor, InsertAtTheStartGoesAboveTheFirstItemsComment) {
  YamlEditor e("l:\n  # about b\n  - b\n");
  e.insert_item(P({"l"}), 0, V::scalar("a"));
  EXPECT_EQ(e.text(), "l:\n  - a\n  # about b\n  - b\n");
}

TEST(YamlEditor, InsertFlowItems) {
  YamlEditor e("a: [x, y]\nb: []\n");
  e.insert_item(P({"a"}), 0, V::scalar("w"));
  e.insert_item(P({"a"}), 3, V::map({{"k", V::scalar("v")}}));
  e.insert_item(P({"b"}), 0, V::scalar("only"));
  EXPECT_EQ(e.text(), "a: [w, x, y, {k: v}]\nb: [only]\n");
}

TEST(YamlEditor, NewItemsCopyTheQuotingAndFlowStyleOfSiblings) {
  YamlEditor e("steps:\n  - voicemail: {user: \"001\"}\n");
  e.insert_item(P({"steps"}), 1, V::map({{"voicemail", V::map({{"user", V::scalar("002")}})}}));
  EXPECT_EQ(e.text(), "steps:\n  - voicemail: {user: \"001\"}\n  - voicemail: {user: \"002\"}\n");
}

TEST(YamlEditor, RemoveBlockItemTakesItsLinesAndTheCommentAbove) {
  YamlEditor e("l:\n  - a\n\n  # about b\n  # more\n  - b: 1\n    c: 2  # c\n  - d\n");
  e.remove_item(P({"l", std::size_t{1}}));
  EXPECT_EQ(e.text(), "l:\n  - a\n\n  - d\n");
}

TEST(YamlEditor, RemovingTheOnlyItemLeavesAnEmptyListOrMap) {
  YamlEditor e(
      "g:\n  members:  # who\n    # the only one\n    - a  # a\n  opts:\n    k: v\nz: 1\n");
  e.remove_item(P({"g", "members", std::size_t{0}}));
  e.remove_item(P({"g", "opts", "k"}));
  EXPECT_EQ(e.text(), "g:\n  members: []  # who\n  opts: {}\nz: 1\n");
  EXPECT_TRUE(e.expected().find("g")->find("members")->is_sequence());
  // The only item of a list in a list has no key line to carry `[]`.
  YamlEditor nested("l:\n  - - a\n  - b\n");
  EXPECT_EQ(code_of([&] {
              nested.remove_item(P({"l", std::size_t{0}, std::size_t{0}}));
            }),
            EditErrorCode::unsupported_layout);
}

TEST(YamlEditor, RemoveMapEntryAndFlowItems) {
  YamlEditor e("m:\n  a: 1\n  b: [x, y, z]\n  c: {p: 1, q: 2}\n");
  e.remove_item(P({"m", "a"}));
  e.remove_item(P({"m", "b", std::size_t{1}}));
  e.remove_item(P({"m", "b", std::size_t{1}}));
  e.remove_item(P({"m", "c", "p"}));
  EXPECT_EQ(e.text(), "m:\n  b: [x]\n  c: {q: 2}\n");
}

TEST(YamlEditor, SetKeyAppendsInTheSiblingsStyle) {
  YamlEditor e("top:\n    a: 1 # c\n    b:\n        x: 1\nend: 2\n");
  e.set_key(P({"top"}), "new", V::map({{"k", V::sequence({V::scalar("v")})}}));
  e.set_key(P({"top", "b"}), "y", V::scalar("2"));
  EXPECT_EQ(e.text(),
            "top:\n    a: 1 # c\n    b:\n        x: 1\n        y: 2\n"
            "    new:\n        k:\n            - v\nend: 2\n");
}

TEST(YamlEditor, ANewKeyIsQuotedLikeTheKeysBesideIt) {
  // A menu's new key beside quoted ones is quoted; beside plain ones it stays plain; in a flow
  // map too; and the keys inside a new map follow the like map's keys.
  YamlEditor e("options:\n  \"1\": a\n  \"2\": b\nplain:\n  1: a\nflow: {'1': a}\n"
               "menus:\n  - {\"1\": x}\n");
  e.set_key(P({"options"}), "3", V::scalar("c"));
  e.set_key(P({"plain"}), "2", V::scalar("b"));
  e.set_key(P({"flow"}), "2", V::scalar("b"));
  e.insert_item(P({"menus"}), 1, V::map({{"4", V::scalar("y")}}));
  EXPECT_EQ(e.text(),
            "options:\n  \"1\": a\n  \"2\": b\n  \"3\": c\nplain:\n  1: a\n  2: b\n"
            "flow: {'1': a, '2': b}\nmenus:\n  - {\"1\": x}\n  - {\"4\": y}\n");
}

TEST(YamlEditor, AMovedItemKeepsItsTextAndTheCommentsAboveIt) {
  YamlEditor e("a:\n  # about x\n  # more\n  - x: 1   # one\n    y: [2,  3]\n  - z\n"
               "b:\n    - w\n");
  const ItemText moved = e.item_text(P({"a", std::size_t{0}}));
  EXPECT_EQ(moved.comments, (std::vector<std::string>{"# about x", "# more"}));
  EXPECT_EQ(moved.lines, (std::vector<std::string>{"- x: 1   # one", "  y: [2,  3]"}));
  const V value = e.expected().find("a")->items[0];
  e.remove_item(P({"a", std::size_t{0}}));
  e.insert_item(P({"b"}), 1, value, {}, &moved);
  EXPECT_EQ(e.text(),
            "a:\n  - z\nb:\n    - w\n    # about x\n    # more\n    - x: 1   # one\n"
            "      y: [2,  3]\n");
  // Into a new key's list, and out of a flow list (written anew, nothing to keep).
  YamlEditor f("m:\n  k: 1\nl: [p, q]\nn:\n  - r  # c\n");
  const ItemText flow = f.item_text(P({"l", std::size_t{0}}));
  EXPECT_TRUE(flow.lines.empty());
  const ItemText block = f.item_text(P({"n", std::size_t{0}}));
  f.remove_item(P({"n"}));
  f.set_key(P({"m"}), "new", V::sequence({V::scalar("r")}), {}, &block);
  EXPECT_EQ(f.text(), "m:\n  k: 1\n  new:\n    - r  # c\nl: [p, q]\n");
}

TEST(YamlEditor, KeepsCrlfLineEnds) {
  YamlEditor e("l:\r\n  - a\r\n  - b\r\nm:\r\n  k: v\r\n");
  e.insert_item(P({"l"}), 2, V::scalar("c"));
  e.set_key(P({"m"}), "n", V::scalar("w"));
  e.remove_item(P({"l", std::size_t{0}}));
  EXPECT_EQ(e.text(), "l:\r\n  - b\r\n  - c\r\nm:\r\n  k: v\r\n  n: w\r\n");
}

TEST(YamlEditor, AnchorsAliasesAndMergeKeysAreReadOnly) {
  YamlEditor e("base: &b {t: 1}\nuse: *b\nmerged:\n  <<: *b\n  u: 2\nl: [&x 1, 2]\n");
  EXPECT_EQ(code_of([&] { e.set_scalar(P({"base", "t"}), "2"); }), EditErrorCode::read_only);
  EXPECT_EQ(code_of([&] { e.set_scalar(P({"use", "t"}), "2"); }), EditErrorCode::read_only);
  EXPECT_EQ(code_of([&] { e.set_scalar(P({"merged", "u"}), "3"); }), EditErrorCode::read_only);
  EXPECT_EQ(code_of([&] { e.set_key(P({"merged"}), "v", V::scalar("1")); }),
            EditErrorCode::read_only);
  EXPECT_EQ(code_of([&] { e.remove_item(P({"l", std::size_t{0}})); }), EditErrorCode::read_only);
  EXPECT_EQ(code_of([&] { e.remove_item(P({"base"})); }), EditErrorCode::read_only);
  // Next to them, editing works.
  e.set_scalar(P({"l", std::size_t{1}}), "3");
  EXPECT_EQ(e.text(), "base: &b {t: 1}\nuse: *b\nmerged:\n  <<: *b\n  u: 2\nl: [&x 1, 3]\n");
}

TEST(YamlEditor, ErrorsNameThePathAndLeaveTheTextAlone) {
  const std::string original = "a:\n  - x\nb: |\n  text\n";
  YamlEditor e(original);
  try {
    e.set_scalar(P({"a", std::size_t{4}}), "y");
    FAIL();
  } catch (const EditError& err) {
    EXPECT_EQ(err.code, EditErrorCode::path_not_found);
    EXPECT_STREQ(err.what(), "a[4] does not exist (the list has 1 items)");
  }
  EXPECT_EQ(code_of([&] { e.set_scalar(P({"a"}), "y"); }), EditErrorCode::wrong_kind);
  EXPECT_EQ(code_of([&] { e.set_scalar(P({"b"}), "y"); }), EditErrorCode::unsupported_layout);
  YamlEditor single("only: 1\n");  // the document itself would become empty
  EXPECT_EQ(code_of([&] { single.remove_item(P({"only"})); }), EditErrorCode::unsupported_layout);
  EXPECT_EQ(code_of([&] { e.set_key(P({}), "a", V::scalar("1")); }), EditErrorCode::key_exists);
  EXPECT_EQ(code_of([&] { e.insert_item(P({"b"}), 0, V::scalar("1")); }),
            EditErrorCode::wrong_kind);
  EXPECT_EQ(e.text(), original);
  EXPECT_TRUE(e.replacements().empty());
  EXPECT_EQ(code_of([] { YamlEditor bad("a: [1\n"); }), EditErrorCode::not_yaml);
}

TEST(YamlEditor, RemovingASubtreeThatHoldsAnAnchorIsRefused) {
  YamlEditor e("users:\n  - name: a\n    tags: &t [x]\n  - name: b\n    tags: *t\n");
  EXPECT_EQ(code_of([&] {
              e.remove_item(P({"users", std::size_t{0}}));
            }),
            EditErrorCode::read_only);
  e.remove_item(P({"users", std::size_t{1}}));  // the alias itself may go
  EXPECT_EQ(e.text(), "users:\n  - name: a\n    tags: &t [x]\n");
}

TEST(YamlEditor, AByteOrderMarkIsKept) {
  YamlEditor e(
      "\xEF\xBB\xBF"
      "a: 1  # c\nb: [x]\n");
  e.set_scalar(P({"a"}), "2");
  e.insert_item(P({"b"}), 1, V::scalar("y"));
  EXPECT_EQ(e.text(),
            "\xEF\xBB\xBF"
            "a: 2  # c\nb: [x, y]\n");
}

TEST(YamlEditor, VerifyTextRefusesAnyDifference) {
  auto expected = *parse_value("a: [1, 2]\nb: x\n");
  EXPECT_NO_THROW(verify_text("a: [1,   2]  # same\nb: 'x'\n", expected));
  EXPECT_EQ(code_of([&] { verify_text("a: [1, 2]\nb: y\n", expected); }),
            EditErrorCode::verification_failed);
  EXPECT_EQ(code_of([&] { verify_text("a: [1, 2]\n", expected); }),
            EditErrorCode::verification_failed);
  EXPECT_EQ(code_of([&] { verify_text("a: [1, 2\n", expected); }),
            EditErrorCode::verification_failed);
  try {
    verify_text("a: [1, 3]\nb: x\n", expected);
  } catch (const EditError& err) {
    EXPECT_NE(std::string(err.what()).find("a[1]: `3` instead of `2`"), std::string::npos)
        << err.what();
  }
}

}  // namespace
}  // namespace callplan::panel
