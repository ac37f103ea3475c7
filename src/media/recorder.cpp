#include "media/recorder.hpp"

#include <algorithm>

#include "media/rtp_packet.hpp"

namespace callplan::media {

RecordingBuffer::RecordingBuffer(std::size_t max_samples) : max_(max_samples) {}

RecordingBuffer::Placed RecordingBuffer::put(std::uint32_t ssrc, std::uint32_t timestamp,
                                             std::span<const std::int16_t> samples) {
  if (!ssrc_ || *ssrc_ != ssrc) {
    // A new timeline starts right after what is there.
    ssrc_ = ssrc;
    base_ = timestamp;
    origin_ = static_cast<std::int64_t>(samples_.size());
  }
  // Relative to the last timestamp seen of this SSRC, the shorter way round: wraps of the
  // 32-bit timestamp do not matter. base_ follows the stream so deltas stay small.
  std::int64_t position = origin_ + timestamp_delta(base_, timestamp);
  if (position < 0) {
    auto early = static_cast<std::size_t>(-position);
    if (early > kMaxEarly || samples_.size() + early > max_) return Placed::too_old;
    // Reordered at the very start: make room in front.
    samples_.insert(samples_.begin(), early, std::int16_t{0});
    written_.insert(written_.begin(), early, false);
    origin_ += static_cast<std::int64_t>(early);
    position = 0;
  }
  auto at = static_cast<std::size_t>(position);
  // Past the end: dropped, and the stream's position is not moved by it, so one packet with
  // a wild timestamp neither ends the recording nor shifts what follows.
  if (at >= max_) return Placed::past_end;
  if (samples.empty()) return Placed::duplicate;
  std::size_t n = std::min(samples.size(), max_ - at);
  if (samples_.size() < at + n) {
    samples_.resize(at + n, 0);  // the gap before `at`, if any, is silence
    written_.resize(at + n, false);
  }
  bool fresh = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (written_[at + i]) continue;
    samples_[at + i] = samples[i];
    written_[at + i] = true;
    fresh = true;
  }
  if (timestamp_delta(base_, timestamp) > 0) {
    origin_ += timestamp_delta(base_, timestamp);
    base_ = timestamp;
  }
  if (!fresh) {
    ++duplicates_;
    return Placed::duplicate;
  }
  return Placed::stored;
}

void RecordingBuffer::extend_to(std::size_t samples) {
  samples = std::min(samples, max_);
  if (samples_.size() < samples) {
    samples_.resize(samples, 0);
    written_.resize(samples, false);
  }
}

std::size_t RecordingBuffer::silence_filled() const noexcept {
  return static_cast<std::size_t>(std::count(written_.begin(), written_.end(), false));
}

}  // namespace callplan::media
