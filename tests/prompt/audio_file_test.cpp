#include "media/prompt/audio_file.hpp"

#include "media/prompt/durable_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "test_audio.hpp"

namespace callplan::media {
namespace {

using test::TempDir;
using test::write_tone;

TEST(AudioFile, ReadsEightKilohertzMonoUnchanged) {
  TempDir dir;
  write_tone(dir / "a.wav", 8000, 1, 8000, 1000, 0.5);
  auto audio = load_audio_file(dir / "a.wav");
  ASSERT_TRUE(audio) << audio.error().describe();
  EXPECT_EQ(audio->samples.size(), 8000U);
  EXPECT_DOUBLE_EQ(audio->seconds(), 1.0);
  EXPECT_NEAR(test::peak(audio->samples), 0.5, 0.01);
  EXPECT_NEAR(test::zero_crossings(audio->samples), 2000, 4);
}

TEST(AudioFile, ResamplesEveryCommonRateToExactLength) {
  TempDir dir;
  for (int rate : {11025, 16000, 22050, 32000, 44100, 48000}) {
    SCOPED_TRACE(rate);
    // 1.5 s of a 440 Hz tone: after resampling, the same pitch and the same length.
    const long frames = rate * 3 / 2;
    write_tone(dir / "t.wav", rate, 1, frames, 440, 0.5);
    auto audio = load_audio_file(dir / "t.wav");
    ASSERT_TRUE(audio) << audio.error().describe();
    EXPECT_EQ(audio->samples.size(), 12000U);
    EXPECT_DOUBLE_EQ(audio->seconds(), 1.5);
    EXPECT_NEAR(test::zero_crossings(audio->samples), 2 * 440 * 1.5, 6);
    EXPECT_NEAR(test::peak(audio->samples), 0.5, 0.03);
  }
}

TEST(AudioFile, LengthIsRoundedToTheNearestEightKilohertzSample) {
  TempDir dir;
  write_tone(dir / "odd.wav", 44100, 1, 44101, 300, 0.3);  // 1.0000227 s
  auto audio = load_audio_file(dir / "odd.wav");
  ASSERT_TRUE(audio);
  EXPECT_EQ(audio->samples.size(), 8000U);
}

TEST(AudioFile, StereoIsAveragedToMono) {
  TempDir dir;
  // Left only: half the amplitude.  Opposite phases: silence.
  write_tone(dir / "left.wav", 16000, 2, 16000, 500, 0.8, {1.0, 0.0});
  write_tone(dir / "cancel.wav", 16000, 2, 16000, 500, 0.8, {1.0, -1.0});
  auto left = load_audio_file(dir / "left.wav");
  auto cancel = load_audio_file(dir / "cancel.wav");
  ASSERT_TRUE(left);
  ASSERT_TRUE(cancel);
  EXPECT_NEAR(test::peak(left->samples), 0.4, 0.02);
  EXPECT_LT(test::peak(cancel->samples), 0.001);
  EXPECT_EQ(left->samples.size(), 8000U);
}

TEST(AudioFile, ReadsOtherFormatsLibsndfileKnows) {
  TempDir dir;
  write_tone(dir / "a.flac", 48000, 1, 24000, 400, 0.5, {}, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
  write_tone(dir / "a.aiff", 22050, 2, 22050, 400, 0.5, {}, SF_FORMAT_AIFF | SF_FORMAT_PCM_24);
  write_tone(dir / "a.ogg", 44100, 1, 44100, 400, 0.5, {}, SF_FORMAT_OGG | SF_FORMAT_VORBIS);
  write_tone(dir / "ulaw.wav", 8000, 1, 4000, 400, 0.5, {}, SF_FORMAT_WAV | SF_FORMAT_ULAW);
  for (auto [name, seconds] : {std::pair{"a.flac", 0.5}, {"a.aiff", 1.0}, {"a.ogg", 1.0}, {"ulaw.wav", 0.5}}) {
    SCOPED_TRACE(name);
    auto audio = load_audio_file(dir / name);
    ASSERT_TRUE(audio) << audio.error().describe();
    EXPECT_DOUBLE_EQ(audio->seconds(), seconds);
    EXPECT_NEAR(test::zero_crossings(audio->samples), 2 * 400 * seconds, 8);
  }
}

TEST(AudioFile, MissingFileIsReported) {
  auto audio = load_audio_file("/nonexistent/closed.wav");
  ASSERT_FALSE(audio);
  EXPECT_EQ(audio.error().kind, PromptErrorKind::file_missing);
  EXPECT_EQ(audio.error().code(), "prompt.file_missing");
  EXPECT_EQ(audio.error().describe(), "/nonexistent/closed.wav: no such file (prompt.file_missing)");
}

TEST(AudioFile, FolderEmptyFileAndTextAreReportedApart) {
  TempDir dir;
  std::filesystem::create_directory(dir / "folder.wav");
  std::ofstream(dir / "empty.wav").close();
  std::ofstream(dir / "notes.wav") << "this is not audio, just some text that is long enough\n";
  EXPECT_EQ(load_audio_file(dir / "folder.wav").error().kind, PromptErrorKind::file_unreadable);
  EXPECT_EQ(load_audio_file(dir / "empty.wav").error().kind, PromptErrorKind::empty);
  auto text = load_audio_file(dir / "notes.wav");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().kind, PromptErrorKind::format_unsupported);
  EXPECT_NE(text.error().message.find("libsndfile"), std::string::npos);
}

TEST(AudioFile, WavWithoutSamplesIsEmpty) {
  TempDir dir;
  write_tone(dir / "silent.wav", 8000, 1, 0, 400, 0.5);
  auto audio = load_audio_file(dir / "silent.wav");
  ASSERT_FALSE(audio);
  EXPECT_EQ(audio.error().kind, PromptErrorKind::empty);
}

TEST(AudioFile, TruncatedWavIsNotAcceptedSilently) {
  TempDir dir;
  write_tone(dir / "whole.wav", 8000, 1, 8000, 400, 0.5);
  const std::string bytes = read_whole_file(dir / "whole.wav").value();
  // Header cut in half: not decodable.
  std::ofstream(dir / "header.wav", std::ios::binary) << bytes.substr(0, 20);
  auto header = load_audio_file(dir / "header.wav");
  ASSERT_FALSE(header);
  EXPECT_EQ(header.error().kind, PromptErrorKind::file_unreadable);
  EXPECT_TRUE(header.error().message.starts_with("cannot be decoded (")) << header.error().message;
  // Data cut: libsndfile reads what is there, and the length says so.
  std::ofstream(dir / "half.wav", std::ios::binary) << bytes.substr(0, 44 + 8000);
  auto half = load_audio_file(dir / "half.wav");
  ASSERT_TRUE(half);
  EXPECT_DOUBLE_EQ(half->seconds(), 0.5);
}

TEST(AudioFile, UnreadableFileIsReported) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  TempDir dir;
  write_tone(dir / "secret.wav", 8000, 1, 800, 400, 0.5);
  std::filesystem::permissions(dir / "secret.wav", std::filesystem::perms::none);
  auto audio = load_audio_file(dir / "secret.wav");
  ASSERT_FALSE(audio);
  EXPECT_EQ(audio.error().kind, PromptErrorKind::file_unreadable);
}

TEST(AudioFile, TooLongPromptIsRefused) {
  TempDir dir;
  // 601 s at 1 kHz: small on disk, longer than a prompt may be.
  write_tone(dir / "long.wav", 1000, 1, 601000, 100, 0.1);
  auto audio = load_audio_file(dir / "long.wav");
  ASSERT_FALSE(audio);
  EXPECT_EQ(audio.error().kind, PromptErrorKind::too_long);
}

TEST(AudioFile, EncodedWavDecodesToTheSameSamples) {
  Audio audio;
  for (int i = 0; i < 1234; ++i) audio.samples.push_back(static_cast<std::int16_t>((i * 37) % 65536 - 32768));
  const std::string wav = encode_wav(audio);
  EXPECT_EQ(wav.size(), 44U + 2 * 1234);
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(wav.substr(8, 8), "WAVEfmt ");
  auto back = decode_audio(wav, "memory");
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(back->samples, audio.samples);
  EXPECT_FALSE(decode_audio("", "nothing"));
  EXPECT_EQ(decode_audio("garbage bytes that are no wav", "x").error().kind, PromptErrorKind::format_unsupported);
}

TEST(Audio, FramesAreTwentyMillisecondsWithAShortLastOne) {
  Audio audio;
  audio.samples.assign(400, 7);
  EXPECT_EQ(audio.frame_count(), 3U);
  EXPECT_EQ(audio.frame(0).size(), 160U);
  EXPECT_EQ(audio.frame(1).size(), 160U);
  EXPECT_EQ(audio.frame(2).size(), 80U);
  EXPECT_EQ(audio.frame(3).size(), 0U);
  EXPECT_DOUBLE_EQ(audio.seconds(), 0.05);
}

}  // namespace
}  // namespace callplan::media
