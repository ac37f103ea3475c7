// received/rport written into the top Via of a received request (RFC 3261 18.2.1, RFC 3581).
#include "sip/via_received.hpp"

#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "sip/writer.hpp"

namespace callplan::sip {
namespace {

std::string request(std::string_view top_via, std::string_view second_via = {}) {
  std::string out = "OPTIONS sip:127.0.0.1:5060 SIP/2.0\r\nVia: ";
  out.append(top_via);
  if (!second_via.empty()) out.append(", ").append(second_via);
  out.append("\r\nMax-Forwards: 70\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\n"
             "Call-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Type: text/plain\r\n"
             "Content-Length: 5\r\n\r\nhello");
  return out;
}

// The stamped request's top Via as the parser reads it back ("" when nothing was stamped).
struct Stamped {
  std::string bytes;
  Message message;
};

Stamped stamp(const std::string& text, std::string_view address, std::uint16_t port) {
  Message original;
  const ParseResult parsed = parse_message(text, original);
  EXPECT_TRUE(parsed.ok()) << describe(parsed, text);
  Stamped out;
  out.bytes = stamp_received(original, address, port);
  if (!out.bytes.empty()) {
    const ParseResult again = parse_message(out.bytes, out.message);
    EXPECT_TRUE(again.ok()) << describe(again, out.bytes);
  }
  // Stamping before the parse (what the server does) gives the same bytes, and says where
  // the parser will find the stamped top Via.
  std::string unparsed = "left from the last request";
  const std::optional<std::string_view> via =
      stamp_received_unparsed(text, address, port, unparsed);
  EXPECT_EQ(via.has_value(), !out.bytes.empty());
  if (via) {
    EXPECT_EQ(unparsed, out.bytes);
    EXPECT_EQ(via->data() - unparsed.data(),
              out.message.top_via.text.data() - out.bytes.data());
    EXPECT_EQ(*via, out.message.top_via.text);
  }
  return out;
}

TEST(ViaReceived, RportAskedGetsTheSourcePortAndReceived) {
  Stamped s = stamp(request("SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKa1;rport"),
                    "203.0.113.7", 41234);
  ASSERT_FALSE(s.bytes.empty());
  EXPECT_EQ(s.message.top_via.text,
            "SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKa1;received=203.0.113.7;rport=41234");
  EXPECT_EQ(s.message.top_via.rport, 41234);
  EXPECT_EQ(s.message.top_via.received, "203.0.113.7");
  EXPECT_EQ(s.message.top_via.branch, "z9hG4bKa1");
}

TEST(ViaReceived, EvenFromTheSentByAddressRportGetsReceived) {
  // RFC 3581 section 4: with rport the server adds received whatever sent-by says.
  Stamped s = stamp(request("SIP/2.0/UDP 127.0.0.1:5062;rport;branch=z9hG4bKa2"), "127.0.0.1",
                    5062);
  EXPECT_EQ(s.message.top_via.text,
            "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKa2;received=127.0.0.1;rport=5062");
}

TEST(ViaReceived, WithoutRportOnlyADifferentSourceAddressIsWritten) {
  Stamped s = stamp(request("SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa3"), "198.51.100.1", 5060);
  EXPECT_EQ(s.message.top_via.text,
            "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa3;received=198.51.100.1");
  EXPECT_FALSE(s.message.top_via.has_rport);  // RFC 3581: no rport unless asked for
  // Same address as sent-by, no rport: the Via already says it all (RFC 3261 18.2.1).
  EXPECT_TRUE(stamp(request("SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa3"), "10.0.0.5", 40000)
                  .bytes.empty());
}

TEST(ViaReceived, WhatTheSenderWroteIsReplacedAndOtherViasAndBodyStay) {
  std::string text = request("SIP/2.0/TCP 192.168.1.20 ; received=1.2.3.4 ;branch=z9hG4bKa4; rport=9",
                             "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKfar");
  Stamped s = stamp(text, "203.0.113.7", 5070);
  EXPECT_EQ(s.message.top_via.text,
            "SIP/2.0/TCP 192.168.1.20;branch=z9hG4bKa4;received=203.0.113.7;rport=5070");
  EXPECT_EQ(s.message.via_count, 2u);
  EXPECT_EQ(s.message.body, "hello");
  EXPECT_EQ(s.message.content_length, 5);
  EXPECT_EQ(s.message.call_id, "c1");
  // Already right: nothing to rewrite (a retransmission through the same NAT mapping).
  EXPECT_TRUE(stamp(s.bytes, "203.0.113.7", 5070).bytes.empty());
}

TEST(ViaReceived, Ipv6ReceivedIsWrittenWithoutBrackets) {
  Stamped s = stamp(request("SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bKa5;rport"),
                    "2001:db8::9:255", 5070);
  EXPECT_EQ(s.message.top_via.received, "2001:db8::9:255");  // RFC 5118 4.5
  EXPECT_EQ(s.message.top_via.rport, 5070);
  // The brackets of sent-by do not make the same address look different.
  EXPECT_TRUE(stamp(request("SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bKa5"),
                    "2001:db8::9:1", 5070).bytes.empty());
}

TEST(ViaReceived, ResponsesBuiltFromTheStampedRequestCarryIt) {
  Stamped s = stamp(request("SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKa6;rport"),
                    "203.0.113.7", 41234);
  const std::string response = build_response(s.message, 200, "OK", {.to_tag = "t"});
  EXPECT_NE(response.find("Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKa6;"
                          "received=203.0.113.7;rport=41234\r\n"),
            std::string::npos)
      << response;
}

TEST(ViaReceived, BeforeTheParseTheTopViaIsFoundWhereverItIs) {
  // Not the first header, compact form, lower case, several values in one header.
  const std::string text =
      "INVITE sip:b@127.0.0.1 SIP/2.0\r\nMax-Forwards: 70\r\nSubject: x:\r\n y\r\n"
      "v: SIP/2.0/UDP 192.168.1.20:5060;rport;branch=z9hG4bKb1 , SIP/2.0/UDP 192.0.2.1;"
      "branch=z9hG4bKfar\r\nVIA: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKfarther\r\n"
      "From: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c2\r\nCSeq: 1 INVITE\r\n"
      "Content-Length: 0\r\n\r\n";
  std::string out;
  const auto via = stamp_received_unparsed(text, "203.0.113.7", 41234, out);
  ASSERT_TRUE(via.has_value());
  EXPECT_EQ(*via,
            "SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKb1;received=203.0.113.7;rport=41234");
  Message parsed;
  ASSERT_TRUE(parse_message(out, parsed).ok());
  EXPECT_EQ(parsed.top_via.text.data(), via->data());
  EXPECT_EQ(parsed.via_count, 3u);
}

TEST(ViaReceived, BeforeTheParseResponsesAndFoldedViasAreLeftToTheParse) {
  std::string out;
  // A response is never stamped.
  EXPECT_FALSE(stamp_received_unparsed(
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bKc1;rport\r\n"
      "Content-Length: 0\r\n\r\n", "203.0.113.7", 5060, out));
  // A folded Via: the server parses first and stamps the parsed request, as before.
  const std::string folded = request("SIP/2.0/UDP 10.0.0.5:5060;\r\n branch=z9hG4bKc2;rport");
  EXPECT_FALSE(stamp_received_unparsed(folded, "203.0.113.7", 5060, out));
  Message parsed;
  ASSERT_TRUE(parse_message(folded, parsed).ok());
  EXPECT_FALSE(stamp_received(parsed, "203.0.113.7", 5060).empty());
  // No Via at all, or no end of the headers.
  EXPECT_FALSE(stamp_received_unparsed("OPTIONS sip:h SIP/2.0\r\nCall-ID: x\r\n\r\n",
                                       "203.0.113.7", 5060, out));
  EXPECT_FALSE(stamp_received_unparsed("OPTIONS sip:h SIP/2.0\r\nVia: SIP/2.0/UDP h",
                                       "203.0.113.7", 5060, out));
}

}  // namespace
}  // namespace callplan::sip
