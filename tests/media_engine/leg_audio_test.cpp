// The per-leg audio pieces (media/engine/leg_audio.hpp): the bridge's bounded relay and the
// recording's end rules.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "media/engine/leg_audio.hpp"

namespace callplan::media::engine {
namespace {

std::vector<std::int16_t> loud(std::size_t n = 160) {
  std::vector<std::int16_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::int16_t>(8000 * std::sin(0.3 * static_cast<double>(i)));
  return v;
}
const std::vector<std::int16_t> kQuiet(160, 3);

TEST(FrameRelay, RelaysInOrderAndFillsSilence) {
  FrameRelay relay;
  auto a = loud();
  relay.push(a, 0);
  std::vector<std::int16_t> out(200, 99);
  EXPECT_EQ(relay.fill(out), 200u);
  EXPECT_TRUE(std::equal(a.begin(), a.end(), out.begin()));
  EXPECT_TRUE(std::all_of(out.begin() + 160, out.end(), [](std::int16_t s) { return s == 0; }));
}

TEST(FrameRelay, GapBecomesSilenceAndDelayIsBounded) {
  FrameRelay relay;
  relay.push(loud(), 80);
  EXPECT_EQ(relay.buffered(), 240u);
  for (int i = 0; i < 20; ++i) relay.push(loud(), 0);
  EXPECT_EQ(relay.buffered(), FrameRelay::kMaxSamples);
  EXPECT_GT(relay.dropped(), 0u);
}

TEST(Recording, HashCutsWhereTheKeyWentDown) {
  Recording r(180, 10);
  std::uint32_t ts = 1000;
  for (int i = 0; i < 150; ++i, ts += 160) EXPECT_FALSE(r.on_frame(ts, loud()));
  r.cut_at_digit(ts);  // the event's timestamp: right after the last audio frame
  auto kept = r.finish(RecordingEnd::hash, 0);
  EXPECT_EQ(kept.size(), 150u * 160);
}

TEST(Recording, SilenceEndsItAndIsNotKept) {
  Recording r(180, 1.0);
  std::uint32_t ts = 0;
  for (int i = 0; i < 100; ++i, ts += 160) ASSERT_FALSE(r.on_frame(ts, loud()));
  std::optional<RecordingEnd> end;
  int quiet = 0;
  while (!end && quiet < 1000) {
    end = r.on_frame(ts, kQuiet);
    ts += 160;
    ++quiet;
  }
  ASSERT_EQ(end, RecordingEnd::silence);
  EXPECT_EQ(quiet, 50);  // 1 s of 20 ms frames
  EXPECT_EQ(r.finish(RecordingEnd::silence, 0).size(), 100u * 160);
}

TEST(Recording, GapsKeepTheLengthAndAPhoneThatStopsSendingIsSilence) {
  Recording r(180, 2.0);
  for (std::uint32_t i = 0; i < 100; ++i) {
    if (i % 10 == 3) continue;  // lost packets
    r.on_frame(i * 160, loud());
  }
  EXPECT_EQ(r.samples(), 100u * 160);
  EXPECT_FALSE(r.silent_too_long(8000));
  EXPECT_TRUE(r.silent_too_long(16000));
}

TEST(Recording, HangUpPadsToTheCallsLengthAndMaxLengthEndsIt) {
  Recording r(180, 10);
  for (std::uint32_t i = 0; i < 50; ++i) r.on_frame(i * 160, loud());
  EXPECT_EQ(r.finish(RecordingEnd::closed, 12000).size(), 12000u);

  Recording shortest(1.0, 10);
  std::optional<RecordingEnd> end;
  std::uint32_t frames = 0;
  while (!end && frames < 100) end = shortest.on_frame(frames++ * 160, loud());
  EXPECT_EQ(end, RecordingEnd::max_length);
  EXPECT_EQ(frames, 50u);
  EXPECT_EQ(shortest.finish(RecordingEnd::max_length, 0).size(), 8000u);
}

TEST(Recording, ATimestampJumpStartsANewTimelineAfterWhatIsRecorded) {
  Recording r(180, 10);
  for (std::uint32_t i = 0; i < 10; ++i) r.on_frame(i * 160, loud());
  for (std::uint32_t i = 0; i < 10; ++i) r.on_frame(900000 + i * 160, loud());  // a new stream
  EXPECT_EQ(r.samples(), 20u * 160);
}

}  // namespace
}  // namespace callplan::media::engine
