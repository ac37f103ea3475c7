// media/dtmf_inband.hpp — DTMF digits heard in the audio itself (ITU-T Q.23/Q.24), for
// callers that did not offer telephone-event. The detector is spandsp's (Debian
// libspandsp-dev): Goertzel filters with twist, level and duration checks, and tuned against
// talk-off, so speech does not press keys.
//
//   media::InbandDtmfDetector detector;
//   for each decoded 8 kHz frame:
//     for (char digit : detector.feed(frame)) menu.press(digit);
//
// One digit per key press, reported once the tone has been present long enough (about 40 ms).
// Thread safety: none; one detector per stream. Not copyable (it owns the spandsp state).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace callplan::media {

class InbandDtmfDetector {
 public:
  InbandDtmfDetector();
  ~InbandDtmfDetector();
  InbandDtmfDetector(const InbandDtmfDetector&) = delete;
  InbandDtmfDetector& operator=(const InbandDtmfDetector&) = delete;

  // 8 kHz linear samples, in order. Returns the digits completed in them (usually none).
  std::string feed(std::span<const std::int16_t> samples);

  // A frame that was lost: spandsp keeps its timing without treating it as silence.
  void lost(std::size_t samples);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A DTMF tone sequence as audio, from spandsp's generator (for tests and in-band sending):
// each digit `on_ms` long at -10 dBm0 per tone, followed by `off_ms` of silence.
std::vector<std::int16_t> dtmf_tones(std::string_view digits, int on_ms = 100, int off_ms = 100);

}  // namespace callplan::media
