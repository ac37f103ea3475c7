#include "media/rtp_packet.hpp"

#include <algorithm>

namespace callplan::media {
namespace {

std::uint16_t read16(std::span<const std::uint8_t> b, std::size_t at) noexcept {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}
std::uint32_t read32(std::span<const std::uint8_t> b, std::size_t at) noexcept {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}
void write16(std::span<std::uint8_t> b, std::size_t at, std::uint16_t v) noexcept {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}
void write32(std::span<std::uint8_t> b, std::size_t at, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

}  // namespace

std::string_view to_string(RtpError error) noexcept {
  switch (error) {
    case RtpError::none: return "none";
    case RtpError::too_short: return "too-short";
    case RtpError::bad_version: return "bad-version";
    case RtpError::csrc_past_end: return "csrc-past-end";
    case RtpError::extension_past_end: return "extension-past-end";
    case RtpError::bad_padding: return "bad-padding";
  }
  return "unknown";
}

RtpError parse_rtp(std::span<const std::uint8_t> bytes, RtpPacket& out) noexcept {
  if (bytes.size() < kRtpHeaderSize) return RtpError::too_short;
  const std::uint8_t first = bytes[0];
  if ((first >> 6) != 2) return RtpError::bad_version;
  const bool padded = (first & 0x20) != 0;
  RtpHeader& h = out.header;
  h.has_extension = (first & 0x10) != 0;
  h.csrc_count = first & 0x0F;
  h.marker = (bytes[1] & 0x80) != 0;
  h.payload_type = bytes[1] & 0x7F;
  h.sequence = read16(bytes, 2);
  h.timestamp = read32(bytes, 4);
  h.ssrc = read32(bytes, 8);

  std::size_t at = kRtpHeaderSize;
  // Every length below is compared with what is left, never added past bytes.size().
  if (bytes.size() - at < std::size_t{4} * h.csrc_count) return RtpError::csrc_past_end;
  for (std::size_t i = 0; i < h.csrc_count; ++i, at += 4) h.csrc[i] = read32(bytes, at);
  std::fill(h.csrc.begin() + h.csrc_count, h.csrc.end(), 0u);

  h.extension_profile = 0;
  h.extension = {};
  if (h.has_extension) {
    if (bytes.size() - at < 4) return RtpError::extension_past_end;
    h.extension_profile = read16(bytes, at);
    std::size_t length = std::size_t{4} * read16(bytes, at + 2);
    at += 4;
    if (bytes.size() - at < length) return RtpError::extension_past_end;
    h.extension = bytes.subspan(at, length);
    at += length;
  }

  std::size_t end = bytes.size();
  out.padding = 0;
  if (padded) {
    // The last byte counts the padding, itself included (RFC 3550 5.1).
    std::uint8_t count = bytes[end - 1];
    if (count == 0 || count > end - at) return RtpError::bad_padding;
    out.padding = count;
    end -= count;
  }
  out.payload = bytes.subspan(at, end - at);
  return RtpError::none;
}

std::size_t rtp_header_size(const RtpHeader& header) noexcept {
  std::size_t size = kRtpHeaderSize + std::size_t{4} * std::min<std::size_t>(header.csrc_count,
                                                                             kMaxCsrc);
  if (header.has_extension) size += 4 + header.extension.size();
  return size;
}

std::size_t write_rtp(const RtpHeader& header, std::span<const std::uint8_t> payload,
                      std::span<std::uint8_t> out) noexcept {
  if (header.payload_type > 127 || header.csrc_count > kMaxCsrc) return 0;
  if (header.has_extension &&
      (header.extension.size() % 4 != 0 || header.extension.size() / 4 > 0xFFFF)) {
    return 0;
  }
  const std::size_t head = rtp_header_size(header);
  if (out.size() < head || out.size() - head < payload.size()) return 0;

  out[0] = static_cast<std::uint8_t>(0x80 | (header.has_extension ? 0x10 : 0) |
                                     header.csrc_count);
  out[1] = static_cast<std::uint8_t>((header.marker ? 0x80 : 0) | header.payload_type);
  write16(out, 2, header.sequence);
  write32(out, 4, header.timestamp);
  write32(out, 8, header.ssrc);
  std::size_t at = kRtpHeaderSize;
  for (std::size_t i = 0; i < header.csrc_count; ++i, at += 4) write32(out, at, header.csrc[i]);
  if (header.has_extension) {
    write16(out, at, header.extension_profile);
    write16(out, at + 2, static_cast<std::uint16_t>(header.extension.size() / 4));
    at += 4;
    std::copy(header.extension.begin(), header.extension.end(), out.begin() + at);
    at += header.extension.size();
  }
  std::copy(payload.begin(), payload.end(), out.begin() + at);
  return at + payload.size();
}

std::uint64_t SequenceExtender::extend(std::uint16_t sequence) noexcept {
  if (!started_) {
    started_ = true;
    last_ = sequence;
    return static_cast<std::uint64_t>(last_);
  }
  auto last16 = static_cast<std::uint16_t>(last_);
  std::int64_t value = last_ + sequence_delta(last16, sequence);
  // A packet from before the first one seen and before a wrap would go negative; such a
  // stray is kept at 0 rather than turned into a huge unsigned value.
  if (value < 0) return 0;
  if (value > last_) last_ = value;
  return static_cast<std::uint64_t>(value);
}

std::int64_t TimestampExtender::extend(std::uint32_t timestamp) noexcept {
  if (!started_) {
    started_ = true;
    last_ = timestamp;
    return last_;
  }
  std::int64_t value = last_ + timestamp_delta(static_cast<std::uint32_t>(last_), timestamp);
  if (value > last_) last_ = value;
  return value;
}

}  // namespace callplan::media
