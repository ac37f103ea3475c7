#include "media/jitter_buffer.hpp"

namespace callplan::media {

namespace {
// A sender that jumps far ahead (a restarted stream) must not keep old frames waiting, nor
// make the buffer grow: past this many frames held, the oldest go at once.
constexpr std::size_t kMaxHeld = 64;
}  // namespace

JitterBuffer::Put JitterBuffer::put(std::uint16_t sequence, std::uint32_t timestamp,
                                    std::span<const std::int16_t> samples) {
  std::uint64_t key = extender_.extend(sequence);
  if (next_ && key < *next_) {
    ++late_;
    return Put::late;
  }
  auto [it, inserted] = frames_.try_emplace(key);
  if (!inserted) return Put::duplicate;
  it->second.timestamp = timestamp;
  it->second.samples.assign(samples.begin(), samples.end());
  return Put::held;
}

AudioFrame JitterBuffer::release() {
  auto it = frames_.begin();
  if (next_ && it->first > *next_) lost_ += it->first - *next_;
  next_ = it->first + 1;
  AudioFrame frame = std::move(it->second);
  frames_.erase(it);
  if (last_end_) {
    std::int64_t gap = timestamp_delta(*last_end_, frame.timestamp);
    frame.gap_before = gap > 0 ? static_cast<std::size_t>(gap) : 0;
  }
  last_end_ = frame.timestamp + static_cast<std::uint32_t>(frame.samples.size());
  return frame;
}

std::optional<AudioFrame> JitterBuffer::pop() {
  if (frames_.empty()) return std::nullopt;
  bool in_order = !next_ || frames_.begin()->first == *next_;
  if (in_order || frames_.size() > depth_ || frames_.size() > kMaxHeld) return release();
  return std::nullopt;
}

std::optional<AudioFrame> JitterBuffer::drain() {
  if (frames_.empty()) return std::nullopt;
  return release();
}

}  // namespace callplan::media
