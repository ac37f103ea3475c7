#include "media/prompt/text_to_speech.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "media/prompt/audio_file.hpp"
#include "media/prompt/durable_file.hpp"
#include "media/prompt/run_program.hpp"
#include "test_audio.hpp"

namespace callplan::media {
namespace {

using namespace std::chrono_literals;
using test::TempDir;

SpeechSettings settings(std::string program, std::chrono::milliseconds limit = 30s, int wpm = 150) {
  SpeechSettings s;
  s.program = std::move(program);
  s.time_limit = limit;
  s.words_per_minute = wpm;
  return s;
}

// A stand-in for espeak-ng: a script that counts its runs in `count_file`, then does `body`.
std::filesystem::path fake_espeak(const TempDir& dir, const std::string& body) {
  const auto script = dir / "fake-espeak";
  std::ofstream(script) << "#!/bin/sh\necho \"$@\" >> " << (dir / "runs").string() << "\n" << body << "\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  return script;
}

int runs(const TempDir& dir) {
  auto text = read_whole_file(dir / "runs");
  if (!text) return 0;
  return static_cast<int>(std::count(text->begin(), text->end(), '\n'));
}

TEST(SpeechLanguage, TenantLanguageElseCountryRule) {
  EXPECT_EQ(speech_language("de", "NL"), "de");
  EXPECT_EQ(speech_language("", "NL"), "nl");
  EXPECT_EQ(speech_language("", "BE"), "en");
  EXPECT_EQ(speech_language("", ""), "en");
}

// The language goes to espeak-ng as `-v <language>`: one that is not a voice name (the rule
// is model/words.hpp's is_language, the loader's too) is refused before the program runs.
TEST(SpeechLanguage, OnlyVoiceNamesReachTheSynthesizer) {
  TempDir dir;
  Espeak espeak(settings(fake_espeak(dir, "exit 0").string()));
  for (auto bad : {"", "-w", "NL", "nl;rm", "nl us", "../x", "1nl"}) {
    auto spoken = espeak.render(bad, "Welkom", dir / "out.wav");
    ASSERT_FALSE(spoken) << bad;
    EXPECT_NE(spoken.error().message.find("is not a language name"), std::string::npos) << bad;
  }
  EXPECT_EQ(runs(dir), 0);
}

TEST(Espeak, MissingProgramIsAClearError) {
  TempDir dir;
  Espeak espeak(settings("callplan-no-espeak-here"));
  auto version = espeak.version();
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().kind, PromptErrorKind::tts_missing);
  EXPECT_NE(version.error().message.find("not installed (Debian package espeak-ng)"), std::string::npos);
  SpeechCache cache(dir.path(), espeak);
  auto spoken = cache.speak("nl", "Welkom");
  ASSERT_FALSE(spoken);
  EXPECT_EQ(spoken.error().code(), "prompt.tts_missing");
  EXPECT_EQ(spoken.error().subject, "Welkom");
}

TEST(Espeak, ReadsTheVersion) {
  CALLPLAN_REQUIRE_ESPEAK();
  Espeak espeak;
  auto version = espeak.version();
  ASSERT_TRUE(version) << version.error().describe();
  EXPECT_FALSE(version->empty());
  EXPECT_NE(version->find('.'), std::string::npos) << *version;
}

TEST(SpeechCache, SpeaksDutchAndEnglish) {
  CALLPLAN_REQUIRE_ESPEAK();
  TempDir dir;
  Espeak espeak;
  SpeechCache cache(dir.path(), espeak);
  auto nl = cache.speak("nl", "Welkom bij Acme. Wij zijn gesloten.");
  auto en = cache.speak("en", "Welcome to Acme. We are closed.");
  ASSERT_TRUE(nl) << nl.error().describe();
  ASSERT_TRUE(en) << en.error().describe();
  EXPECT_GT(nl->seconds(), 1.0);
  EXPECT_LT(nl->seconds(), 6.0);
  EXPECT_GT(test::peak(nl->samples), 0.05);  // speech, not silence
  EXPECT_NE(nl->samples, en->samples);
}

TEST(SpeechCache, RendersATextOnceThenReadsTheFile) {
  CALLPLAN_REQUIRE_ESPEAK();
  TempDir dir;
  const auto program = fake_espeak(dir, "exec espeak-ng \"$@\"");
  Espeak espeak(settings(program.string()));
  SpeechCache cache(dir / "cache", espeak);
  auto first = cache.speak("en", "Please hold.");
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(runs(dir), 2);  // --version, then the rendering
  auto again = cache.speak("en", "Please hold.");
  ASSERT_TRUE(again);
  EXPECT_EQ(runs(dir), 2);
  EXPECT_EQ(again->samples, first->samples);
  // A second cache over the same folder (a restart) renders nothing either.
  Espeak restarted(settings(program.string()));
  SpeechCache reopened(dir / "cache", restarted);
  ASSERT_TRUE(reopened.speak("en", "Please hold."));
  EXPECT_EQ(runs(dir), 3);  // only --version
  // One WAV in the cache, nothing temporary left.
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir / "cache")) names.push_back(e.path().filename().string());
  ASSERT_EQ(names.size(), 1U);
  EXPECT_TRUE(names[0].ends_with(".wav"));
  EXPECT_EQ(names[0].size(), 64U + 4);
  // Stored at 8 kHz mono, as it is played, so that reading it back needs no resampling.
  const auto bytes = read_whole_file(dir / "cache" / names[0]).value();
  EXPECT_EQ(bytes, encode_wav(*first));
}

