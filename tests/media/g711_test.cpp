// G.711 against the standard's tables, written here as formulas independent of the
// implementation: for each code, its level's reconstruction value and decision interval
// (ITU-T G.711 Table 1a for A-law, Table 2a for µ-law), then every 16-bit input value.
#include "media/g711.hpp"

#include <cstdint>
#include <cstdlib>
#include <vector>

#include <gtest/gtest.h>

namespace callplan::media {
namespace {

struct Level {
  bool negative;
  int segment;     // 0..7
  int step;        // 1..15
  double value;    // reconstruction value in the law's own domain (14-bit µ, 13-bit A)
  double low;      // decision interval [low, high) of the magnitude
  double high;
};

// µ-law, 14-bit magnitudes: segment e has 16 levels of spacing 2^(e+1); y = (2m+33)2^e - 33.
Level ulaw_level(std::uint8_t code) {
  int bits = (~code) & 0xFF;
  Level l{};
  l.negative = (bits & 0x80) != 0;
  l.segment = (bits >> 4) & 7;
  l.step = bits & 15;
  double half = 1 << l.segment;
  l.value = (2.0 * l.step + 33.0) * half - 33.0;
  l.low = l.value - half;
  l.high = l.value + half;
  return l;
}

// A-law, 13-bit magnitudes: segments 0 and 1 have spacing 2, segment s >= 1 spacing 2^s;
// reconstruction at the middle of the interval.
Level alaw_level(std::uint8_t code) {
  int bits = code ^ 0x55;
  Level l{};
  l.negative = (bits & 0x80) == 0;
  l.segment = (bits >> 4) & 7;
  l.step = bits & 15;
  double spacing = l.segment == 0 ? 2.0 : double(1 << l.segment);
  l.low = l.segment == 0 ? 2.0 * l.step : (16.0 + l.step) * spacing;
  l.high = l.low + spacing;
  l.value = (l.low + l.high) / 2;
  return l;
}

TEST(G711, UlawDecodesEveryCodeToItsReconstructionValue) {
  for (int c = 0; c < 256; ++c) {
    Level l = ulaw_level(static_cast<std::uint8_t>(c));
    double want = (l.negative ? -4.0 : 4.0) * l.value;
    EXPECT_EQ(ulaw_to_linear(static_cast<std::uint8_t>(c)), want) << "code " << c;
  }
  EXPECT_EQ(ulaw_to_linear(0xFF), 0);
  EXPECT_EQ(ulaw_to_linear(0x7F), 0);
  EXPECT_EQ(ulaw_to_linear(0x80), 32124);
  EXPECT_EQ(ulaw_to_linear(0x00), -32124);
}

TEST(G711, AlawDecodesEveryCodeToItsReconstructionValue) {
  for (int c = 0; c < 256; ++c) {
    Level l = alaw_level(static_cast<std::uint8_t>(c));
    double want = (l.negative ? -8.0 : 8.0) * l.value;
    EXPECT_EQ(alaw_to_linear(static_cast<std::uint8_t>(c)), want) << "code " << c;
  }
  EXPECT_EQ(alaw_to_linear(0xD5), 8);
  EXPECT_EQ(alaw_to_linear(0x55), -8);
  EXPECT_EQ(alaw_to_linear(0xAA), 32256);
  EXPECT_EQ(alaw_to_linear(0x2A), -32256);
}

// The code whose decision interval holds |x| in the law's domain (the top level takes
// everything above it: the coder clips), with the sign of x.
template <typename LevelOf>
std::uint8_t reference_encode(int x, double scale, LevelOf level_of) {
  double m = std::abs(x) / scale;
  m = static_cast<double>(static_cast<long>(m));  // the law's domain has integer inputs
  std::uint8_t best = 0;
  double top = -1;
  for (int c = 0; c < 256; ++c) {
    Level l = level_of(static_cast<std::uint8_t>(c));
    if (l.negative != (x < 0)) continue;
    if (m >= l.low && m < l.high) return static_cast<std::uint8_t>(c);
    if (l.low > top) top = l.low, best = static_cast<std::uint8_t>(c);
  }
  if (m >= top) return best;
  ADD_FAILURE() << "no level for " << x;
  return 0;
}

TEST(G711, UlawEncodesEveryLinearValueByTheDecisionIntervals) {
  int failures = 0;
  for (int x = -32768; x <= 32767 && failures < 10; ++x) {
    std::uint8_t want = reference_encode(x, 4.0, ulaw_level);
    std::uint8_t got = linear_to_ulaw(static_cast<std::int16_t>(x));
    if (got != want) {
      ++failures;
      ADD_FAILURE() << "x=" << x << " got " << int(got) << " want " << int(want);
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(G711, AlawEncodesEveryLinearValueByTheDecisionIntervals) {
  int failures = 0;
  for (int x = -32768; x <= 32767 && failures < 10; ++x) {
    std::uint8_t want = reference_encode(x, 8.0, alaw_level);
    std::uint8_t got = linear_to_alaw(static_cast<std::int16_t>(x));
    if (got != want) {
      ++failures;
      ADD_FAILURE() << "x=" << x << " got " << int(got) << " want " << int(want);
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(G711, EveryCodeSurvivesDecodeThenEncode) {
  for (int c = 0; c < 256; ++c) {
    auto code = static_cast<std::uint8_t>(c);
    // µ-law's negative zero decodes to 0, which is encoded as positive zero.
    std::uint8_t want_u = code == 0x7F ? 0xFF : code;
    EXPECT_EQ(linear_to_ulaw(ulaw_to_linear(code)), want_u) << c;
    EXPECT_EQ(linear_to_alaw(alaw_to_linear(code)), code) << c;
  }
}

TEST(G711, ErrorIsWithinHalfAStep) {
  for (int x = -32768; x <= 32767; ++x) {
    auto s = static_cast<std::int16_t>(x);
    int eu = std::abs(ulaw_to_linear(linear_to_ulaw(s)) - x);
    int ea = std::abs(alaw_to_linear(linear_to_alaw(s)) - x);
    // Largest step: 256 (µ, 14-bit) * 4 and 128 (A, 13-bit) * 8, half of it plus the clip
    // region above the top level and the truncation to the law's domain.
    ASSERT_LE(eu, 512 + 644 + 3) << x;
    ASSERT_LE(ea, 512 + 512 + 7) << x;
    // Fine steps near zero: µ-law segment 0 (|x| / 4 < 31) has steps of 2, A-law segments
    // 0 and 1 (|x| / 8 < 64) steps of 2 too.
    if (std::abs(x) < 124) {
      ASSERT_LE(eu, 1 * 4 + 3) << x;
    }
    if (std::abs(x) < 512) {
      ASSERT_LE(ea, 1 * 8 + 7) << x;
    }
  }
}

// Frames go through tables made from the per-sample functions: every input of both codecs,
// each way, gives what the functions give.
TEST(G711, FramesGiveWhatTheSampleFunctionsGiveForEveryValue) {
  std::vector<std::int16_t> every(65536);
  for (std::size_t i = 0; i < every.size(); ++i) every[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(i));
  std::vector<std::uint8_t> all_codes(256);
  for (std::size_t i = 0; i < all_codes.size(); ++i) all_codes[i] = static_cast<std::uint8_t>(i);
  std::vector<std::uint8_t> codes(every.size());
  std::vector<std::int16_t> values(all_codes.size());
  for (Codec codec : {Codec::pcmu, Codec::pcma}) {
    ASSERT_EQ(encode(codec, every, codes), every.size());
    for (std::size_t i = 0; i < every.size(); ++i)
      ASSERT_EQ(codes[i], codec == Codec::pcmu ? linear_to_ulaw(every[i]) : linear_to_alaw(every[i])) << every[i];
    ASSERT_EQ(decode(codec, all_codes, values), all_codes.size());
    for (std::size_t i = 0; i < all_codes.size(); ++i)
      ASSERT_EQ(values[i], codec == Codec::pcmu ? ulaw_to_linear(all_codes[i]) : alaw_to_linear(all_codes[i])) << i;
  }
}

TEST(G711, FramesAndNames) {
  std::vector<std::int16_t> in{0, 1000, -1000, 32767, -32768};
  std::vector<std::uint8_t> codes(in.size());
  std::vector<std::int16_t> out(in.size());
  for (Codec codec : {Codec::pcmu, Codec::pcma}) {
    ASSERT_EQ(encode(codec, in, codes), in.size());
    ASSERT_EQ(decode(codec, codes, out), in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
      EXPECT_EQ(out[i], codec == Codec::pcmu ? ulaw_to_linear(linear_to_ulaw(in[i]))
                                             : alaw_to_linear(linear_to_alaw(in[i])));
    }
    EXPECT_EQ(decode(codec, std::vector<std::uint8_t>(3, silence_code(codec)), out), 3u);
    EXPECT_LE(std::abs(out[0]), 8);
  }
  // Only as many as the shorter span holds.
  EXPECT_EQ(encode(Codec::pcmu, in, std::span(codes).first(2)), 2u);
  EXPECT_EQ(static_payload_type(Codec::pcmu), 0);
  EXPECT_EQ(static_payload_type(Codec::pcma), 8);
  EXPECT_EQ(codec_named("pcmu"), Codec::pcmu);
  EXPECT_EQ(codec_named("PCMA"), Codec::pcma);
  EXPECT_EQ(codec_named("G729"), std::nullopt);
  EXPECT_EQ(codec_named("PCM"), std::nullopt);
  EXPECT_EQ(encoding_name(Codec::pcma), "PCMA");
}

}  // namespace
}  // namespace callplan::media
