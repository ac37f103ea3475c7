// INVITE server transactions (RFC 3261 17.2.1, RFC 6026): 100 Trying, retransmission
// absorption, Timers G, H, I, L.
#include <gtest/gtest.h>

#include "sip/writer.hpp"
#include "transaction_test_support.hpp"

namespace callplan::sip::test {
namespace {

TEST(ServerInvite, Sends100TryingAtOnceAndPassesTheRequestUp) {
  Fixture f;
  f.receive(invite(), phone_udp());
  ASSERT_EQ(f.sender.sent.size(), 1u);
  EXPECT_TRUE(f.sender.sent[0].bytes.starts_with("SIP/2.0 100 Trying\r\n"));
  EXPECT_TRUE(f.sender.sent[0].to.same_endpoint(phone_udp()));
  EXPECT_EQ(header_value(f.sender.sent[0].bytes, "CSeq"), "1 INVITE");
  ASSERT_EQ(f.user.requests.size(), 1u);
  EXPECT_NE(f.user.requests[0].txn, kNoTransaction);
  EXPECT_EQ(f.layer.server_transactions(), 1u);
  EXPECT_FALSE(f.layer.has_final_response(f.user.requests[0].txn));
}

TEST(ServerInvite, SendsNo100WhenTheTimesSaySo) {
  Fixture f({.send_100_trying = false});
  f.receive(invite(), phone_udp());
  EXPECT_TRUE(f.sender.sent.empty());
  EXPECT_EQ(f.user.requests.size(), 1u);
  // A retransmission has nothing to be answered with yet, and is not new either.
  f.receive(invite(), phone_udp());
  EXPECT_TRUE(f.sender.sent.empty());
  EXPECT_EQ(f.user.requests.size(), 1u);
}

TEST(ServerInvite, RetransmittedInviteGetsTheLastResponseAgain) {
  Fixture f;
  f.receive(invite(), phone_udp());
  f.receive(invite(), phone_udp());
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 100").size(), 2u);
  const ServerId txn = f.user.requests.at(0).txn;
  f.layer.respond(txn, answer(invite(), 180, "Ringing"));
  f.receive(invite(), phone_udp());
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 180").size(), 2u);
  EXPECT_EQ(f.user.requests.size(), 1u);  // never a second on_request
  EXPECT_EQ(f.layer.server_transactions(), 1u);
}

TEST(ServerInvite, TimerGRetransmitsANonTwoXxFinalDoublingUpToT2AndTimerHEndsIt) {
  Fixture f;
  f.receive(invite(), phone_udp());
  const ServerId txn = f.user.requests.at(0).txn;
  f.layer.respond(txn, answer(invite(), 486, "Busy Here"));
  EXPECT_TRUE(f.layer.has_final_response(txn));
  f.run_until(31999);
  EXPECT_EQ(f.layer.server_transactions(), 1u);
  // Sent at 0, then G: 500, 1000, 2000, 4000 (T2), 4000, ...
  const std::vector<std::int64_t> expected{0, 500, 1500, 3500, 7500, 11500, 15500, 19500,
                                           23500, 27500, 31500};
  EXPECT_EQ(f.sender.times_of("SIP/2.0 486"), expected);
  f.run_until(32000);  // Timer H = 64*T1: no ACK came
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  f.run_until(100000);
  EXPECT_EQ(f.sender.times_of("SIP/2.0 486"), expected);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ServerInvite, RetransmittedInviteInCompletedGetsTheFinalAgain) {
  Fixture f;
  f.receive(invite(), phone_udp());
  f.layer.respond(f.user.requests.at(0).txn, answer(invite(), 603, "Decline"));
  f.run_until(100);
  f.receive(invite(), phone_udp());
  EXPECT_EQ(f.sender.times_of("SIP/2.0 603"), (std::vector<std::int64_t>{0, 100}));
}

TEST(ServerInvite, OnTcpTimerGDoesNotRunButTimerHDoes) {
  Fixture f;
  f.receive(invite(), phone_tcp());
  f.layer.respond(f.user.requests.at(0).txn, answer(invite(), 486, "Busy Here"));
  f.run_until(31999);
  EXPECT_EQ(f.sender.times_of("SIP/2.0 486"), std::vector<std::int64_t>{0});
  EXPECT_EQ(f.layer.server_transactions(), 1u);
  f.run_until(32000);
  EXPECT_EQ(f.layer.server_transactions(), 0u);
}

TEST(ServerInvite, AckConfirmsStopsTimerGAndTimerIAbsorbsTheRest) {
  Fixture f;
  f.receive(invite(), phone_udp());
  f.layer.respond(f.user.requests.at(0).txn, answer(invite(), 486, "Busy Here"));
  f.run_until(700);  // one retransmission at 500
  const RequestSpec ack{.method = "ACK", .to_tag = "proxy1"};
  f.receive(request(ack), phone_udp());
  EXPECT_TRUE(f.user.acks.empty());  // the ACK for a non-2xx is the transaction's
  f.receive(request(ack), phone_udp());
  f.receive(invite(), phone_udp());  // Confirmed absorbs INVITE retransmissions too
  f.run_until(5699);
  EXPECT_EQ(f.sender.times_of("SIP/2.0 486"), (std::vector<std::int64_t>{0, 500}));
  EXPECT_TRUE(f.user.acks.empty());
  EXPECT_EQ(f.layer.server_transactions(), 1u);
  f.run_until(5700);  // Timer I = T4 after the ACK
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ServerInvite, OnTcpTimerIIsZero) {
  Fixture f;
  f.receive(invite(), phone_tcp());
  f.layer.respond(f.user.requests.at(0).txn, answer(invite(), 486, "Busy Here"));
  f.receive(request({.method = "ACK", .to_tag = "proxy1"}), phone_tcp());
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
  EXPECT_TRUE(f.user.acks.empty());
}

TEST(ServerInvite, TwoXxEntersAcceptedUntilTimerL) {
  Fixture f;
  f.receive(invite(), phone_udp());
  const ServerId txn = f.user.requests.at(0).txn;
  f.layer.respond(txn, answer(invite(), 200, "OK"));
  EXPECT_TRUE(f.layer.has_final_response(txn));
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 200").size(), 1u);
  // RFC 6026: the INVITE retransmission is absorbed, the TU's 2xx retransmission passes, an
  // ACK (even one that matches) goes to the TU, and no other final may follow.
  f.receive(invite(), phone_udp());
  f.layer.respond(txn, answer(invite(), 200, "OK"));
  f.layer.respond(txn, answer(invite(), 486, "Busy Here"));
  f.receive(request({.method = "ACK", .to_tag = "proxy1"}), phone_udp());
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 200").size(), 2u);
  EXPECT_TRUE(f.sender.starting_with("SIP/2.0 486").empty());
  EXPECT_EQ(f.sender.sent.size(), 3u);  // 100, 200, 200: no G retransmissions of a 2xx
  EXPECT_EQ(f.user.acks.size(), 1u);
  f.run_until(31999);
  EXPECT_EQ(f.layer.server_transactions(), 1u);
  EXPECT_EQ(f.sender.sent.size(), 3u);
  f.run_until(32000);  // Timer L = 64*T1
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ServerInvite, AckForATwoXxWithItsOwnBranchGoesToTheUser) {
  Fixture f;
  f.receive(request({.method = "ACK", .branch = "z9hG4bKack2xx", .to_tag = "bob1"}),
            phone_udp());
  ASSERT_EQ(f.user.acks.size(), 1u);
  EXPECT_TRUE(f.user.acks[0].starts_with("ACK "));
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_TRUE(f.sender.sent.empty());
}

TEST(ServerInvite, ProvisionalsAfterAFinalAreIgnored) {
  Fixture f;
  f.receive(invite(), phone_udp());
  const ServerId txn = f.user.requests.at(0).txn;
  f.layer.respond(txn, answer(invite(), 486, "Busy Here"));
  f.layer.respond(txn, answer(invite(), 180, "Ringing"));
  f.layer.respond(txn, answer(invite(), 200, "OK"));
  EXPECT_EQ(f.sender.sent.size(), 2u);  // 100 and 486
}

TEST(ServerInvite, RespondToAnEndedTransactionIsANoOp) {
  Fixture f;
  f.receive(invite(), phone_tcp());
  const ServerId txn = f.user.requests.at(0).txn;
  f.layer.respond(txn, answer(invite(), 486, "Busy Here"));
  f.run_until(32000);
  ASSERT_EQ(f.layer.server_transactions(), 0u);
  f.layer.respond(txn, answer(invite(), 200, "OK"));
  f.layer.respond(12345, answer(invite(), 200, "OK"));
  EXPECT_EQ(f.sender.sent.size(), 2u);
  EXPECT_TRUE(f.layer.has_final_response(txn));
}

TEST(ServerInvite, AnUnansweredInviteIsDroppedAfterTheLimitCountedFromTheLastProvisional) {
  Fixture f({.unanswered_invite = std::chrono::milliseconds(60000)});
  f.receive(invite(), phone_udp());
  f.run_until(50000);
  f.layer.respond(f.user.requests.at(0).txn, answer(invite(), 180, "Ringing"));
  f.run_until(109999);
  EXPECT_EQ(f.layer.server_transactions(), 1u);
  f.run_until(110000);
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ServerInvite, TheUnansweredLimitIsArmedOnceNotPerProvisional) {
  // Issue 18: each provisional used to start a new 600 s timer (a ring-all call left four
  // behind). Provisionals now only move the limit; the one timer re-arms when it fires early.
  Fixture f({.unanswered_invite = std::chrono::milliseconds(60000)});
  f.receive(invite(), phone_udp());
  const ServerId txn = f.user.requests.at(0).txn;
  const std::uint64_t started = f.timers.started();
  for (int i = 0; i < 50; ++i) {
    f.run_until(1000 * i);
    f.layer.respond(txn, answer(invite(), 180, "Ringing"));
  }
  EXPECT_EQ(f.timers.started(), started);  // no timer started by 50 provisionals
  EXPECT_EQ(f.timers.pending(), 1u);
  f.run_until(60000);                       // the first deadline: re-armed for the rest
  EXPECT_EQ(f.layer.server_transactions(), 1u);
  EXPECT_EQ(f.timers.started(), started + 1);
  f.run_until(49000 + 59999);
  EXPECT_EQ(f.layer.server_transactions(), 1u);
  f.run_until(49000 + 60000);               // 60 s after the last provisional
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ServerInvite, ResponsesGoWhereTheRequestCameFrom) {
  Fixture f;
  Peer nat = peer(Protocol::udp, "198.51.100.7", 40001);  // not the Via's sent-by
  f.receive(invite(), nat);
  f.layer.respond(f.user.requests.at(0).txn, answer(invite(), 486, "Busy Here"));
  f.run_until(600);
  ASSERT_EQ(f.sender.sent.size(), 3u);
  for (const Sent& s : f.sender.sent) EXPECT_TRUE(s.to.same_endpoint(nat)) << s.to.to_string();
}

}  // namespace
}  // namespace callplan::sip::test
