// received/rport written into the top Via of a received request (RFC 3261 18.2.1, RFC 3581).
#include "sip/via_received.hpp"

#include <string>

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

}  // namespace
}  // namespace callplan::sip
