// The ACK serve sends again for a 2xx that comes again after its INVITE's transaction ended
// (src/sip/b2bua/reinvite.hpp, ack_for_answer_again): the phone of a call taken over answers
// serve's re-INVITE (CSeq 103 in that dialog) and, its ACK lost, retransmits the 200 after
// the transaction's 32 s. The ACK must carry 103, the re-INVITE's number (RFC 3261 13.2.2.4);
// it carried 1, the number of a first INVITE serve never sent in that dialog.
#include "sip/b2bua/reinvite.hpp"

#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sip/message.hpp"

namespace callplan::sip {
namespace {

constexpr std::string_view kVia = "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKagain";

// The phone's dialog as serve plays the carrier in it, after its re-INVITE with CSeq 103.
DialogPath phone_path() {
  Peer phone;
  phone.address = asio::ip::make_address("192.0.2.20");
  phone.port = 5062;
  return DialogPath{.call_id = "a84b4c76e66710@pc33",
                    .from = "<sip:+31201234567@192.0.2.1>;tag=carrier9",
                    .to = "<sip:101@192.0.2.1>;tag=phone1",
                    .target = "sip:alice@192.0.2.20:5062",
                    .routes = {},
                    .peer = phone,
                    .contact = "<sip:192.0.2.1:5060>",
                    .cseq = 103};
}

// What the phone retransmits: a 2xx with `cseq` ("103 INVITE", "104 BYE", ...).
std::string answer_text(std::string_view cseq, int status = 200) {
  return fmt::format(
      "SIP/2.0 {} OK\r\n"
      "Via: {}\r\n"
      "From: <sip:+31201234567@192.0.2.1>;tag=carrier9\r\n"
      "To: <sip:101@192.0.2.1>;tag=phone1\r\n"
      "Call-ID: a84b4c76e66710@pc33\r\n"
      "CSeq: {}\r\n"
      "Contact: <sip:alice@192.0.2.20:5062>\r\n"
      "Content-Length: 0\r\n\r\n",
      status, kVia, cseq);
}

Message parsed(const std::string& text) {
  Message m;
  EXPECT_TRUE(parse_message(text, m).ok()) << text;
  return m;
}

TEST(AckForAnswerAgain, ARetransmitted200ToOurReInviteIsAckedWithTheReInvitesCSeq) {
  const std::string text = answer_text("103 INVITE");
  const Message answer = parsed(text);
  const std::string ack_text = ack_for_answer_again(phone_path(), answer, kVia);
  ASSERT_FALSE(ack_text.empty());
  const Message ack = parsed(ack_text);
  EXPECT_EQ(ack.method, Method::ack);
  EXPECT_EQ(ack.cseq.number, 103u) << ack_text;
  EXPECT_EQ(ack.cseq.method, Method::ack);
  EXPECT_EQ(ack.request_uri_text, "sip:alice@192.0.2.20:5062");
  EXPECT_EQ(ack.call_id, "a84b4c76e66710@pc33");
  EXPECT_EQ(ack.from.tag(), "carrier9");
  EXPECT_EQ(ack.to.tag(), "phone1");
  EXPECT_EQ(ack.find(HeaderId::contact), nullptr);  // an ACK carries no Contact
}

TEST(AckForAnswerAgain, TheFirstInvitesRetransmitted200IsAckedWithItsOwnCSeq) {
  DialogPath path = phone_path();
  path.cseq = 1;  // serve's first INVITE toward a phone it rings
  const std::string text = answer_text("1 INVITE");
  const Message ack = parsed(ack_for_answer_again(path, parsed(text), kVia));
  EXPECT_EQ(ack.cseq.number, 1u);
}

TEST(AckForAnswerAgain, AnEarlierReInvitesRetransmitted200KeepsItsNumber) {
  // serve sent a BYE or NOTIFY since (path.cseq went on): the 2xx still names 103.
  DialogPath path = phone_path();
  path.cseq = 105;
  const std::string text = answer_text("103 INVITE");
  const Message ack = parsed(ack_for_answer_again(path, parsed(text), kVia));
  EXPECT_EQ(ack.cseq.number, 103u);
}

TEST(AckForAnswerAgain, NoAckForA200ToAByeOrNotifyOrANumberNeverUsed) {
  const DialogPath path = phone_path();
  for (const char* cseq : {"103 BYE", "103 NOTIFY", "104 INVITE", "0 INVITE"}) {
    const std::string text = answer_text(cseq);
    EXPECT_EQ(ack_for_answer_again(path, parsed(text), kVia), "") << cseq;
  }
  const std::string not_2xx = answer_text("103 INVITE", 486);
  EXPECT_EQ(ack_for_answer_again(path, parsed(not_2xx), kVia), "");
}

TEST(AckForAnswerAgain, NoAckForAnotherDialogsAnswer) {
  DialogPath path = phone_path();
  path.call_id = "another@call";
  const std::string text = answer_text("103 INVITE");
  EXPECT_EQ(ack_for_answer_again(path, parsed(text), kVia), "");
}

}  // namespace
}  // namespace callplan::sip
