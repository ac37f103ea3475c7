// The hosts' PromptMeter (media/prompt/prompt_meter.hpp): real files and real espeak-ng give the
// lengths the engine times (SPEC 3.9), and each failure becomes the status of its checker code.
#include "media/prompt/prompt_meter.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "callplan/load.hpp"
#include "callplan/prompts.hpp"
#include "test_audio.hpp"

namespace callplan::media {
namespace {

using test::TempDir;
using Status = PromptMeasurement::Status;

PromptMeasurement measure(PromptCache& cache, PromptRequest::Kind kind, const std::string& value,
                          const std::filesystem::path& folder) {
  const std::string base = folder.string();
  return prompt_meter(cache)({kind, value, base, "en"});
}

TEST(PromptMeter, FileLengthIsTheAudioLength) {
  TempDir dir;
  test::write_tone(dir / "closed.wav", 16000, 1, 44000, 400, 0.5);  // 2.75 s at 16 kHz
  PromptCache cache({.speech_folder = dir / "speech", .speech = {}});
  PromptMeasurement m = measure(cache, PromptRequest::Kind::audio_file, "closed.wav", dir.path());
  ASSERT_EQ(m.status, Status::known) << m.detail;
  EXPECT_DOUBLE_EQ(m.seconds, 2.75);
  EXPECT_EQ(prompt_timeline_seconds(m.seconds), 3u);
}

TEST(PromptMeter, MissingAndUnreadableFilesAreTheirOwnStatus) {
  TempDir dir;
  std::ofstream(dir / "text.wav") << "not audio";
  PromptCache cache({.speech_folder = dir / "speech", .speech = {}});
  EXPECT_EQ(measure(cache, PromptRequest::Kind::audio_file, "none.wav", dir.path()).status,
            Status::missing_file);
  PromptMeasurement bad = measure(cache, PromptRequest::Kind::audio_file, "text.wav", dir.path());
  EXPECT_EQ(bad.status, Status::unreadable_file);
  EXPECT_NE(bad.detail.find("prompt."), std::string::npos) << bad.detail;
}

TEST(PromptMeter, TextWithoutTheSynthesizerIsNoSpeech) {
  TempDir dir;
  PromptCache cache({.speech_folder = dir / "speech",
                     .speech = {.program = "callplan-test-no-such-espeak"}});
  PromptMeasurement m = measure(cache, PromptRequest::Kind::text, "We are closed", dir.path());
  EXPECT_EQ(m.status, Status::no_speech);
  EXPECT_NE(m.detail.find("prompt.tts_missing"), std::string::npos) << m.detail;
}

TEST(PromptMeter, TextIsRenderedOnceAndHasItsSpokenLength) {
  CALLPLAN_REQUIRE_ESPEAK();
  TempDir dir;
  PromptCache cache({.speech_folder = dir / "speech", .speech = {}});
  PromptMeasurement m =
      measure(cache, PromptRequest::Kind::text, "We are closed, please call again", dir.path());
  ASSERT_EQ(m.status, Status::known) << m.detail;
  EXPECT_GT(m.seconds, 1.0);
  EXPECT_LT(m.seconds, 6.0);
  PromptMeasurement again =
      measure(cache, PromptRequest::Kind::text, "We are closed, please call again", dir.path());
  EXPECT_DOUBLE_EQ(again.seconds, m.seconds);
}

TEST(PromptMeter, MeasurePromptsResolvesFilesNextToTheYamlFileThatNamesThem) {
  TempDir dir;
  std::filesystem::create_directory(dir / "parts");
  test::write_tone(dir / "parts" / "menu.wav", 8000, 1, 12000, 400, 0.5);  // 1.5 s
  std::ofstream(dir / "parts" / "plans.yaml") << R"(plans:
  - id: main
    steps:
      - menu: {prompt: menu.wav, options: {"1": [hangup]}}
      - announcement: {audio: gone.wav}
)";
  std::ofstream(dir / "tenant.yaml") << R"(version: 1
include: [parts/plans.yaml]
tenant: {name: Acme, login: acme, timezone: Europe/Amsterdam}
numbers: [{number: "+31881234567", plan: main}]
)";
  LoadResult loaded = load_file((dir / "tenant.yaml").string());
  PromptCache cache({.speech_folder = dir / "speech", .speech = {}});
  Issues issues = measure_prompts(loaded.tenant, prompt_meter(cache));
  const auto& steps = loaded.tenant.plans.at(0).steps;
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(std::get<Menu>(steps[0].body).seconds, std::optional<double>(1.5));
  EXPECT_EQ(std::get<Announcement>(steps[1].body).seconds, std::nullopt);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "CP410");
  EXPECT_EQ(issues[0].location.line, 5u);
}

}  // namespace
}  // namespace callplan::media
