// The CANCEL and the ACK for a non-2xx final read off the layer's own INVITE without parsing
// it again (own_request.hpp): the same bytes as from the parsed request, or a clear "no".
#include <gtest/gtest.h>

#include <string>

#include "sip/message.hpp"
#include "sip/transaction/own_request.hpp"
#include "sip/writer.hpp"

namespace callplan::sip::transaction_detail {
namespace {

// An INVITE as the proxy forwards it: our Via on top, the caller's below (two values on one
// line), a Record-Route, two Route lines, compact From/To/Call-ID, a body.
const std::string kInvite =
    "INVITE sip:201@127.0.0.1:22003 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKown1\r\n"
    "Record-Route: <sip:tok@127.0.0.1:5060;lr>\r\n"
    "Via: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bKcaller;received=127.0.0.2;rport=5070, "
    "SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKfar\r\n"
    "Route: <sip:edge1.example.com;lr>\r\n"
    "f: <sip:+31201234567@127.0.0.2>;tag=caller-tag\r\n"
    "t: <sip:201@127.0.0.1>\r\n"
    "i: call-1@127.0.0.2\r\n"
    "Route: <sip:edge2.example.com;lr>, <sip:edge3.example.com;lr>\r\n"
    "CSeq: 4711 INVITE\r\n"
    "Contact: <sip:caller@127.0.0.2:5070>\r\n"
    "Max-Forwards: 69\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 4\r\n\r\n"
    "v=0\n";

TEST(OwnRequest, TheCancelIsTheOneBuiltFromTheParsedInvite) {
  Message parsed;
  ASSERT_TRUE(parse_message(kInvite, parsed).ok());
  OwnRequest own;
  ASSERT_TRUE(read_own_request(kInvite, own));
  EXPECT_EQ(own_cancel(own), build_cancel(parsed));
  EXPECT_EQ(own.top_via, "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKown1");
  EXPECT_EQ(own.cseq, 4711u);
}

TEST(OwnRequest, TheAckCarriesTheResponsesToAndTheRoutesInOrder) {
  OwnRequest own;
  ASSERT_TRUE(read_own_request(kInvite, own));
  EXPECT_EQ(own_ack(own, "<sip:201@127.0.0.1>;tag=phone-tag"),
            "ACK sip:201@127.0.0.1:22003 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKown1\r\n"
            "Max-Forwards: 70\r\n"
            "Route: <sip:edge1.example.com;lr>\r\n"
            "Route: <sip:edge2.example.com;lr>, <sip:edge3.example.com;lr>\r\n"
            "From: <sip:+31201234567@127.0.0.2>;tag=caller-tag\r\n"
            "To: <sip:201@127.0.0.1>;tag=phone-tag\r\n"
            "Call-ID: call-1@127.0.0.2\r\n"
            "CSeq: 4711 ACK\r\n"
            "Content-Length: 0\r\n\r\n");
}

TEST(OwnRequest, WhatIsNotReadThisSimplyIsLeftToTheParser) {
  OwnRequest own;
  // A folded line (MessageWriter never writes one).
  std::string folded = kInvite;
  folded.replace(folded.find("t: <sip:201"), 3, "t:\r\n ");
  EXPECT_FALSE(read_own_request(folded, own));
  // More Route lines than it keeps.
  std::string routes = kInvite;
  for (int i = 0; i < 8; ++i)
    routes.insert(routes.find("CSeq:"), "Route: <sip:r" + std::to_string(i) + ".example.com;lr>\r\n");
  EXPECT_FALSE(read_own_request(routes, own));
  // No CSeq, no end of the headers.
  std::string no_cseq = kInvite;
  no_cseq.erase(no_cseq.find("CSeq:"), std::string("CSeq: 4711 INVITE\r\n").size());
  EXPECT_FALSE(read_own_request(no_cseq, own));
  EXPECT_FALSE(read_own_request(kInvite.substr(0, kInvite.find("\r\n\r\n")), own));
}

}  // namespace
}  // namespace callplan::sip::transaction_detail
