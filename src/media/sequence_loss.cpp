// media/sequence_loss.cpp — expected minus received, with a 64-number window for duplicates.
#include "media/sequence_loss.hpp"

namespace callplan::media {

void SequenceLoss::restart() noexcept {
  lost_before_ += lost_now();
  extender_ = SequenceExtender{};
  started_ = false;
}

void SequenceLoss::on_packet(std::uint16_t sequence) noexcept {
  std::uint64_t n = extender_.extend(sequence);
  if (started_ && n > highest_ + kMaxDropout) {
    // A new sequence from the same sender: what the old one lost stays counted.
    lost_before_ += lost_now();
    started_ = false;
  }
  if (!started_) {
    started_ = true;
    first_ = highest_ = n;
    received_ = 1;
    recent_ = 1;
    return;
  }
  if (n > highest_) {
    std::uint64_t shift = n - highest_;
    recent_ = shift >= 64 ? 0 : recent_ << shift;
    recent_ |= 1;
    highest_ = n;
    ++received_;
    return;
  }
  std::uint64_t age = highest_ - n;
  if (age >= 64) return;  // too old to tell from a duplicate: stale
  std::uint64_t bit = std::uint64_t{1} << age;
  if (recent_ & bit) return;  // a duplicate
  recent_ |= bit;
  ++received_;
  if (n < first_) first_ = n;  // the stream's first packets came out of order
}

}  // namespace callplan::media
