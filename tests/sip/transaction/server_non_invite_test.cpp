// Non-INVITE server transactions (RFC 3261 17.2.2): Trying, Proceeding, Completed, Timer J.
#include <gtest/gtest.h>

#include "sip/writer.hpp"
#include "transaction_test_support.hpp"

namespace callplan::sip::test {
namespace {

const RequestSpec kOptions{.method = "OPTIONS", .branch = "z9hG4bKopt1"};

TEST(ServerNonInvite, PassesTheRequestUpWithout100Trying) {
  Fixture f;
  f.receive(request(kOptions), phone_udp());
  EXPECT_TRUE(f.sender.sent.empty());
  ASSERT_EQ(f.user.requests.size(), 1u);
  EXPECT_TRUE(f.user.requests[0].bytes.starts_with("OPTIONS "));
  EXPECT_FALSE(f.layer.has_final_response(f.user.requests[0].txn));
}

TEST(ServerNonInvite, TryingAbsorbsRetransmissionsProceedingAndCompletedRepeatTheLast) {
  Fixture f;
  f.receive(request(kOptions), phone_udp());
  f.receive(request(kOptions), phone_udp());
  EXPECT_TRUE(f.sender.sent.empty());
  const ServerId txn = f.user.requests.at(0).txn;
  f.layer.respond(txn, answer(request(kOptions), 100, "Trying"));
  f.receive(request(kOptions), phone_udp());
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 100").size(), 2u);
  f.layer.respond(txn, answer(request(kOptions), 200, "OK"));
  EXPECT_TRUE(f.layer.has_final_response(txn));
  f.receive(request(kOptions), phone_udp());
  f.receive(request(kOptions), phone_udp());
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 200").size(), 3u);
  EXPECT_EQ(f.user.requests.size(), 1u);
  f.layer.respond(txn, answer(request(kOptions), 500, "Server Error"));  // after a final: ignored
  EXPECT_TRUE(f.sender.starting_with("SIP/2.0 500").empty());
}

TEST(ServerNonInvite, TimerJKeepsTheTransactionFor64T1OnUdpWithoutRetransmitting) {
  Fixture f;
  f.receive(request(kOptions), phone_udp());
  f.layer.respond(f.user.requests.at(0).txn, answer(request(kOptions), 200, "OK"));
  f.run_until(31999);
  EXPECT_EQ(f.sender.sent.size(), 1u);  // no Timer G for non-INVITE
  EXPECT_EQ(f.layer.server_transactions(), 1u);
  f.run_until(32000);
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
  // Now a "retransmission" is a new request.
  f.receive(request(kOptions), phone_udp());
  EXPECT_EQ(f.user.requests.size(), 2u);
}

TEST(ServerNonInvite, TimerJIsZeroOnTcp) {
  Fixture f;
  f.receive(request(kOptions), phone_tcp());
  f.layer.respond(f.user.requests.at(0).txn, answer(request(kOptions), 200, "OK"));
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ServerNonInvite, AnUnansweredRequestIsDroppedAfterTheLimit) {
  Fixture f;
  f.receive(request(kOptions), phone_udp());
  f.run_until(63999);
  EXPECT_EQ(f.layer.server_transactions(), 1u);
  f.run_until(64000);
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ServerNonInvite, SameBranchWithAnotherMethodIsAnotherTransaction) {
  Fixture f;
  f.receive(request(kOptions), phone_udp());
  f.receive(request({.method = "MESSAGE", .branch = "z9hG4bKopt1"}), phone_udp());
  EXPECT_EQ(f.user.requests.size(), 2u);
  EXPECT_EQ(f.layer.server_transactions(), 2u);
}

TEST(ServerNonInvite, SameBranchFromAnotherSentByIsAnotherTransaction) {
  Fixture f;
  f.receive(request(kOptions), phone_udp());
  RequestSpec other = kOptions;
  other.sent_by = "192.0.2.11:5060";
  f.receive(request(other), phone_udp());
  EXPECT_EQ(f.user.requests.size(), 2u);
}

}  // namespace
}  // namespace callplan::sip::test
