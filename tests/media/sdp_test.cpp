// The SDP reader and writer (RFC 4566).
#include "media/sdp.hpp"

#include <string>

#include <gtest/gtest.h>

namespace callplan::media {
namespace {

// What a typical phone (here baresip's shape) offers.
constexpr const char* kOffer =
    "v=0\r\n"
    "o=- 1730041 1730042 IN IP4 192.0.2.7\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.7\r\n"
    "t=0 0\r\n"
    "a=tool:baresip\r\n"
    "m=audio 40000 RTP/AVP 8 0 101\r\n"
    "b=AS:64\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=ptime:20\r\n"
    "a=sendrecv\r\n"
    "a=rtcp-mux\r\n"
    "m=video 0 RTP/AVP 96\r\n";

TEST(Sdp, ReadsATypicalOffer) {
  SdpParse p = parse_sdp(kOffer);
  ASSERT_TRUE(p.ok()) << p.problem.text();
  const SessionDescription& sd = *p.description;
  EXPECT_EQ(sd.origin.username, "-");
  EXPECT_EQ(sd.origin.session_id, "1730041");
  EXPECT_EQ(sd.origin.session_version, "1730042");
  EXPECT_EQ(sd.origin.address, "192.0.2.7");
  ASSERT_TRUE(sd.connection);
  EXPECT_EQ(sd.connection->address, "192.0.2.7");
  EXPECT_TRUE(sd.connection->literal);
  ASSERT_EQ(sd.attributes.size(), 1u);
  EXPECT_EQ(sd.attributes[0].name, "tool");
  ASSERT_EQ(sd.media.size(), 2u);
  const SdpMedia& audio = sd.media[0];
  EXPECT_EQ(audio.media, "audio");
  EXPECT_EQ(audio.port, 40000);
  EXPECT_EQ(audio.protocol, "RTP/AVP");
  EXPECT_EQ(audio.formats, (std::vector<std::string>{"8", "0", "101"}));
  ASSERT_NE(audio.rtpmap(101), nullptr);
  EXPECT_EQ(audio.rtpmap(101)->encoding, "telephone-event");
  EXPECT_EQ(audio.rtpmap(101)->clock_rate, 8000u);
  ASSERT_NE(audio.fmtp(101), nullptr);
  EXPECT_EQ(audio.fmtp(101)->parameters, "0-15");
  EXPECT_EQ(audio.ptime_ms, 20);
  EXPECT_EQ(audio.direction, Direction::sendrecv);
  ASSERT_EQ(audio.attributes.size(), 1u);  // rtcp-mux kept
  EXPECT_EQ(audio.attributes[0].name, "rtcp-mux");
  EXPECT_FALSE(audio.attributes[0].value);
  EXPECT_EQ(sd.media[1].media, "video");
  EXPECT_EQ(sd.media[1].port, 0);
  EXPECT_EQ(sd.connection_for(sd.media[1]), &*sd.connection);
}

TEST(Sdp, ReadsIpv6BareLineFeedsAndMediaLevelConnection) {
  SdpParse p = parse_sdp(
      "v=0\no=alice 1 1 IN IP6 2001:db8::1\ns=call\nt=0 0\na=recvonly\n"
      "m=audio 5004/2 RTP/AVP 0\nc=IN IP6 2001:db8::2\na=inactive\n"
      "m=audio 5008 RTP/AVP 0\nc=IN IP4 203.0.113.9/127\n");
  ASSERT_TRUE(p.ok()) << p.problem.text();
  const SessionDescription& sd = *p.description;
  EXPECT_EQ(sd.origin.type, AddressType::ip6);
  EXPECT_FALSE(sd.connection);
  ASSERT_EQ(sd.media.size(), 2u);
  EXPECT_EQ(sd.media[0].port_count, 2);
  ASSERT_TRUE(sd.media[0].connection);
  EXPECT_EQ(sd.media[0].connection->type, AddressType::ip6);
  EXPECT_EQ(sd.media[0].connection->address, "2001:db8::2");
  EXPECT_EQ(sd.direction_for(sd.media[0]), Direction::inactive);  // media level wins
  EXPECT_EQ(sd.direction_for(sd.media[1]), Direction::recvonly);  // session level applies
  EXPECT_EQ(sd.media[1].connection->address, "203.0.113.9");      // TTL dropped
}

TEST(Sdp, IgnoresUnknownLinesAndKeepsUnknownAttributes) {
  SdpParse p = parse_sdp(
      "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\ni=info\r\nu=http://x\r\ne=a@b\r\np=+1\r\n"
      "c=IN IP4 10.0.0.1\r\nb=CT:128\r\nt=0 0\r\nr=7d 1h 0 25h\r\nz=0 0\r\nk=clear:x\r\n"
      "x=unknown type\r\nm=audio 1000 RTP/AVP 0\r\na=x-custom:with:colons\r\na=flag\r\n\r\n");
  ASSERT_TRUE(p.ok()) << p.problem.text();
  const SdpMedia& m = p.description->media.at(0);
  ASSERT_EQ(m.attributes.size(), 2u);
  EXPECT_EQ(m.attributes[0].name, "x-custom");
  EXPECT_EQ(m.attributes[0].value, "with:colons");
  EXPECT_EQ(m.attributes[1].name, "flag");
}

TEST(Sdp, KeepsAConnectionNameWithoutResolvingIt) {
  SdpParse p = parse_sdp("v=0\no=- 1 1 IN IP4 pbx.example.com\ns=-\nc=IN IP4 media.example.com\n"
                         "t=0 0\nm=audio 1000 RTP/AVP 0\n");
  ASSERT_TRUE(p.ok()) << p.problem.text();
  EXPECT_FALSE(p.description->connection->literal);
  EXPECT_EQ(p.description->connection->address, "media.example.com");
}

struct BadCase {
  const char* name;
  std::string text;
  SdpErrorCode code;
  std::size_t line;
  std::size_t column;
};

class SdpRefuses : public ::testing::TestWithParam<BadCase> {};

TEST_P(SdpRefuses, WithCodeLineAndColumn) {
  const BadCase& c = GetParam();
  SdpParse p = parse_sdp(c.text);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.problem.code, c.code) << p.problem.text();
  EXPECT_EQ(p.problem.line, c.line) << p.problem.text();
  EXPECT_EQ(p.problem.column, c.column) << p.problem.text();
  EXPECT_NE(p.problem.text().find(std::string(to_string(c.code))), std::string::npos);
}

const std::string kHead = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n";

INSTANTIATE_TEST_SUITE_P(
    Sdp, SdpRefuses,
    ::testing::Values(
        BadCase{"empty", "", SdpErrorCode::missing_version, 0, 1},
        BadCase{"no_version", "o=- 1 1 IN IP4 1.2.3.4\r\n", SdpErrorCode::missing_version, 1, 1},
        BadCase{"version_1", "v=1\r\n", SdpErrorCode::missing_version, 1, 1},
        BadCase{"not_a_line", "v=0\r\nhello\r\n", SdpErrorCode::syntax, 2, 1},
        BadCase{"upper_type", "v=0\r\nO=- 1 1 IN IP4 1.2.3.4\r\n", SdpErrorCode::syntax, 2, 1},
        BadCase{"no_origin", "v=0\r\ns=-\r\nt=0 0\r\n", SdpErrorCode::missing_line, 0, 0},
        BadCase{"no_name", "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nt=0 0\r\n",
                SdpErrorCode::missing_line, 0, 0},
        BadCase{"origin_fields", "v=0\r\no=- 1 1 IN IP4\r\n", SdpErrorCode::bad_origin, 2, 3},
        BadCase{"origin_id", "v=0\r\no=- x1 1 IN IP4 1.2.3.4\r\n", SdpErrorCode::bad_origin, 2, 5},
        BadCase{"origin_net", "v=0\r\no=- 1 1 ATM IP4 1.2.3.4\r\n", SdpErrorCode::bad_origin, 2, 9},
        BadCase{"conn_type", kHead + "c=IN IPX 1.2.3.4\r\n", SdpErrorCode::bad_connection, 6, 6},
        BadCase{"conn_v4", kHead + "c=IN IP4 300.1.1.1\r\n", SdpErrorCode::bad_connection, 6, 10},
        BadCase{"conn_v6", kHead + "c=IN IP6 2001:db8::zz\r\n", SdpErrorCode::bad_connection, 6,
                10},
        BadCase{"conn_fields", kHead + "c=IN IP4\r\n", SdpErrorCode::bad_connection, 6, 3},
        BadCase{"timing", "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=now\r\n",
                SdpErrorCode::bad_timing, 4, 3},
        BadCase{"port", kHead + "m=audio 70000 RTP/AVP 0\r\n", SdpErrorCode::bad_media, 6, 9},
        BadCase{"port_count", kHead + "m=audio 5000/0 RTP/AVP 0\r\n", SdpErrorCode::bad_media, 6,
                9},
        BadCase{"no_format", kHead + "m=audio 5000 RTP/AVP\r\n", SdpErrorCode::bad_media, 6, 3},
        BadCase{"rtpmap_pt", kHead + "m=audio 5000 RTP/AVP 0\r\na=rtpmap:200 X/8000\r\n",
                SdpErrorCode::bad_attribute, 7, 10},
        BadCase{"rtpmap_rate", kHead + "m=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU/fast\r\n",
                SdpErrorCode::bad_attribute, 7, 17},
        BadCase{"rtpmap_shape", kHead + "m=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n",
                SdpErrorCode::bad_attribute, 7, 12},
        BadCase{"ptime", kHead + "m=audio 5000 RTP/AVP 0\r\na=ptime:0\r\n",
                SdpErrorCode::bad_attribute, 7, 9},
        BadCase{"fmtp_pt", kHead + "m=audio 5000 RTP/AVP 0\r\na=fmtp:x 0-15\r\n",
                SdpErrorCode::bad_attribute, 7, 8},
        BadCase{"no_connection", "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n"
                                 "m=audio 5000 RTP/AVP 0\r\n",
                SdpErrorCode::missing_connection, 0, 0},
        BadCase{"long_line", kHead + "a=" + std::string(2000, 'x') + "\r\n",
                SdpErrorCode::line_too_long, 6, kMaxSdpLine + 1},
        BadCase{"too_large", kHead + std::string(kMaxSdpSize, '\n'), SdpErrorCode::too_large, 0,
                0}),
    [](const ::testing::TestParamInfo<BadCase>& param) { return std::string(param.param.name); });

TEST(Sdp, RefusesPastTheCountLimits) {
  std::string many_media = kHead;
  for (std::size_t i = 0; i <= kMaxSdpMedia; ++i) many_media += "m=audio 0 RTP/AVP 0\r\n";
  SdpParse p = parse_sdp(many_media);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.problem.code, SdpErrorCode::too_many);
  EXPECT_EQ(p.problem.line, 6 + kMaxSdpMedia);

