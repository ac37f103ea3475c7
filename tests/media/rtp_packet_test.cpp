#include "media/rtp_packet.hpp"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace callplan::media {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes build(const RtpHeader& h, const Bytes& payload) {
  Bytes out(rtp_header_size(h) + payload.size());
  EXPECT_EQ(write_rtp(h, payload, out), out.size());
  return out;
}

TEST(RtpPacket, ParsesTheFixedHeader) {
  // V=2, M=1, PT=0, seq 0x1234, ts 0xDEADBEEF, SSRC 0x01020304, 4 payload bytes
  Bytes b{0x80, 0x80, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4, 0xFF, 0xFE, 0xFD, 0xFC};
  RtpPacket p;
  ASSERT_EQ(parse_rtp(b, p), RtpError::none);
  EXPECT_TRUE(p.header.marker);
  EXPECT_EQ(p.header.payload_type, 0);
  EXPECT_EQ(p.header.sequence, 0x1234);
  EXPECT_EQ(p.header.timestamp, 0xDEADBEEFu);
  EXPECT_EQ(p.header.ssrc, 0x01020304u);
  EXPECT_EQ(p.header.csrc_count, 0);
  EXPECT_FALSE(p.header.has_extension);
  ASSERT_EQ(p.payload.size(), 4u);
  EXPECT_EQ(p.payload[0], 0xFF);
  EXPECT_EQ(p.payload.data(), b.data() + 12);  // a view, not a copy
}

TEST(RtpPacket, RoundTripsCsrcExtensionAndMarker) {
  RtpHeader h;
  h.marker = true;
  h.payload_type = 101;
  h.sequence = 65535;
  h.timestamp = 4294967295u;
  h.ssrc = 0xCAFEBABE;
  h.csrc_count = 3;
  h.csrc[0] = 1, h.csrc[1] = 2, h.csrc[2] = 0xFFFFFFFF;
  Bytes ext{9, 8, 7, 6, 5, 4, 3, 2};
  h.has_extension = true;
  h.extension_profile = 0xBEDE;
  h.extension = ext;
  Bytes payload{1, 2, 3};
  Bytes wire = build(h, payload);
  EXPECT_EQ(wire.size(), 12u + 12 + 4 + 8 + 3);

  RtpPacket p;
  ASSERT_EQ(parse_rtp(wire, p), RtpError::none);
  EXPECT_EQ(p.header.marker, true);
  EXPECT_EQ(p.header.payload_type, 101);
  EXPECT_EQ(p.header.sequence, 65535);
  EXPECT_EQ(p.header.timestamp, 4294967295u);
  EXPECT_EQ(p.header.ssrc, 0xCAFEBABEu);
  ASSERT_EQ(p.header.csrc_count, 3);
  EXPECT_EQ(p.header.csrc[2], 0xFFFFFFFFu);
  EXPECT_EQ(p.header.csrc[3], 0u);
  ASSERT_TRUE(p.header.has_extension);
  EXPECT_EQ(p.header.extension_profile, 0xBEDE);
  EXPECT_EQ(Bytes(p.header.extension.begin(), p.header.extension.end()), ext);
  EXPECT_EQ(Bytes(p.payload.begin(), p.payload.end()), payload);
  EXPECT_EQ(p.padding, 0);
}

TEST(RtpPacket, StripsPadding) {
  Bytes b{0xA0, 0x08, 0, 1, 0, 0, 0, 160, 0, 0, 0, 7, 0xD5, 0xD5, 0, 0, 3};
  RtpPacket p;
  ASSERT_EQ(parse_rtp(b, p), RtpError::none);
  EXPECT_EQ(p.padding, 3);
  EXPECT_EQ(p.payload.size(), 2u);
  EXPECT_EQ(p.header.payload_type, 8);
}

