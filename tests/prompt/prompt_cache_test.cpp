#include "media/prompt/prompt_cache.hpp"

#include <gtest/gtest.h>

#include "media/prompt/run_program.hpp"
#include "test_audio.hpp"

namespace callplan::media {
namespace {

using namespace std::chrono_literals;
using test::TempDir;

SpeechSettings program(std::string name) {
  SpeechSettings s;
  s.program = std::move(name);
  return s;
}

TEST(PromptCache, FilePromptRelativeToTheTenantFolder) {
  TempDir dir;
  std::filesystem::create_directory(dir / "prompts");
  test::write_tone(dir / "prompts" / "closed.wav", 16000, 1, 40000, 400, 0.5);  // 2.5 s
  PromptCache cache({.speech_folder = dir / "speech", .speech = {}});
  auto prompt = cache.resolve(PromptSpec::file("prompts/closed.wav"), dir.path(), "nl");
  ASSERT_TRUE(prompt) << prompt.error().describe();
  EXPECT_DOUBLE_EQ(prompt->seconds, 2.5);
  EXPECT_EQ(prompt->audio->samples.size(), 20000U);
  // Absolute names are used as they are.
  auto absolute = cache.resolve(PromptSpec::file((dir / "prompts" / "closed.wav").string()), "/elsewhere", "nl");
  ASSERT_TRUE(absolute);
  EXPECT_EQ(absolute->audio, prompt->audio);  // read once, shared
}

TEST(PromptCache, ChangedFileIsReadAgain) {
  TempDir dir;
  test::write_tone(dir / "a.wav", 8000, 1, 8000, 400, 0.5);
  PromptCache cache({.speech_folder = dir / "speech", .speech = {}});
  auto first = cache.resolve(PromptSpec::file("a.wav"), dir.path(), "en");
  ASSERT_TRUE(first);
  test::write_tone(dir / "a.wav", 8000, 1, 16000, 400, 0.5);
  auto second = cache.resolve(PromptSpec::file("a.wav"), dir.path(), "en");
  ASSERT_TRUE(second);
  EXPECT_DOUBLE_EQ(first->seconds, 1.0);
  EXPECT_DOUBLE_EQ(second->seconds, 2.0);
}

TEST(PromptCache, ErrorsNameTheFileAsWritten) {
  TempDir dir;
  PromptCache cache({.speech_folder = dir / "speech", .speech = {}});
  auto missing = cache.resolve(PromptSpec::file("closed.wav"), dir.path(), "nl");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().describe(), "closed.wav: no such file (prompt.file_missing)");
  // Once the file is there, it resolves: errors are not remembered.
  test::write_tone(dir / "closed.wav", 8000, 1, 800, 400, 0.5);
  EXPECT_TRUE(cache.resolve(PromptSpec::file("closed.wav"), dir.path(), "nl"));
}

TEST(PromptCache, TextPromptIsSpokenOnce) {
  CALLPLAN_REQUIRE_ESPEAK();
  TempDir dir;
  PromptCache cache({.speech_folder = dir / "speech", .speech = {}});
  EXPECT_TRUE(cache.speech_available());
  auto a = cache.resolve(PromptSpec::text("Wij zijn gesloten."), dir.path(), "nl");
  ASSERT_TRUE(a) << a.error().describe();
  auto b = cache.resolve(PromptSpec::text("Wij zijn gesloten."), "/other", "nl");
  ASSERT_TRUE(b);
  EXPECT_EQ(a->audio, b->audio);
  EXPECT_GT(a->seconds, 0.5);
  EXPECT_DOUBLE_EQ(a->seconds, a->audio->seconds());
}

TEST(PromptCache, TextPromptWithoutEspeakIsTtsMissing) {
  TempDir dir;
  PromptCache cache({.speech_folder = dir / "speech", .speech = program("callplan-no-espeak-here")});
  EXPECT_FALSE(cache.speech_available());
  auto spoken = cache.resolve(PromptSpec::text("Hallo"), dir.path(), "nl");
  ASSERT_FALSE(spoken);
  EXPECT_EQ(spoken.error().code(), "prompt.tts_missing");
}

}  // namespace
}  // namespace callplan::media
