// Golden files: edits the panel makes on copies of examples/acme with a comment on every line.
// Each case writes exactly tests/panel/golden/<case>.expected.yaml; everything outside the
// edit is the fixture byte for byte. CALLPLAN_UPDATE_GOLDEN=1 rewrites the expected files
// (review the diff before committing them).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "panel/yaml_edit/yaml_editor.hpp"

namespace callplan::panel {
namespace {

using V = YamlValue;
constexpr std::size_t operator""_i(unsigned long long i) {
  return static_cast<std::size_t>(i);
}

std::string read(const std::string& name) {
  std::ifstream in(std::string(CALLPLAN_PANEL_GOLDEN) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string to_crlf(const std::string& lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

void check_golden(const std::string& fixture, const std::string& expected_name,
                  const std::function<void(YamlEditor&)>& edit, bool crlf = false) {
  std::string original = crlf ? to_crlf(read(fixture)) : read(fixture);
  YamlEditor editor(original);
  edit(editor);
  if (std::getenv("CALLPLAN_UPDATE_GOLDEN") && !crlf) {
    std::ofstream(std::string(CALLPLAN_PANEL_GOLDEN) + "/" + expected_name, std::ios::binary)
        << editor.text();
  }
  std::string expected = read(expected_name);
  EXPECT_EQ(editor.text(), crlf ? to_crlf(expected) : expected);
  // The file read back is the fixture's tree with the edits applied, and nothing else.
  EXPECT_NO_THROW(verify_text(editor.text(), editor.expected()));
}

TEST(GoldenAcme, ChangeATimeout) {
  check_golden("plans.yaml", "change_timeout.expected.yaml", [](YamlEditor& e) {
    e.set_scalar({"plans", 0_i, "steps", 1_i, "transfer", "timeout"}, "25");
    e.set_scalar({"plans", 0_i, "steps", 2_i, "ring_group", "timeout"}, "20");
  });
}

TEST(GoldenAcme, RenameALabelNeedingQuotes) {
  check_golden("plans.yaml", "rename_label.expected.yaml", [](YamlEditor& e) {
    e.set_scalar({"plans", 0_i, "steps", 2_i, "ring_group", "label"}, "Sales: NL #1");
    e.set_scalar({"plans", 1_i, "label"}, "Sales, support");
  });
}

V new_user() {
  return V::map({{"extension", V::scalar("007")},
                 {"first_name", V::scalar("Gijs")},
                 {"last_name", V::scalar("van Dam")},
                 {"email", V::scalar("gijs@acme.example")},
                 {"caller_id", V::scalar("+31881234568")}});
}

TEST(GoldenAcme, AddAUser) {
  check_golden("users.yaml", "add_user.expected.yaml",
               [](YamlEditor& e) { e.insert_item({"users"}, 6, new_user()); });
}

TEST(GoldenAcme, AddAUserKeepsCrlf) {
  check_golden(
      "users.yaml", "add_user.expected.yaml",
      [](YamlEditor& e) { e.insert_item({"users"}, 6, new_user()); }, true);
}

TEST(GoldenAcme, RemoveARingGroupMember) {
  check_golden("plans.yaml", "remove_member.expected.yaml", [](YamlEditor& e) {
    e.remove_item({"plans", 0_i, "steps", 2_i, "ring_group", "members", 1_i});
    e.remove_item(
        {"plans", 1_i, "steps", 0_i, "menu", "options", "2", 0_i, "ring_group", "members", 2_i});
  });
}

TEST(GoldenAcme, RemoveAUserWithTheCommentAbove) {
  check_golden("users.yaml", "remove_user.expected.yaml", [](YamlEditor& e) {
    e.remove_item({"users", 1_i});
  });
}

TEST(GoldenAcme, AddAStepToAPlan) {
  check_golden("plans.yaml", "add_step.expected.yaml", [](YamlEditor& e) {
    // Before the final voicemail of the main line: copies the flow style of `voicemail`.
    e.insert_item({"plans", 0_i, "steps"}, 3,
                  V::map({{"voicemail", V::map({{"user", V::scalar("002")}})}}));
    // A step no sibling has: block style, the siblings' indentation.
    e.insert_item({"plans", 1_i, "steps"}, 1,
                  V::map({{"announcement", V::map({{"audio", V::scalar("goodbye.wav")},
                                                   {"label", V::scalar("Bye: see you")}})}}));
    // And a key on a ring group.
    e.set_key({"plans", 1_i, "steps", 0_i, "menu", "options", "1", 0_i, "ring_group"}, "ring_time",
              V::scalar("25"));
  });
}

}  // namespace
}  // namespace callplan::panel
