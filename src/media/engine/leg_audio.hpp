// media/engine/leg_audio.hpp — the per-leg audio pieces of the media process, free of sockets
// so they are unit-tested alone: the bridge's frame relay, and the voicemail recording's end
// rules (`#`, silence, maximum length).
// Thread safety: none; each belongs to one leg on the Asio thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>

#include "media/recorder.hpp"

namespace callplan::media::engine {

// Audio from one leg waiting to be sent on the other, frame by frame. Bounded: when the
// receiving side delivers faster than the sending side sends (two clocks that differ a
// little, a burst after a stall), the oldest samples go, so the delay stays under kMaxSamples.
class FrameRelay {
 public:
  static constexpr std::size_t kMaxSamples = 8000 / 5;  // 200 ms

  void push(std::span<const std::int16_t> samples, std::size_t gap_before);
  // Fills `out` with relayed audio, silence where there is none (an underrun is not the end
  // of a bridge). Returns out.size().
  std::size_t fill(std::span<std::int16_t> out);
  std::size_t buffered() const noexcept { return samples_.size(); }
  std::uint64_t dropped() const noexcept { return dropped_; }

 private:
  std::deque<std::int16_t> samples_;
  std::uint64_t dropped_ = 0;
};

// Why a recording ended (the `recorded` event's `ended` field).
enum class RecordingEnd : std::uint8_t { hash, silence, max_length, closed, stopped };
const char* to_string(RecordingEnd end) noexcept;

// A voicemail recording in progress: the caller's frames placed by RTP timestamp
// (RecordingBuffer), and where the caller last spoke, so that a recording ended by silence
// or by `#` keeps the message and not the silence or the key press after it.
class Recording {
 public:
  // A frame whose mean absolute level is below this is silence: about -45 dBm0, under the
  // noise of a quiet room on a phone's microphone and well over G.711's idle codes.
  static constexpr int kSilenceLevel = 60;

  Recording(double max_seconds, double silence_seconds);

  // A decoded frame of the caller. Returns the end when this frame ends the recording
  // (silence long enough by RTP time, or the maximum length reached).
  std::optional<RecordingEnd> on_frame(std::uint32_t timestamp, std::span<const std::int16_t> samples);
  // `#` at RTP timestamp `timestamp`: the recording ends where the key went down.
  void cut_at_digit(std::uint32_t timestamp);
  // The caller sent nothing for `silent_samples` of wall time (a phone that stops sending
  // while muted): true when that makes the silence long enough.
  bool silent_too_long(std::size_t silent_samples) const noexcept;
  // The final samples: up to `end` (the RTP-time length of the call since the first frame,
  // for a recording ended by hang-up), without a trailing silence that ended it.
  std::span<const std::int16_t> finish(RecordingEnd end, std::size_t call_samples);

  bool started() const noexcept { return first_.has_value(); }
  std::size_t samples() const noexcept { return buffer_.size(); }

 private:
  // Position (samples since the first frame) of `timestamp`.
  std::int64_t position(std::uint32_t timestamp) const noexcept;

  RecordingBuffer buffer_;
  std::size_t max_samples_;
  std::size_t silence_samples_;
  std::optional<std::uint32_t> first_;   // RTP timestamp of sample 0 of the current timeline
  std::uint32_t ssrc_ = 0;               // a made-up SSRC, changed when the timestamps jump
  std::uint32_t expected_ = 0;           // timestamp the next frame should carry
  std::size_t spoke_until_ = 0;          // end of the last frame that was not silence
  std::optional<std::size_t> cut_;       // where a `#` went down
};

}  // namespace callplan::media::engine
