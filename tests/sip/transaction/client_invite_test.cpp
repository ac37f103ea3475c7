// INVITE client transactions (RFC 3261 17.1.1, RFC 6026): Timers A, B, C, D, M, the ACK for a
// non-2xx final, and the Accepted state.
#include <gtest/gtest.h>

#include "transaction_test_support.hpp"

namespace callplan::sip::test {
namespace {


constexpr const char* kBranch = "z9hG4bKleg1";

ClientId send_invite(Fixture& f, Leg& leg, const Peer& to = callee_udp()) {
  return f.layer.send_request(to, outgoing("INVITE", kBranch), kBranch, Method::invite,
                              leg.callbacks());
}

TEST(ClientInvite, TimerARetransmitsDoublingAndTimerBReportsATimeout) {
  Fixture f;
  Leg leg;
  const ClientId id = send_invite(f, leg);
  EXPECT_NE(id, kNoTransaction);
  EXPECT_EQ(f.layer.client_transactions(), 1u);
  f.run_until(31999);
  EXPECT_EQ(leg.timeouts, 0);
  // A: 500, 1000, 2000, 4000, 8000, 16000 — no T2 cap for INVITE.
  EXPECT_EQ(f.sender.times_of("INVITE "),
            (std::vector<std::int64_t>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  for (const Sent& s : f.sender.sent) EXPECT_TRUE(s.to.same_endpoint(callee_udp()));
  f.run_until(32000);  // B = 64*T1
  EXPECT_EQ(leg.timeouts, 1);
  EXPECT_TRUE(leg.responses.empty());
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ClientInvite, OnTcpThereIsNoTimerAButTimerB) {
  Fixture f;
  Leg leg;
  send_invite(f, leg, callee_tcp());
  f.run_until(31999);
  EXPECT_EQ(f.sender.sent.size(), 1u);
  f.run_until(32000);
  EXPECT_EQ(leg.timeouts, 1);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
}

TEST(ClientInvite, AProvisionalStopsTimersAAndB) {
  Fixture f;
  Leg leg;
  send_invite(f, leg);
  f.run_until(600);
  f.receive(response(100, "Trying", kBranch), callee_udp());
  f.receive(response(180, "Ringing", kBranch), callee_udp());
  f.run_until(100000);
  EXPECT_EQ(f.sender.times_of("INVITE "), (std::vector<std::int64_t>{0, 500}));
  EXPECT_EQ(leg.timeouts, 0);
  ASSERT_EQ(leg.responses.size(), 2u);
  EXPECT_TRUE(leg.responses[1].starts_with("SIP/2.0 180"));
  EXPECT_EQ(f.layer.client_transactions(), 1u);  // Timer C (180 s) still runs
}

TEST(ClientInvite, ANonTwoXxFinalIsAckedBeforeTheUserHearsOfIt) {
  Fixture f;
  Leg leg;
  std::size_t sent_when_reported = 0;
  f.layer.send_request(callee_udp(), outgoing("INVITE", kBranch), kBranch, Method::invite,
                       {.on_response =
                            [&](const Message& r) {
                              leg.responses.emplace_back(r.raw);
                              sent_when_reported = f.sender.sent.size();
                            },
                        .on_timeout = [&] { ++leg.timeouts; }});
  f.receive(response(486, "Busy Here", kBranch, "INVITE", "bob9"), callee_udp());
  ASSERT_EQ(leg.responses.size(), 1u);
  const auto acks = f.sender.starting_with("ACK ");
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(sent_when_reported, 2u);  // INVITE, ACK
  const std::string& ack = acks[0].bytes;
  EXPECT_TRUE(acks[0].to.same_endpoint(callee_udp()));
  // 17.1.1.3: same Request-URI, only our Via, From, the response's To, Call-ID, CSeq number
  // with ACK, the request's Routes, no body.
  EXPECT_TRUE(ack.starts_with("ACK sip:bob@192.0.2.20:5062 SIP/2.0\r\n")) << ack;
  EXPECT_EQ(count_lines(ack, "Via: "), 1u);
  EXPECT_EQ(header_value(ack, "Via"), "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKleg1");
  EXPECT_EQ(header_value(ack, "From"), "\"Alice\" <sip:alice@example.com>;tag=alice1");
  EXPECT_EQ(header_value(ack, "To"), "<sip:bob@example.com>;tag=bob9");
  EXPECT_EQ(header_value(ack, "Call-ID"), "c1@192.0.2.10");
  EXPECT_EQ(header_value(ack, "CSeq"), "7 ACK");
  EXPECT_EQ(count_lines(ack, "Route: "), 2u);
  EXPECT_NE(ack.find("Route: <sip:edge.example.com;lr>\r\nRoute: <sip:core.example.com;lr>"),
            std::string::npos);
  EXPECT_EQ(header_value(ack, "Content-Length"), "0");
  EXPECT_EQ(ack.find("Contact"), std::string::npos);
  EXPECT_TRUE(ack.ends_with("\r\n\r\n"));
  EXPECT_TRUE(parse(ack)->message.is_request);
}

TEST(ClientInvite, TimerDAbsorbsRetransmittedFinalsByResendingTheAck) {
  Fixture f;
  Leg leg;
  send_invite(f, leg);
  f.run_until(100);
  f.receive(response(486, "Busy Here", kBranch), callee_udp());
  f.run_until(1100);
  f.receive(response(486, "Busy Here", kBranch), callee_udp());
  EXPECT_EQ(f.sender.times_of("ACK "), (std::vector<std::int64_t>{100, 1100}));
  EXPECT_EQ(f.sender.times_of("INVITE "), std::vector<std::int64_t>{0});  // A stopped
  EXPECT_EQ(leg.responses.size(), 1u);
  f.run_until(32099);
  EXPECT_EQ(f.layer.client_transactions(), 1u);
  f.run_until(32100);  // D = 32 s after the final
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(leg.timeouts, 0);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ClientInvite, OnTcpTimerDIsZero) {
  Fixture f;
  Leg leg;
  send_invite(f, leg, callee_tcp());
  f.receive(response(486, "Busy Here", kBranch), callee_tcp());
  EXPECT_EQ(leg.responses.size(), 1u);
  EXPECT_EQ(f.sender.starting_with("ACK ").size(), 1u);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ClientInvite, TwoXxEntersAcceptedAndRelaysEveryFurther2xxUntilTimerM) {
  Fixture f;
  Leg leg;
  send_invite(f, leg);
  f.run_until(200);
  f.receive(response(200, "OK", kBranch, "INVITE", "bob1"), callee_udp());
  EXPECT_TRUE(f.sender.starting_with("ACK ").empty());  // the 2xx ACK is end to end
  f.receive(response(200, "OK", kBranch, "INVITE", "bob1"), callee_udp());  // retransmission
  f.receive(response(200, "OK", kBranch, "INVITE", "fork2"), callee_udp());  // another fork
  f.receive(response(486, "Busy Here", kBranch, "INVITE", "fork3"), callee_udp());
  f.receive(response(180, "Ringing", kBranch, "INVITE", "fork3"), callee_udp());
  EXPECT_EQ(leg.responses.size(), 3u);
  EXPECT_TRUE(f.user.strays.empty());
  f.run_until(32199);
  EXPECT_EQ(f.layer.client_transactions(), 1u);
  EXPECT_EQ(f.sender.sent.size(), 1u);  // no retransmission of the INVITE after the 2xx
  f.run_until(32200);  // M = 64*T1
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
  // Later 2xx are strays: the proxy forwards them statelessly.
  f.receive(response(200, "OK", kBranch, "INVITE", "bob1"), callee_udp());
  EXPECT_EQ(f.user.strays.size(), 1u);
  EXPECT_EQ(leg.responses.size(), 3u);
  EXPECT_EQ(leg.timeouts, 0);
}

TEST(ClientInvite, TimerCIsRestartedByProvisionalsOtherThan100) {
  Fixture f({.timer_c = std::chrono::milliseconds(60000)});
  Leg leg;
  send_invite(f, leg);
  f.run_until(100);
  f.receive(response(100, "Trying", kBranch), callee_udp());  // does not restart C
  f.run_until(59999);
  EXPECT_TRUE(f.sender.starting_with("CANCEL ").empty());
  f.run_until(60000);
  EXPECT_EQ(f.sender.times_of("CANCEL "), std::vector<std::int64_t>{60000});
  EXPECT_EQ(leg.timeouts, 1);

  Fixture g({.timer_c = std::chrono::milliseconds(60000)});
  Leg other;
  send_invite(g, other);
  g.receive(response(100, "Trying", kBranch), callee_udp());  // stops Timer B
  g.run_until(50000);
  g.receive(response(180, "Ringing", kBranch), callee_udp());
  g.run_until(109999);
  EXPECT_EQ(other.timeouts, 0);
  g.run_until(110000);
  EXPECT_EQ(other.timeouts, 1);
  EXPECT_EQ(g.sender.times_of("CANCEL "), std::vector<std::int64_t>{110000});
}

TEST(ClientInvite, TimerCCancelsAfterAProvisionalAndOnlyA2xxGoesUpAfterwards) {
  Fixture f({.timer_c = std::chrono::milliseconds(60000)});
  Leg leg;
  send_invite(f, leg);
  f.receive(response(180, "Ringing", kBranch), callee_udp());
  f.run_until(60000);
  EXPECT_EQ(leg.timeouts, 1);
  const auto cancels = f.sender.starting_with("CANCEL ");
  ASSERT_EQ(cancels.size(), 1u);
  EXPECT_EQ(header_value(cancels[0].bytes, "CSeq"), "7 CANCEL");
  EXPECT_EQ(header_value(cancels[0].bytes, "Via"), "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKleg1");
  EXPECT_EQ(f.layer.client_transactions(), 2u);  // the INVITE and the CANCEL
  f.receive(response(183, "Session Progress", kBranch), callee_udp());
  f.receive(response(200, "OK", kBranch, "CANCEL"), callee_udp());
  f.receive(response(487, "Request Terminated", kBranch), callee_udp());
  EXPECT_EQ(f.sender.starting_with("ACK ").size(), 1u);  // the 487 is still ACKed
  EXPECT_EQ(leg.responses.size(), 1u);                    // only the first 180
  EXPECT_EQ(leg.timeouts, 1);
  f.run_until(200000);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
  EXPECT_TRUE(f.user.strays.empty());
}

TEST(ClientInvite, ARacing2xxAfterTimerCStillGoesUp) {
  Fixture f({.timer_c = std::chrono::milliseconds(60000)});
  Leg leg;
  send_invite(f, leg);
  f.receive(response(180, "Ringing", kBranch), callee_udp());
  f.run_until(60000);
  f.receive(response(200, "OK", kBranch), callee_udp());
  ASSERT_EQ(leg.responses.size(), 2u);
  EXPECT_TRUE(leg.responses[1].starts_with("SIP/2.0 200"));
  EXPECT_EQ(leg.timeouts, 1);
}

TEST(ClientInvite, TimerCWithoutAProvisionalTimesOutWithoutCancel) {
  Fixture f({.timer_c = std::chrono::milliseconds(10000)});
  Leg leg;
  send_invite(f, leg);
  f.run_until(10000);
  EXPECT_EQ(leg.timeouts, 1);
  EXPECT_TRUE(f.sender.starting_with("CANCEL ").empty());
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
  f.run_until(40000);
  EXPECT_EQ(leg.timeouts, 1);  // reported once: Timer B is gone with the transaction
}

TEST(ClientInvite, AbandonForgetsTheTransactionSilently) {
  Fixture f;
  Leg leg;
  const ClientId id = send_invite(f, leg);
  f.layer.abandon(id);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
  f.receive(response(180, "Ringing", kBranch), callee_udp());
  EXPECT_TRUE(leg.responses.empty());
  EXPECT_EQ(f.user.strays.size(), 1u);
  f.layer.abandon(id);  // no-op
}

TEST(ClientInvite, AckIsSentWithoutATransaction) {
  Fixture f;
  const ClientId id = f.layer.send_request(callee_udp(), outgoing("ACK", "z9hG4bKack"),
                                           "z9hG4bKack", Method::ack, {});
  EXPECT_EQ(id, kNoTransaction);
  EXPECT_EQ(f.sender.sent.size(), 1u);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

}  // namespace
}  // namespace callplan::sip::test
