// media/tone.hpp — call-progress tones and silence for the media side to play: the beep
// before a voicemail recording, the European ringback a caller hears while phones ring.
// The generator is spandsp's (one or two sines with an on/off cadence).
//
//   media::ToneGenerator ringback(media::european_ringback());
//   std::array<std::int16_t, 160> frame;
//   ringback.fill(frame);   // every 20 ms; repeats 1 s on, 4 s off until dropped
//
// Thread safety: none; one generator per stream. Not copyable (it owns the spandsp state).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "media/g711.hpp"

namespace callplan::media {

inline constexpr int kSampleRate = 8000;

struct ToneSpec {
  int frequency = 0;      // Hz
  int level_dbm0 = -13;   // level of the (each) sine
  int frequency2 = 0;     // Hz; 0 for a single tone
  // Cadence: on, off, on, off in milliseconds (0 ends the pattern early).
  int on_ms = 0;
  int off_ms = 0;
  int on2_ms = 0;
  int off2_ms = 0;
  bool repeat = false;

  // The samples one pass of the cadence lasts.
  std::size_t cadence_samples() const noexcept;
};

// 1 kHz for 500 ms at -10 dBm0, once: what a caller hears before the recording starts.
ToneSpec voicemail_beep() noexcept;
// 425 Hz, 1 s on and 4 s off, repeated: the CEPT-recommended ringing tone most European
// networks play.
ToneSpec european_ringback() noexcept;

class ToneGenerator {
 public:
  explicit ToneGenerator(const ToneSpec& spec);
  ~ToneGenerator();
  ToneGenerator(const ToneGenerator&) = delete;
  ToneGenerator& operator=(const ToneGenerator&) = delete;

  // Fills `out` with the next samples; after a tone that does not repeat has ended, with
  // silence. Returns the samples that were tone (or its cadence's pauses), out.size() while
  // it lasts, less in the frame where it ends.
  std::size_t fill(std::span<std::int16_t> out);
  bool finished() const noexcept { return finished_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  bool finished_ = false;
};

// Silence frames: linear zeros, or the codec's code for zero.
void fill_silence(std::span<std::int16_t> out) noexcept;
std::vector<std::uint8_t> silence_payload(Codec codec, std::size_t samples);

}  // namespace callplan::media
