// The recorder places audio by RTP timestamp: gaps become silence of their length, late
// packets land where they belong, duplicates change nothing, and the length is bounded.
#include "media/recorder.hpp"

#include <numeric>
#include <vector>

#include <gtest/gtest.h>

namespace callplan::media {
namespace {

constexpr std::uint32_t kSsrc = 0x1234;
constexpr std::size_t kFrame = 160;

// Frame n of a stream whose sample i is (i % 1000) + 1, never 0: silence is easy to tell.
std::vector<std::int16_t> frame(std::size_t n) {
  std::vector<std::int16_t> f(kFrame);
  for (std::size_t i = 0; i < kFrame; ++i) {
    f[i] = static_cast<std::int16_t>((n * kFrame + i) % 1000 + 1);
  }
  return f;
}

std::int16_t expected(std::size_t sample) { return static_cast<std::int16_t>(sample % 1000 + 1); }

TEST(Recorder, FillsGapsWithSilenceOfTheirLength) {
  RecordingBuffer r(8000 * 60);
  const std::uint32_t t0 = 4294967296u - 800;  // the timestamp wraps inside the recording
  for (std::size_t n = 0; n < 50; ++n) {
    if (n >= 10 && n < 20) continue;  // 200 ms lost
    if (n == 30) continue;            // one frame lost
    auto ts = static_cast<std::uint32_t>(t0 + n * kFrame);
    EXPECT_EQ(r.put(kSsrc, ts, frame(n)), RecordingBuffer::Placed::stored);
  }
  ASSERT_EQ(r.size(), 50 * kFrame);  // as long as the stream was
  EXPECT_EQ(r.silence_filled(), 11 * kFrame);
  auto s = r.samples();
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::size_t n = i / kFrame;
    bool lost = (n >= 10 && n < 20) || n == 30;
    ASSERT_EQ(s[i], lost ? 0 : expected(i)) << "sample " << i;
  }
}

TEST(Recorder, PlacesReorderedPacketsAndIgnoresDuplicates) {
  RecordingBuffer r(8000 * 10);
  const std::uint32_t t0 = 90000;
  std::vector<std::size_t> order{0, 2, 1, 3, 5, 4, 4, 6, 2, 9, 7, 8};
  std::size_t duplicates = 0;
  for (std::size_t n : order) {
    auto placed = r.put(kSsrc, static_cast<std::uint32_t>(t0 + n * kFrame), frame(n));
    if (placed == RecordingBuffer::Placed::duplicate) ++duplicates;
  }
  EXPECT_EQ(duplicates, 2u);
  EXPECT_EQ(r.duplicates(), 2u);
  ASSERT_EQ(r.size(), 10 * kFrame);
  EXPECT_EQ(r.silence_filled(), 0u);
  for (std::size_t i = 0; i < r.size(); ++i) ASSERT_EQ(r.samples()[i], expected(i)) << i;
}

TEST(Recorder, APacketFromBeforeTheFirstMovesTheStartBack) {
  RecordingBuffer r(8000 * 10);
  r.put(kSsrc, 1000 + 2 * kFrame, frame(2));
  r.put(kSsrc, 1000 + 1 * kFrame, frame(1));
  r.put(kSsrc, 1000, frame(0));
  ASSERT_EQ(r.size(), 3 * kFrame);
  for (std::size_t i = 0; i < r.size(); ++i) ASSERT_EQ(r.samples()[i], expected(i)) << i;
  // More than kMaxEarly before the start: dropped.
  EXPECT_EQ(r.put(kSsrc, 1000u - static_cast<std::uint32_t>(RecordingBuffer::kMaxEarly + kFrame), frame(0)),
            RecordingBuffer::Placed::too_old);
  EXPECT_EQ(r.size(), 3 * kFrame);
}

TEST(Recorder, StopsAtTheMaximumLength) {
  RecordingBuffer r(1000);  // 6.25 frames
  for (std::size_t n = 0; n < 6; ++n) {
    EXPECT_EQ(r.put(kSsrc, static_cast<std::uint32_t>(n * kFrame), frame(n)),
              RecordingBuffer::Placed::stored);
  }
  EXPECT_FALSE(r.full());
  EXPECT_EQ(r.put(kSsrc, 6 * kFrame, frame(6)), RecordingBuffer::Placed::stored);  // 40 fit
  EXPECT_TRUE(r.full());
  EXPECT_EQ(r.size(), 1000u);
  EXPECT_EQ(r.put(kSsrc, 7 * kFrame, frame(7)), RecordingBuffer::Placed::past_end);
  // A jump far ahead (a broken sender) does not allocate past the maximum either.
  EXPECT_EQ(r.put(kSsrc, 2000000000u, frame(0)), RecordingBuffer::Placed::past_end);
  EXPECT_EQ(r.size(), 1000u);
  r.extend_to(5000);
  EXPECT_EQ(r.size(), 1000u);

  // One packet with a wild timestamp neither fills a fresh recording nor moves the stream.
  RecordingBuffer fresh(8000);
  fresh.put(kSsrc, 0, frame(0));
  EXPECT_EQ(fresh.put(kSsrc, 1000000u, frame(1)), RecordingBuffer::Placed::past_end);
  EXPECT_FALSE(fresh.full());
  EXPECT_EQ(fresh.put(kSsrc, kFrame, frame(1)), RecordingBuffer::Placed::stored);
  EXPECT_EQ(fresh.size(), 2 * kFrame);
  EXPECT_EQ(fresh.samples()[kFrame], expected(kFrame));
}

TEST(Recorder, ExtendsToTheCallsLengthAtTheEnd) {
  RecordingBuffer r(8000 * 10);
  r.put(kSsrc, 0, frame(0));
  r.extend_to(8000);  // the caller was silent (sent nothing) for the rest of the second
  EXPECT_EQ(r.size(), 8000u);
  EXPECT_EQ(r.silence_filled(), 8000u - kFrame);
  r.extend_to(100);  // never shortens
  EXPECT_EQ(r.size(), 8000u);
}

TEST(Recorder, ANewSsrcContinuesAfterWhatIsThere) {
  RecordingBuffer r(8000 * 10);
  r.put(kSsrc, 5000, frame(0));
  r.put(kSsrc, 5000 + kFrame, frame(1));
  // The other side restarted its stream: new SSRC, unrelated timestamps.
  r.put(kSsrc + 1, 777, frame(2));
  r.put(kSsrc + 1, 777 + 2 * kFrame, frame(4));  // one frame lost in the new stream
  r.put(kSsrc + 1, 777 + kFrame, frame(3));      // and then arrives late
  ASSERT_EQ(r.size(), 5 * kFrame);
  for (std::size_t i = 0; i < r.size(); ++i) ASSERT_EQ(r.samples()[i], expected(i)) << i;
}

}  // namespace
}  // namespace callplan::media
