// The per-stream loss count: sequence numbers that never arrived, whatever the payload type
// of those that did; late packets fill their holes, duplicates count once, the 16-bit wrap,
// a sender's new sequence and a new SSRC.
#include "media/sequence_loss.hpp"

#include <cstdint>
#include <initializer_list>

#include <gtest/gtest.h>

namespace callplan::media {
namespace {

SequenceLoss fed(std::initializer_list<int> sequence) {
  SequenceLoss loss;
  for (int n : sequence) loss.on_packet(static_cast<std::uint16_t>(n));
  return loss;
}

TEST(SequenceLoss, NothingLostInAnUnbrokenSequence) {
  EXPECT_EQ(fed({}).lost(), 0u);
  EXPECT_EQ(fed({7}).lost(), 0u);
  EXPECT_EQ(fed({7, 8, 9, 10, 11}).lost(), 0u);
}

TEST(SequenceLoss, CountsEachMissingNumber) {
  EXPECT_EQ(fed({1, 2, 5, 6}).lost(), 2u);
  EXPECT_EQ(fed({1, 2, 5, 6, 10}).lost(), 5u);
}

TEST(SequenceLoss, ALatePacketFillsItsHoleAndADuplicateCountsOnce) {
  EXPECT_EQ(fed({1, 2, 4, 3, 5}).lost(), 0u);
  EXPECT_EQ(fed({1, 2, 2, 3, 3, 3, 4}).lost(), 0u);
  EXPECT_EQ(fed({1, 3, 3, 5}).lost(), 2u);
  // The first packets out of order: the stream starts at the lowest number seen.
  EXPECT_EQ(fed({11, 10, 12}).lost(), 0u);
  EXPECT_EQ(fed({11, 9, 12}).lost(), 1u);
}

TEST(SequenceLoss, AcrossTheWrap) {
  EXPECT_EQ(fed({65533, 65534, 65535, 0, 1, 2}).lost(), 0u);
  EXPECT_EQ(fed({65534, 65535, 1, 2}).lost(), 1u);  // 0 never came
}

TEST(SequenceLoss, AJumpPastTheDropoutStartsANewSequence) {
  // 3 lost before the jump; the jump itself is no loss; 1 lost after it.
  EXPECT_EQ(fed({100, 104, 20000, 20001, 20003}).lost(), 4u);
  // A jump within the dropout is loss.
  EXPECT_EQ(fed({100, 1100}).lost(), 999u);
}

TEST(SequenceLoss, ANewSsrcKeepsWhatWasLostAndStartsAfresh) {
  SequenceLoss loss = fed({1, 2, 4});
  loss.restart();
  for (int n : {30000, 30001, 30002}) loss.on_packet(static_cast<std::uint16_t>(n));
  EXPECT_EQ(loss.lost(), 1u);
  loss.on_packet(30005);
  EXPECT_EQ(loss.lost(), 3u);
}

}  // namespace
}  // namespace callplan::media
