// The dialog key in the state directory: made once, private, the same at every start; a
// damaged one is an error, never silently replaced (that would end every call of before).
#include "sip/server/dialog_secret.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

#include "state/store.hpp"

namespace callplan::sip {
namespace {

struct Dir {
  Dir() {
    std::string pattern = std::filesystem::temp_directory_path() / "callplan-key-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~Dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path path;
};

TEST(SipDialogSecret, MadeOnceAndPrivate) {
  Dir dir;
  const std::string first = load_dialog_secret(dir.path);
  EXPECT_EQ(first.size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat((dir.path / "dialog.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(load_dialog_secret(dir.path), first);
  EXPECT_FALSE(std::filesystem::exists(dir.path / "dialog.key.new"));
}

TEST(SipDialogSecret, ADamagedKeyIsAnErrorNotReplaced) {
  Dir dir;
  std::ofstream(dir.path / "dialog.key") << "short";
  try {
    load_dialog_secret(dir.path);
    FAIL() << "a 5-byte key was accepted";
  } catch (const state::StoreError& e) {
    EXPECT_STREQ(e.code(), "state-io");
    EXPECT_NE(std::string(e.what()).find("dialog.key"), std::string::npos);
  }
  EXPECT_EQ(std::filesystem::file_size(dir.path / "dialog.key"), 5u);
}

}  // namespace
}  // namespace callplan::sip