TEST(SpeechCache, KeyChangesWithLanguageTextSettingsAndVersion) {
  TempDir dir;
  const auto v1 = fake_espeak(dir, "echo 'eSpeak NG text-to-speech: 1.51  Data at: /x'");
  Espeak a(settings(v1.string()));
  SpeechCache cache(dir.path(), a);
  const auto base = cache.file_for("nl", "Hallo").value();
  EXPECT_EQ(cache.file_for("nl", "Hallo").value(), base);
  EXPECT_NE(cache.file_for("en", "Hallo").value(), base);
  EXPECT_NE(cache.file_for("nl", "Hallo!").value(), base);
  Espeak faster(settings(v1.string(), 30s, 180));
  EXPECT_NE(SpeechCache(dir.path(), faster).file_for("nl", "Hallo").value(), base);
  TempDir other;
  const auto v2 = fake_espeak(other, "echo 'eSpeak NG text-to-speech: 1.52  Data at: /x'");
  Espeak b(settings(v2.string()));
  EXPECT_NE(SpeechCache(dir.path(), b).file_for("nl", "Hallo").value(), base);
}

TEST(SpeechCache, TextThatLooksLikeAnOptionIsSpoken) {
  CALLPLAN_REQUIRE_ESPEAK();
  TempDir dir;
  Espeak espeak;
  SpeechCache cache(dir.path(), espeak);
  auto spoken = cache.speak("en", "-w /tmp/evil.wav --version");
  ASSERT_TRUE(spoken) << spoken.error().describe();
  EXPECT_GT(spoken->seconds(), 1.0);
}

TEST(SpeechCache, UnknownLanguageAndEmptyTextAreErrors) {
  CALLPLAN_REQUIRE_ESPEAK();
  TempDir dir;
  Espeak espeak;
  SpeechCache cache(dir.path(), espeak);
  auto unknown = cache.speak("xx", "Hello");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, PromptErrorKind::tts_failed);
  EXPECT_NE(unknown.error().message.find("language xx"), std::string::npos) << unknown.error().message;
  EXPECT_EQ(cache.speak("en", "  ").error().kind, PromptErrorKind::empty);
  EXPECT_EQ(cache.speak("-v", "Hello").error().kind, PromptErrorKind::tts_failed);
  // Nothing half-written is left behind.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(SpeechCache, HangingSynthesizerIsStoppedAtItsTimeLimit) {
  TempDir dir;
  const auto program = fake_espeak(dir,
      "[ \"$1\" = --version ] && { echo 'eSpeak NG text-to-speech: 1.51  Data at: /x'; exit 0; }\nexec sleep 10");
  Espeak espeak(settings(program.string(), 300ms));
  SpeechCache cache(dir / "cache", espeak);
  const auto start = std::chrono::steady_clock::now();
  auto spoken = cache.speak("nl", "Hallo");
  ASSERT_FALSE(spoken);
  EXPECT_EQ(spoken.error().kind, PromptErrorKind::tts_timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(SpeechCache, SynthesizerWritingGarbageIsAnError) {
  TempDir dir;
  const auto program = fake_espeak(dir,
      "[ \"$1\" = --version ] && { echo 'eSpeak NG text-to-speech: 1.51  Data at: /x'; exit 0; }\n"
      "while [ \"$1\" != -w ]; do shift; done; echo garbage > \"$2\"");
  Espeak espeak(settings(program.string()));
  SpeechCache cache(dir / "cache", espeak);
  auto spoken = cache.speak("nl", "Hallo");
  ASSERT_FALSE(spoken);
  EXPECT_EQ(spoken.error().kind, PromptErrorKind::tts_failed);
  EXPECT_TRUE(std::filesystem::is_empty(dir / "cache"));
}

TEST(SpeechCache, StaleTemporariesAreRemovedFreshOnesKept) {
  TempDir dir;
  Espeak espeak(settings("callplan-no-espeak-here"));
  SpeechCache cache(dir.path(), espeak);
  std::ofstream(dir / ".tmp-old.wav-1-0") << "x";
  std::ofstream(dir / ".tmp-new.wav-1-1") << "x";
  std::ofstream(dir / "kept.wav") << "x";
  std::filesystem::last_write_time(dir / ".tmp-old.wav-1-0",
                                   std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));
  std::filesystem::last_write_time(dir / "kept.wav",
                                   std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));
  EXPECT_EQ(cache.remove_stale_temporaries(), 1U);
  EXPECT_FALSE(std::filesystem::exists(dir / ".tmp-old.wav-1-0"));
  EXPECT_TRUE(std::filesystem::exists(dir / ".tmp-new.wav-1-1"));
  EXPECT_TRUE(std::filesystem::exists(dir / "kept.wav"));
}

}  // namespace
}  // namespace callplan::media
