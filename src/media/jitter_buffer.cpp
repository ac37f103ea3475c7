#include "media/jitter_buffer.hpp"

#include <iterator>
#include <utility>

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
  // In order, the new frame goes last: search from the back.
  auto at = held_.end();
  while (at != held_.begin() && std::prev(at)->key >= key) --at;
  if (at != held_.end() && at->key == key) return Put::duplicate;
  Held h{key, {}};
  if (!spare_.empty()) {
    h.frame.samples = std::move(spare_.back());
    spare_.pop_back();
  }
  h.frame.timestamp = timestamp;
  h.frame.samples.assign(samples.begin(), samples.end());
  held_.insert(at, std::move(h));
  return Put::held;
}

const AudioFrame* JitterBuffer::release() {
  Held& first = held_.front();
  if (next_ && first.key > *next_) lost_ += first.key - *next_;
  next_ = first.key + 1;
  if (released_.samples.capacity() > 0) spare_.push_back(std::move(released_.samples));
  released_ = std::move(first.frame);
  released_.gap_before = 0;
  held_.erase(held_.begin());
  if (last_end_) {
    std::int64_t gap = timestamp_delta(*last_end_, released_.timestamp);
    released_.gap_before = gap > 0 ? static_cast<std::size_t>(gap) : 0;
  }
  last_end_ = released_.timestamp + static_cast<std::uint32_t>(released_.samples.size());
  return &released_;
}

const AudioFrame* JitterBuffer::pop() {
  if (held_.empty()) return nullptr;
  bool in_order = !next_ || held_.front().key == *next_;
  if (in_order || held_.size() > depth_ || held_.size() > kMaxHeld) return release();
  return nullptr;
}

const AudioFrame* JitterBuffer::drain() {
  if (held_.empty()) return nullptr;
  return release();
}

}  // namespace callplan::media
