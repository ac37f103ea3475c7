// Tones: the voicemail beep and the European ringback, checked for frequency (by counting
// zero crossings and with a Goertzel filter), level and cadence; silence frames per codec.
#include "media/tone.hpp"

#include <cmath>
#include <numbers>
#include <vector>

#include <gtest/gtest.h>

namespace callplan::media {
namespace {

std::vector<std::int16_t> generate(ToneGenerator& g, std::size_t samples) {
  std::vector<std::int16_t> out(samples);
  for (std::size_t at = 0; at < samples; at += 160) {
    g.fill(std::span(out).subspan(at, std::min<std::size_t>(160, samples - at)));
  }
  return out;
}

// Power at `hz` relative to the signal's total power (0..1).
double share_at(std::span<const std::int16_t> x, double hz) {
  double w = 2 * std::numbers::pi * hz / kSampleRate, c = 2 * std::cos(w), s1 = 0, s2 = 0;
  double total = 0;
  for (std::int16_t v : x) {
    double s0 = v + c * s1 - s2;
    s2 = s1, s1 = s0;
    total += double(v) * v;
  }
  double power = s1 * s1 + s2 * s2 - c * s1 * s2;
  return total == 0 ? 0 : 2 * power / (double(x.size()) * total);
}

double rms(std::span<const std::int16_t> x) {
  double sum = 0;
  for (std::int16_t v : x) sum += double(v) * v;
  return std::sqrt(sum / double(x.size()));
}

TEST(Tone, VoicemailBeepIsHalfASecondOfOneKilohertz) {
  ToneGenerator beep(voicemail_beep());
  std::vector<std::int16_t> out = generate(beep, 8000);
  EXPECT_TRUE(beep.finished());
  std::span<const std::int16_t> on(out.data(), 4000), off(out.data() + 4000, 4000);
  EXPECT_GT(share_at(on.subspan(80, 3840), 1000), 0.95);
  EXPECT_EQ(rms(off), 0);
  // -10 dBm0. G.711 puts the coder's overload point at +3.14 dBm0 (A-law; +3.17 for
  // µ-law), as spandsp does: a 0 dBm0 sine peaks 3.14 dB under full scale, RMS
  // 32768 * 10^(-3.14 / 20) / sqrt(2).
  const double rms_0dbm0 = 32768 * std::pow(10, -3.14 / 20) / std::sqrt(2.0);
  EXPECT_NEAR(20 * std::log10(rms(on.subspan(80, 3840)) / rms_0dbm0), -10, 0.5);
}

TEST(Tone, EuropeanRingbackIs425HertzOneSecondOnFourOff) {
  ToneGenerator ringback(european_ringback());
  EXPECT_EQ(european_ringback().cadence_samples(), 5u * 8000);
  std::vector<std::int16_t> out = generate(ringback, 8000 * 11);
  EXPECT_FALSE(ringback.finished());  // repeats until dropped
  for (int cycle = 0; cycle < 2; ++cycle) {
    std::span<const std::int16_t> on(out.data() + cycle * 40000, 8000);
    std::span<const std::int16_t> off(out.data() + cycle * 40000 + 8000, 32000);
    EXPECT_GT(share_at(on.subspan(160, 7680), 425), 0.95) << cycle;
    EXPECT_GT(rms(on), 1000) << cycle;
    EXPECT_EQ(rms(off.subspan(160, 31680)), 0) << cycle;
  }
  EXPECT_GT(rms(std::span<const std::int16_t>(out.data() + 80000, 8000)), 1000);  // third burst
}

TEST(Tone, ReportsTheFrameWhereAToneEnds) {
  ToneSpec spec = voicemail_beep();
  spec.on_ms = 25;  // 200 samples: ends inside the second frame
  ToneGenerator g(spec);
  std::vector<std::int16_t> frame(160, 7);
  EXPECT_EQ(g.fill(frame), 160u);
  EXPECT_EQ(g.fill(frame), 40u);
  EXPECT_TRUE(g.finished());
  EXPECT_EQ(rms(std::span(frame).subspan(40)), 0);
  EXPECT_EQ(g.fill(frame), 0u);
  EXPECT_EQ(rms(frame), 0);
}

TEST(Tone, SilenceFrames) {
  std::vector<std::int16_t> frame(160, 99);
  fill_silence(frame);
  EXPECT_EQ(rms(frame), 0);
  EXPECT_EQ(silence_payload(Codec::pcmu, 160), std::vector<std::uint8_t>(160, 0xFF));
  EXPECT_EQ(silence_payload(Codec::pcma, 80), std::vector<std::uint8_t>(80, 0xD5));
  for (std::uint8_t code : silence_payload(Codec::pcma, 1)) EXPECT_LE(std::abs(alaw_to_linear(code)), 8);
}

}  // namespace
}  // namespace callplan::media
