#include "media/prompt/durable_file.hpp"

#include <gtest/gtest.h>

#include "test_audio.hpp"

namespace callplan::media {
namespace {

using test::TempDir;

std::vector<std::string> names_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(DurableFile, WritesAndReplacesLeavingNoTemporary) {
  TempDir dir;
  ASSERT_TRUE(write_file_durably(dir / "a.json", "first"));
  EXPECT_EQ(read_whole_file(dir / "a.json"), "first");
  ASSERT_TRUE(write_file_durably(dir / "a.json", std::string(100000, 'x')));
  EXPECT_EQ(read_whole_file(dir / "a.json")->size(), 100000U);
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"a.json"});
}

TEST(DurableFile, EmptyContentIsAFile) {
  TempDir dir;
  ASSERT_TRUE(write_file_durably(dir / "empty", ""));
  EXPECT_EQ(read_whole_file(dir / "empty"), "");
}

TEST(DurableFile, MissingFolderIsAnErrorNamingTheFile) {
  TempDir dir;
  auto status = write_file_durably(dir / "no" / "a.json", "x");
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().find("cannot create"), std::string::npos);
  EXPECT_NE(status.error().find("No such file or directory"), std::string::npos);
}

TEST(DurableFile, TemporaryNamesAreRecognisableAndUnique) {
  const auto a = temporary_path_for("/x/y/msg.wav");
  const auto b = temporary_path_for("/x/y/msg.wav");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.parent_path(), "/x/y");
  EXPECT_TRUE(is_temporary_name(a.filename().string()));
  EXPECT_TRUE(a.filename().string().starts_with(".tmp-msg.wav-"));
  EXPECT_FALSE(is_temporary_name("msg.wav"));
}

TEST(DurableFile, RenameDurablyMovesBetweenFolders) {
  TempDir dir;
  std::filesystem::create_directory(dir / "sub");
  ASSERT_TRUE(write_file_durably(dir / "a", "x"));
  ASSERT_TRUE(rename_durably(dir / "a", dir / "sub" / "b"));
  EXPECT_EQ(read_whole_file(dir / "sub" / "b"), "x");
  EXPECT_FALSE(std::filesystem::exists(dir / "a"));
  EXPECT_FALSE(rename_durably(dir / "a", dir / "c"));
  EXPECT_FALSE(read_whole_file(dir / "a"));
}

}  // namespace
}  // namespace callplan::media
