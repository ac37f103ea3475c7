// What crosses between a phone and the carrier (src/sip/proxy/trunk_side.hpp), here the CSeq
// numbers after a take-over the carrier refused: serve used a number of the carrier's dialog
// itself (its re-INVITE), so the phone's later requests go to the carrier above it and the
// answers come back to the phone with the number the phone sent.
#include "sip/proxy/trunk_side.hpp"

#include <gtest/gtest.h>

namespace callplan::sip {
namespace {

TrunkDialog dialog(std::uint32_t shift) {
  TrunkDialog d{.phone_from = "<sip:e2e-alice-desk@192.0.2.1>;tag=p1",
                .trunk_from = "<sip:+31850000001@192.0.2.1>;tag=p1",
                .phone_contact = "sip:e2e-alice-desk@10.0.0.5:5062",
                .our_contact = "<sip:cp1.tok@192.0.2.1>",
                .phone = {}};
  d.cseq_shift = shift;
  return d;
}

constexpr std::string_view kPhoneBye =
    "BYE sip:+31201234567@198.51.100.7:5080 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKphone\r\n"
    "Route: <sip:cp1.tok@192.0.2.1;lr>\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:e2e-alice-desk@192.0.2.1>;tag=p1\r\n"
    "To: <sip:+31201234567@198.51.100.7>;tag=c9\r\n"
    "Call-ID: a84b4c76e66710\r\n"
    "CSeq: 3 BYE\r\n"
    "Content-Length: 0\r\n\r\n";

TEST(TrunkSide, ThePhonesCSeqGoesAboveTheNumbersServeUsed) {
  Message bye;
  ASSERT_TRUE(parse_message(kPhoneBye, bye).ok());
  std::string out = request_for_carrier(bye, dialog(2), "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKus", true);
  Message sent;
  ASSERT_TRUE(parse_message(out, sent).ok()) << out;
  EXPECT_EQ(sent.cseq.number, 5u);
  EXPECT_EQ(sent.cseq.method, Method::bye);
  EXPECT_EQ(sent.from.text, "<sip:+31850000001@192.0.2.1>;tag=p1");  // the caller ID, not the device
  EXPECT_EQ(out.find("e2e-alice-desk"), std::string::npos) << out;
  EXPECT_EQ(out.find("10.0.0.5"), std::string::npos) << out;  // no Via of the inside
  EXPECT_EQ(sent.via_count, 1u);
}

TEST(TrunkSide, WithoutAShiftTheCSeqIsUntouched) {
  Message bye;
  ASSERT_TRUE(parse_message(kPhoneBye, bye).ok());
  Message sent;
  std::string out = request_for_carrier(bye, dialog(0), "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKus", true);
  ASSERT_TRUE(parse_message(out, sent).ok());
  EXPECT_EQ(sent.cseq.number, 3u);
}

TEST(TrunkSide, TheCarriersAnswerComesBackWithThePhonesNumber) {
  constexpr std::string_view ok =
      "SIP/2.0 200 OK\r\n"
      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKus\r\n"
      "From: <sip:+31850000001@192.0.2.1>;tag=p1\r\n"
      "To: <sip:+31201234567@198.51.100.7>;tag=c9\r\n"
      "Call-ID: a84b4c76e66710\r\n"
      "CSeq: 5 BYE\r\n"
      "Content-Length: 0\r\n\r\n";
  Message answer;
  ASSERT_TRUE(parse_message(ok, answer).ok());
  std::vector<std::string> vias{"SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKphone"};
  std::string out = response_for_phone(vias, answer, "<sip:e2e-alice-desk@192.0.2.1>;tag=p1", 2);
  Message back;
  ASSERT_TRUE(parse_message(out, back).ok()) << out;
  EXPECT_EQ(back.cseq.number, 3u);
  EXPECT_EQ(back.cseq.method, Method::bye);
  EXPECT_EQ(back.from.text, "<sip:e2e-alice-desk@192.0.2.1>;tag=p1");
  EXPECT_NE(out.find("z9hG4bKphone"), std::string::npos);
}

TEST(TrunkSide, TheSdpLosesWhatNamesThePhone) {
  std::string reinvite =
      "INVITE sip:+31201234567@198.51.100.7:5080 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKphone2\r\n"
      "Route: <sip:cp1.tok@192.0.2.1;lr>\r\n"
      "Max-Forwards: 70\r\n"
      "From: <sip:e2e-alice-desk@192.0.2.1>;tag=p1\r\n"
      "To: <sip:+31201234567@198.51.100.7>;tag=c9\r\n"
      "Call-ID: a84b4c76e66710\r\n"
      "CSeq: 4 INVITE\r\n"
      "Contact: <sip:e2e-alice-desk@10.0.0.5:5062>\r\n"
      "Content-Type: application/sdp\r\n"
      "Content-Length: 136\r\n\r\n"
      "v=0\r\n"
      "o=e2e-alice-desk 1 2 IN IP4 10.0.0.5\r\n"
      "s=-\r\n"
      "m=audio 4000 RTP/AVP 0\r\n"
      "a=ssrc:3528 cname:sip:e2e-alice-desk@10.0.0.5:5062\r\n"
      "a=sendonly\r\n";
  Message m;
  ASSERT_TRUE(parse_message(reinvite, m).ok()) << reinvite;
  std::string out = request_for_carrier(m, dialog(0), "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKus", true);
  Message sent;
  ASSERT_TRUE(parse_message(out, sent).ok()) << out;
  EXPECT_EQ(out.find("e2e-alice-desk"), std::string::npos) << out;
  EXPECT_NE(sent.body.find("o=- 1 2 IN IP4"), std::string_view::npos) << out;
  EXPECT_NE(sent.body.find("a=sendonly\r\n"), std::string_view::npos) << out;  // the rest stays
  EXPECT_EQ(sent.find(HeaderId::contact)->value, "<sip:cp1.tok@192.0.2.1>");
}

}  // namespace
}  // namespace callplan::sip
