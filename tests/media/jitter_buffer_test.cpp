#include "media/jitter_buffer.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace callplan::media {
namespace {

std::vector<std::int16_t> samples(std::int16_t value) { return std::vector<std::int16_t>(160, value); }

// Puts frames in the given order and returns the values of the frames released, in order.
std::vector<int> run(JitterBuffer& j, const std::vector<int>& order, std::uint16_t seq0 = 100) {
  std::vector<int> out;
  for (int n : order) {
    j.put(static_cast<std::uint16_t>(seq0 + n), static_cast<std::uint32_t>(8000 + 160 * n),
          samples(static_cast<std::int16_t>(n)));
    while (auto f = j.pop()) out.push_back(f->samples[0]);
  }
  return out;
}

TEST(JitterBuffer, InOrderFramesPassAtOnce) {
  JitterBuffer j(3);
  EXPECT_EQ(run(j, {0, 1, 2, 3}), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(j.held(), 0u);
}

TEST(JitterBuffer, PutsReorderedFramesBackInOrder) {
  JitterBuffer j(3);
  EXPECT_EQ(run(j, {0, 2, 1, 4, 3, 5}), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(j.lost(), 0u);
  EXPECT_EQ(j.late(), 0u);
}

TEST(JitterBuffer, GivesUpALostFrameAfterDepthFramesAndReportsTheGap) {
  JitterBuffer j(3);
  std::vector<AudioFrame> frames;
  for (int n : {0, 1, 3, 4, 5, 6}) {
    j.put(static_cast<std::uint16_t>(n), static_cast<std::uint32_t>(160 * n), samples(static_cast<std::int16_t>(n)));
    while (auto f = j.pop()) frames.push_back(*f);
  }
  // 0 and 1 at once; 3, 4 and 5 wait behind the hole; with 6 the hole is given up and all
  // four follow.
  ASSERT_EQ(frames.size(), 6u);
  EXPECT_EQ(frames[2].samples[0], 3);
  EXPECT_EQ(frames[5].samples[0], 6);
  EXPECT_EQ(frames[2].gap_before, 160u);
  EXPECT_EQ(frames[1].gap_before, 0u);
  EXPECT_EQ(j.lost(), 1u);
  // The lost frame turning up now is late.
  EXPECT_EQ(j.put(2, 320, samples(2)), JitterBuffer::Put::late);
  EXPECT_EQ(j.late(), 1u);
  EXPECT_FALSE(j.drain());

  // Behind a hole with fewer than `depth` frames: they wait until drained (the stream went
  // quiet), then come out in order.
  JitterBuffer k(3);
  EXPECT_EQ(run(k, {0, 2, 3}), (std::vector<int>{0}));
  std::vector<int> rest;
  while (auto f = k.drain()) rest.push_back(f->samples[0]);
  EXPECT_EQ(rest, (std::vector<int>{2, 3}));
}

TEST(JitterBuffer, DropsDuplicatesAndCrossesTheSequenceWrap) {
  JitterBuffer j(3);
  EXPECT_EQ(run(j, {0, 1, 1, 3, 2, 2, 4}, 65533), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(j.put(65534, 8160, samples(1)), JitterBuffer::Put::late);
}

TEST(JitterBuffer, HoldsNoMoreThanItsBound) {
  JitterBuffer j(3);
  std::vector<int> order{0};
  for (int n = 2; n < 200; n += 2) order.push_back(n);  // every other frame lost
  std::vector<int> out = run(j, order);
  EXPECT_LE(j.held(), 3u);
  EXPECT_EQ(out.size() + j.held(), order.size());
}

}  // namespace
}  // namespace callplan::media