TEST(RtpPacket, RejectsMalformedPacketsWithAnErrorValue) {
  RtpPacket p;
  Bytes ok{0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  ASSERT_EQ(parse_rtp(ok, p), RtpError::none);
  EXPECT_TRUE(p.payload.empty());

  for (std::size_t n = 0; n < 12; ++n) {
    EXPECT_EQ(parse_rtp(std::span(ok).first(n), p), RtpError::too_short) << n;
  }
  for (int version : {0x00, 0x40, 0xC0}) {
    Bytes b = ok;
    b[0] = static_cast<std::uint8_t>(version);
    EXPECT_EQ(parse_rtp(b, p), RtpError::bad_version);
  }
  Bytes csrc = ok;
  csrc[0] = 0x82;  // two CSRCs announced, one present
  csrc.insert(csrc.end(), {0, 0, 0, 9});
  EXPECT_EQ(parse_rtp(csrc, p), RtpError::csrc_past_end);

  Bytes ext = ok;
  ext[0] = 0x90;
  EXPECT_EQ(parse_rtp(ext, p), RtpError::extension_past_end);  // no extension header
  ext.insert(ext.end(), {0xBE, 0xDE, 0, 2, 1, 2, 3, 4});      // 2 words announced, 1 present
  EXPECT_EQ(parse_rtp(ext, p), RtpError::extension_past_end);
  ext.insert(ext.end(), {5, 6, 7, 8});
  EXPECT_EQ(parse_rtp(ext, p), RtpError::none);
  EXPECT_EQ(p.header.extension.size(), 8u);

  Bytes pad = ok;
  pad[0] = 0xA0;
  EXPECT_EQ(parse_rtp(pad, p), RtpError::bad_padding);  // count byte would be in the header
  pad.push_back(0);
  EXPECT_EQ(parse_rtp(pad, p), RtpError::bad_padding);  // count 0
  pad.back() = 2;
  EXPECT_EQ(parse_rtp(pad, p), RtpError::bad_padding);  // more than follows the header
  pad.back() = 1;
  EXPECT_EQ(parse_rtp(pad, p), RtpError::none);
  EXPECT_TRUE(p.payload.empty());

  EXPECT_EQ(to_string(RtpError::bad_padding), "bad-padding");
  EXPECT_EQ(to_string(RtpError::too_short), "too-short");
}

TEST(RtpPacket, ParsesEveryPrefixOfAPacketWithoutReadingPastIt) {
  RtpHeader h;
  h.csrc_count = 2;
  Bytes ext{1, 2, 3, 4};
  h.has_extension = true;
  h.extension = ext;
  Bytes wire = build(h, Bytes(20, 0x55));
  // Each prefix in its own allocation, so that AddressSanitizer sees a read past the end.
  for (std::size_t n = 0; n <= wire.size(); ++n) {
    Bytes prefix(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(n));
    RtpPacket p;
    RtpError e = parse_rtp(prefix, p);
    if (n < 12) EXPECT_EQ(e, RtpError::too_short);
    else if (n < 20) EXPECT_EQ(e, RtpError::csrc_past_end);
    else if (n < 28) EXPECT_EQ(e, RtpError::extension_past_end);
    else EXPECT_EQ(e, RtpError::none);
  }
}

TEST(RtpPacket, WriteRefusesWhatItCannotWrite) {
  RtpHeader h;
  Bytes payload(160, 0xFF);
  Bytes small(171);
  EXPECT_EQ(write_rtp(h, payload, small), 0u);
  Bytes out(172);
  EXPECT_EQ(write_rtp(h, payload, out), 172u);
  h.payload_type = 128;
  EXPECT_EQ(write_rtp(h, payload, out), 0u);
  h.payload_type = 0;
  Bytes odd{1, 2, 3};
  h.has_extension = true;
  h.extension = odd;
  EXPECT_EQ(write_rtp(h, {}, out), 0u);
}

TEST(RtpSequence, DeltasWrapTheShortWayRound) {
  EXPECT_EQ(sequence_delta(65535, 0), 1);
  EXPECT_EQ(sequence_delta(0, 65535), -1);
  EXPECT_EQ(sequence_delta(100, 90), -10);
  EXPECT_EQ(sequence_delta(65530, 4), 10);
  EXPECT_TRUE(sequence_after(2, 65534));
  EXPECT_FALSE(sequence_after(65534, 2));
  EXPECT_FALSE(sequence_after(7, 7));
  EXPECT_EQ(timestamp_delta(4294967136u, 0), 160);
  EXPECT_EQ(timestamp_delta(160, 0), -160);
  EXPECT_EQ(timestamp_delta(0, 0x7FFFFFFF), 0x7FFFFFFF);
}

TEST(RtpSequence, ExtenderCountsWrapsAndPlacesStragglers) {
  SequenceExtender s;
  EXPECT_EQ(s.extend(65534), 65534u);
  EXPECT_EQ(s.extend(65535), 65535u);
  EXPECT_EQ(s.extend(1), 65537u);      // wrapped, 0 was lost
  EXPECT_EQ(s.extend(0), 65536u);      // late, placed before
  EXPECT_EQ(s.extend(65535), 65535u);  // a duplicate from before the wrap
  EXPECT_EQ(s.extend(2), 65538u);
  // Three full cycles in steps of 1000.
  std::uint64_t last = 65538;
  std::uint16_t seq = 2;
  for (int i = 0; i < 200; ++i) {
    seq = static_cast<std::uint16_t>(seq + 1000);
    std::uint64_t v = s.extend(seq);
    EXPECT_EQ(v, last + 1000);
    last = v;
  }
  TimestampExtender t;
  EXPECT_EQ(t.extend(4294967000u), 4294967000);
  EXPECT_EQ(t.extend(64), 4294967296 + 64);
  EXPECT_EQ(t.extend(4294966840u), 4294966840);  // reordered, before the wrap
}

}  // namespace
}  // namespace callplan::media
