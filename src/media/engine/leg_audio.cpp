// media/engine/leg_audio.cpp — the bridge's relay and the recording's end rules.
#include "media/engine/leg_audio.hpp"

#include <algorithm>
#include <cstdlib>

#include "media/tone.hpp"

namespace callplan::media::engine {

void FrameRelay::push(std::span<const std::int16_t> samples, std::size_t gap_before) {
  // A lost packet on the way in is silence of its length on the way out (bounded like audio).
  samples_.insert(samples_.end(), std::min(gap_before, kMaxSamples), std::int16_t{0});
  samples_.insert(samples_.end(), samples.begin(), samples.end());
  if (samples_.size() > kMaxSamples) {
    std::size_t excess = samples_.size() - kMaxSamples;
    samples_.erase(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(excess));
    dropped_ += excess;
  }
}

std::size_t FrameRelay::fill(std::span<std::int16_t> out) {
  std::size_t n = std::min(out.size(), samples_.size());
  std::copy_n(samples_.begin(), n, out.begin());
  samples_.erase(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(n));
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(n), out.end(), std::int16_t{0});
  return out.size();
}

const char* to_string(RecordingEnd end) noexcept {
  switch (end) {
    case RecordingEnd::hash: return "hash";
    case RecordingEnd::silence: return "silence";
    case RecordingEnd::max_length: return "max_length";
    case RecordingEnd::closed: return "closed";
    case RecordingEnd::stopped: return "stopped";
  }
  return "stopped";
}

namespace {
std::size_t to_samples(double seconds) { return static_cast<std::size_t>(seconds * kSampleRate + 0.5); }

bool is_silent(std::span<const std::int16_t> samples) {
  if (samples.empty()) return true;
  long sum = 0;
  for (std::int16_t s : samples) sum += std::abs(static_cast<int>(s));
  return sum / static_cast<long>(samples.size()) < Recording::kSilenceLevel;
}
}  // namespace

Recording::Recording(double max_seconds, double silence_seconds)
    : buffer_(to_samples(max_seconds)), max_samples_(to_samples(max_seconds)),
      silence_samples_(to_samples(silence_seconds)) {}

std::int64_t Recording::position(std::uint32_t timestamp) const noexcept {
  return static_cast<std::int64_t>(buffer_.size()) +
         static_cast<std::int32_t>(timestamp - expected_);
}

std::optional<RecordingEnd> Recording::on_frame(std::uint32_t timestamp, std::span<const std::int16_t> samples) {
  if (!first_) {
    first_ = timestamp;
    expected_ = timestamp;
  }
  // A jump of more than a second either way is a new stream (another SSRC after a
  // re-INVITE, a restarted phone): a new timeline that goes on after what is recorded.
  std::int32_t delta = static_cast<std::int32_t>(timestamp - expected_);
  if (delta > kSampleRate || delta < -kSampleRate) {
    ++ssrc_;
    expected_ = timestamp;
  }
  bool newest = static_cast<std::int32_t>(timestamp - expected_) >= 0;
  buffer_.put(ssrc_, timestamp, samples);
  if (newest) expected_ = timestamp + static_cast<std::uint32_t>(samples.size());
  if (!is_silent(samples) && newest) spoke_until_ = buffer_.size();
  if (buffer_.full()) return RecordingEnd::max_length;
  if (buffer_.size() >= spoke_until_ + silence_samples_) return RecordingEnd::silence;
  return std::nullopt;
}

void Recording::cut_at_digit(std::uint32_t timestamp) {
  if (!first_) {
    cut_ = 0;
    return;
  }
  std::int64_t at = position(timestamp);
  cut_ = static_cast<std::size_t>(std::clamp<std::int64_t>(at, 0, static_cast<std::int64_t>(buffer_.size())));
}

bool Recording::silent_too_long(std::size_t silent_samples) const noexcept {
  std::size_t end = buffer_.size() + silent_samples;
  return end >= spoke_until_ + silence_samples_;
}

std::span<const std::int16_t> Recording::finish(RecordingEnd end, std::size_t call_samples) {
  std::size_t keep = buffer_.size();
  switch (end) {
    case RecordingEnd::closed:
      buffer_.extend_to(std::min(call_samples, max_samples_));
      keep = buffer_.size();
      break;
    case RecordingEnd::silence: keep = std::min(spoke_until_, buffer_.size()); break;
    case RecordingEnd::hash: keep = std::min(cut_.value_or(buffer_.size()), buffer_.size()); break;
    case RecordingEnd::max_length:
    case RecordingEnd::stopped: break;
  }
  return buffer_.samples().first(keep);
}

}  // namespace callplan::media::engine