  std::string many_formats = kHead + "m=audio 5000 RTP/AVP";
  for (std::size_t i = 0; i <= kMaxSdpFormats; ++i) many_formats += " 0";
  EXPECT_EQ(parse_sdp(many_formats).problem.code, SdpErrorCode::too_many);

  std::string many_attributes = kHead + "m=audio 5000 RTP/AVP 0\r\n";
  for (std::size_t i = 0; i <= kMaxSdpAttributes; ++i) many_attributes += "a=x\r\n";
  EXPECT_EQ(parse_sdp(many_attributes).problem.code, SdpErrorCode::too_many);
}

TEST(Sdp, FormatsWhatItReadsBackToTheSameStructure) {
  SdpParse first = parse_sdp(kOffer);
  ASSERT_TRUE(first.ok());
  std::string text = format_sdp(*first.description);
  EXPECT_EQ(text.rfind("v=0\r\no=- 1730041 1730042 IN IP4 192.0.2.7\r\ns=-\r\n", 0), 0u) << text;
  EXPECT_NE(text.find("m=audio 40000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\n"
                      "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                      "a=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\na=rtcp-mux\r\n"),
            std::string::npos)
      << text;
  SdpParse second = parse_sdp(text);
  ASSERT_TRUE(second.ok()) << second.problem.text();
  EXPECT_EQ(format_sdp(*second.description), text);
}

TEST(Sdp, DirectionsReverse) {
  EXPECT_EQ(reverse(Direction::sendonly), Direction::recvonly);
  EXPECT_EQ(reverse(Direction::recvonly), Direction::sendonly);
  EXPECT_EQ(reverse(Direction::sendrecv), Direction::sendrecv);
  EXPECT_EQ(reverse(Direction::inactive), Direction::inactive);
  EXPECT_EQ(to_string(Direction::inactive), "inactive");
}

}  // namespace
}  // namespace callplan::media
