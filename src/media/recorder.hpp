// media/recorder.hpp — the audio a caller sent, placed by RTP timestamp, so that a recording
// is as long as the call was.
//
//   media::RecordingBuffer recording(180 * media::kSampleRate);   // at most 180 s
//   on each received frame: recording.put(rtp.header.ssrc, rtp.header.timestamp, samples);
//   at the end:            recording.extend_to(samples_the_call_lasted);
//   write_wav(recording.samples());
//
// Where a packet goes: the first packet's timestamp is sample 0, every later packet goes to
// (its timestamp - the first) - not to the end of what has arrived. So:
// - a gap (lost packets, or a phone that stops sending while muted) becomes silence of the
//   same length, filled when a later packet lands past it (or by extend_to at the end);
// - a packet that arrives late lands where it belongs, also inside silence filled earlier;
// - a duplicate (every sample of it already written) is ignored and counted;
// - a packet from before the first one (reordered at the start) moves the start back, up to
//   kMaxEarly samples; older ones are dropped;
// - nothing goes past the maximum length: the rest of a packet that crosses it is dropped
//   and full() turns true; a packet entirely past it (a wild timestamp) is dropped alone.
// A new SSRC (the sender restarted its stream, a re-INVITE to another phone) starts a new
// timeline: its first packet goes right after the last sample written.
//
// Thread safety: none. Memory: two bytes per sample plus one bit, bounded by the maximum.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace callplan::media {

class RecordingBuffer {
 public:
  // How far before the first packet a reordered one may still be placed: 1 s at 8 kHz.
  static constexpr std::size_t kMaxEarly = 8000;

  explicit RecordingBuffer(std::size_t max_samples);

  enum class Placed : std::uint8_t { stored, duplicate, too_old, past_end };
  // Places `samples` at `timestamp`. Returns what happened: stored (at least one new sample
  // written), duplicate, too_old (before the start by more than kMaxEarly), past_end (all
  // of it beyond the maximum length).
  Placed put(std::uint32_t ssrc, std::uint32_t timestamp, std::span<const std::int16_t> samples);

  // Pads with silence up to `samples` (bounded by the maximum): the call went on after the
  // last packet.
  void extend_to(std::size_t samples);

  std::span<const std::int16_t> samples() const noexcept { return samples_; }
  std::size_t size() const noexcept { return samples_.size(); }
  // The recording has reached the maximum length.
  bool full() const noexcept { return samples_.size() >= max_; }
  std::size_t duplicates() const noexcept { return duplicates_; }
  // Samples filled with silence because no packet covered them (gaps so far).
  std::size_t silence_filled() const noexcept;

 private:
  std::size_t max_;
  std::vector<std::int16_t> samples_;
  std::vector<bool> written_;
  std::size_t duplicates_ = 0;
  std::optional<std::uint32_t> ssrc_;
  std::int64_t origin_ = 0;  // timeline position (samples) of timestamp `base_`
  std::uint32_t base_ = 0;   // an RTP timestamp of the current SSRC
};

}  // namespace callplan::media
