// media/prompt/audio.hpp — audio as the media side plays and records it: 8 kHz, mono, 16-bit
// linear PCM, cut into 20 ms frames (160 samples, the RTP packet size for G.711).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace callplan::media {

inline constexpr int telephony_rate = 8000;           // samples per second
inline constexpr std::size_t frame_samples = 160;     // 20 ms at 8 kHz

struct Audio {
  std::vector<std::int16_t> samples;  // 8 kHz mono

  // Exact length: samples / 8000.
  double seconds() const { return static_cast<double>(samples.size()) / telephony_rate; }
  // Number of 20 ms frames; the last one may be short.
  std::size_t frame_count() const { return (samples.size() + frame_samples - 1) / frame_samples; }
  // Frame i (i < frame_count()); the last frame holds what is left (fewer than 160 samples
  // when the length is not a multiple of 20 ms — the player pads it with silence).
  std::span<const std::int16_t> frame(std::size_t i) const;
};

}  // namespace callplan::media
