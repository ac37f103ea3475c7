// media/rtp_packet.hpp — RTP fixed header (RFC 3550 section 5.1) read from and written to
// bytes, and the arithmetic of 16-bit sequence numbers and 32-bit timestamps that wrap.
//
//   media::RtpPacket packet;
//   if (media::parse_rtp(datagram, packet) == media::RtpError::none) {
//     use(packet.header.sequence, packet.payload);   // payload points into `datagram`
//   }
//
//   std::array<std::uint8_t, 12 + 160> out;
//   std::size_t n = media::write_rtp(header, payload, out);   // 0: `out` too small
//
// Parsing is bounded and total: it reads only inside the given bytes, never throws and
// returns an error value for every malformed packet (it runs on every received datagram).
// Thread safety: pure functions; RtpPacket views the caller's buffer and must not outlive it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace callplan::media {

inline constexpr std::size_t kRtpHeaderSize = 12;
inline constexpr std::size_t kMaxCsrc = 15;

struct RtpHeader {
  bool marker = false;
  std::uint8_t payload_type = 0;  // 0..127
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::uint8_t csrc_count = 0;  // entries used in csrc
  std::array<std::uint32_t, kMaxCsrc> csrc{};
  // Header extension (X bit): a profile-defined 16-bit id and its data (a multiple of 4
  // bytes). Parsing points `extension` into the packet; writing copies it.
  bool has_extension = false;
  std::uint16_t extension_profile = 0;
  std::span<const std::uint8_t> extension;
};

struct RtpPacket {
  RtpHeader header;
  std::span<const std::uint8_t> payload;  // without padding
  std::uint8_t padding = 0;               // padding bytes removed (P bit), 0 when none
};

enum class RtpError : std::uint8_t {
  none,
  too_short,           // fewer than 12 bytes
  bad_version,         // version is not 2
  csrc_past_end,       // the CSRC list runs past the end
  extension_past_end,  // the header extension runs past the end
  bad_padding,         // P set, but the count is 0 or larger than what follows the header
};

// Stable name of an error, for logs and counters: "too-short", "bad-version", ...
std::string_view to_string(RtpError error) noexcept;

// Parses `bytes` into `out`. On error `out` is unspecified. Never reads outside `bytes`.
RtpError parse_rtp(std::span<const std::uint8_t> bytes, RtpPacket& out) noexcept;

// The header's size on the wire: 12 + 4 * CSRCs + (4 + extension bytes when present).
std::size_t rtp_header_size(const RtpHeader& header) noexcept;

// Writes header and payload (no padding) into `out`. Returns the bytes written, or 0 when
// `out` is too small, the payload type is above 127, the CSRC count above 15, or the
// extension is not a multiple of 4 bytes or longer than 65535 words.
std::size_t write_rtp(const RtpHeader& header, std::span<const std::uint8_t> payload,
                      std::span<std::uint8_t> out) noexcept;

// Wrap-around arithmetic (RFC 3550 appendix A.1): how far `to` is ahead of `from`,
// negative when behind; the shorter way round the circle.
constexpr std::int32_t sequence_delta(std::uint16_t from, std::uint16_t to) noexcept {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(to - from));
}
constexpr std::int64_t timestamp_delta(std::uint32_t from, std::uint32_t to) noexcept {
  return static_cast<std::int32_t>(to - from);
}
// `a` comes after `b` in sequence order.
constexpr bool sequence_after(std::uint16_t a, std::uint16_t b) noexcept {
  return sequence_delta(b, a) > 0;
}

// Extends 16-bit sequence numbers to a 64-bit count that does not wrap, as a receiver needs
// to order packets across the wrap: the first value is taken as is; later values are placed
// on the side of the last one they are closest to.
class SequenceExtender {
 public:
  std::uint64_t extend(std::uint16_t sequence) noexcept;

 private:
  bool started_ = false;
  std::int64_t last_ = 0;
};

// The same for 32-bit timestamps (a 8 kHz clock wraps after 6.2 days, but a random initial
// value can wrap at any time).
class TimestampExtender {
 public:
  std::int64_t extend(std::uint32_t timestamp) noexcept;

 private:
  bool started_ = false;
  std::int64_t last_ = 0;
};

}  // namespace callplan::media
