// media/jitter_buffer.hpp — puts received audio frames back in sending order before they
// reach what needs an ordered stream (the in-band DTMF detector, a bridge to the other leg).
//
//   media::JitterBuffer jitter(3);                  // hold up to 3 frames out of order
//   jitter.put(rtp.header.sequence, rtp.header.timestamp, samples);
//   while (const AudioFrame* frame = jitter.pop()) deliver(*frame);
//   ...  // when the stream goes quiet for a while:
//   while (const AudioFrame* frame = jitter.drain()) deliver(*frame);
//
// A frame is released when it is the next in sequence, or when `depth` later frames wait
// behind a missing one (the missing one is then given up: a later arrival is dropped as
// late). Duplicates are dropped. The buffer adds no delay while packets arrive in order; its
// depth bounds the delay a reordering can add (3 frames: 60 ms). The recorder does not need
// it: it places frames by timestamp itself.
//
// No allocation per packet once a stream runs: the frames it holds are a few slots kept in
// order, and the sample storage of a released frame is reused by a later one. A released
// frame is lent: valid until the next call on the buffer.
//
// Thread safety: none; one per stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "media/rtp_packet.hpp"

namespace callplan::media {

struct AudioFrame {
  std::uint32_t timestamp = 0;
  std::vector<std::int16_t> samples;
  // Samples missing between the previous frame released and this one (lost packets), from
  // the timestamps: what a consumer fills with silence or conceals.
  std::size_t gap_before = 0;
};

class JitterBuffer {
 public:
  explicit JitterBuffer(std::size_t depth) : depth_(depth == 0 ? 1 : depth) {}

  enum class Put : std::uint8_t { held, duplicate, late };
  Put put(std::uint16_t sequence, std::uint32_t timestamp, std::span<const std::int16_t> samples);

  // The next frame in order, if it may go now; null when none may. Valid until the next call.
  const AudioFrame* pop();
  // The next frame in order, waiting or not (the stream went quiet); null when none is held.
  const AudioFrame* drain();

  std::size_t held() const noexcept { return held_.size(); }
  std::size_t late() const noexcept { return late_; }
  std::size_t lost() const noexcept { return lost_; }

 private:
  struct Held {
    std::uint64_t key;  // extended sequence number
    AudioFrame frame;
  };
  const AudioFrame* release();

  std::size_t depth_;
  SequenceExtender extender_;
  std::vector<Held> held_;  // in sequence order
  std::vector<std::vector<std::int16_t>> spare_;  // sample storage to reuse
  AudioFrame released_;  // the frame last lent out
  std::optional<std::uint64_t> next_;  // sequence expected next
  std::optional<std::uint32_t> last_end_;  // timestamp just after the last frame released
  std::size_t late_ = 0;
  std::size_t lost_ = 0;
};

}  // namespace callplan::media
