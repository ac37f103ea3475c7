// media/sequence_loss.hpp — how many packets of a received RTP stream never arrived, from
// its sequence numbers (RFC 3550 A.3: expected minus received, duplicates not counted).
//
//   media::SequenceLoss loss;
//   loss.on_packet(rtp.header.sequence);   // every accepted packet: audio, telephone-event, ...
//   loss.lost();                           // sequence numbers missing so far
//
// Every packet of the stream counts, whatever its payload type: a sender numbers its audio and
// its RFC 4733 events in one sequence, so a key press (8 event packets in place of 8 audio
// frames) is no loss, and only a number that never came is. A packet that comes late fills
// its hole; one that comes twice counts once (within the last 64 numbers: older ones are
// taken as stale and not counted). A jump ahead of more than kMaxDropout is a sender that
// started a new sequence (RFC 3550 A.1), not thousands of losses: counting goes on from there.
// A new SSRC: restart().
//
// Thread safety: none; one per stream.
#pragma once

#include <cstdint>

#include "media/rtp_packet.hpp"

namespace callplan::media {

class SequenceLoss {
 public:
  static constexpr std::uint64_t kMaxDropout = 3000;

  void on_packet(std::uint16_t sequence) noexcept;
  // Missing sequence numbers, over every sequence since construction.
  std::uint64_t lost() const noexcept { return lost_before_ + lost_now(); }
  // The next packet starts a new sequence (the sender's SSRC changed); what was lost stays.
  void restart() noexcept;

 private:
  std::uint64_t lost_now() const noexcept { return started_ ? highest_ - first_ + 1 - received_ : 0; }

  SequenceExtender extender_;
  bool started_ = false;
  std::uint64_t first_ = 0;     // extended numbers: the lowest and highest seen
  std::uint64_t highest_ = 0;
  std::uint64_t received_ = 0;  // distinct numbers seen in [first_, highest_]
  std::uint64_t recent_ = 0;    // bit i: highest_ - i was seen
  std::uint64_t lost_before_ = 0;
};

}  // namespace callplan::media
