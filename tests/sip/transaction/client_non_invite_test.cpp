// Non-INVITE client transactions (RFC 3261 17.1.2): Timers E, F, K.
#include <gtest/gtest.h>

#include "transaction_test_support.hpp"

namespace callplan::sip::test {
namespace {

constexpr const char* kBranch = "z9hG4bKbye1";

struct Outcome {
  std::vector<std::string> responses;
  int timeouts = 0;
};

ClientId send_bye(Fixture& f, Outcome& out, const Peer& to = callee_udp()) {
  return f.layer.send_request(
      to, outgoing("BYE", kBranch), kBranch, Method::bye,
      {.on_response = [&out](const Message& r) { out.responses.emplace_back(r.raw); },
       .on_timeout = [&out] { ++out.timeouts; }});
}

TEST(ClientNonInvite, TimerERetransmitsDoublingUpToT2AndTimerFReportsATimeout) {
  Fixture f;
  Outcome out;
  send_bye(f, out);
  f.run_until(31999);
  EXPECT_EQ(f.sender.times_of("BYE "),
            (std::vector<std::int64_t>{0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500,
                                       27500, 31500}));
  EXPECT_EQ(out.timeouts, 0);
  f.run_until(32000);  // F = 64*T1
  EXPECT_EQ(out.timeouts, 1);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ClientNonInvite, InProceedingTimerERetransmitsEveryT2AndTimerFStillRuns) {
  Fixture f;
  Outcome out;
  send_bye(f, out);
  f.run_until(200);
  f.receive(response(100, "Trying", kBranch, "BYE"), callee_udp());
  EXPECT_EQ(out.responses.size(), 1u);
  f.run_until(32000);
  EXPECT_EQ(f.sender.times_of("BYE "),
            (std::vector<std::int64_t>{0, 500, 4500, 8500, 12500, 16500, 20500, 24500, 28500}));
  EXPECT_EQ(out.timeouts, 1);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
}

TEST(ClientNonInvite, AFinalGoesUpOnceAndTimerKAbsorbsRetransmissions) {
  Fixture f;
  Outcome out;
  send_bye(f, out);
  f.run_until(700);
  f.receive(response(200, "OK", kBranch, "BYE"), callee_udp());
  f.receive(response(200, "OK", kBranch, "BYE"), callee_udp());
  f.receive(response(100, "Trying", kBranch, "BYE"), callee_udp());
  ASSERT_EQ(out.responses.size(), 1u);
  EXPECT_TRUE(out.responses[0].starts_with("SIP/2.0 200"));
  EXPECT_TRUE(f.user.strays.empty());
  f.run_until(5699);
  EXPECT_EQ(f.sender.times_of("BYE "), (std::vector<std::int64_t>{0, 500}));
  EXPECT_EQ(f.layer.client_transactions(), 1u);
  f.run_until(5700);  // K = T4
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(out.timeouts, 0);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ClientNonInvite, OnTcpThereIsNoTimerEAndTimerKIsZero) {
  Fixture f;
  Outcome out;
  send_bye(f, out, callee_tcp());
  f.run_until(20000);
  EXPECT_EQ(f.sender.sent.size(), 1u);
  f.receive(response(200, "OK", kBranch, "BYE"), callee_tcp());
  EXPECT_EQ(out.responses.size(), 1u);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ClientNonInvite, OnTcpTimerFStillRuns) {
  Fixture f;
  Outcome out;
  send_bye(f, out, callee_tcp());
  f.run_until(32000);
  EXPECT_EQ(out.timeouts, 1);
  EXPECT_EQ(f.sender.sent.size(), 1u);
}

TEST(ClientNonInvite, CancelIsANoOpForNonInvite) {
  Fixture f;
  Outcome out;
  const ClientId id = send_bye(f, out);
  f.receive(response(100, "Trying", kBranch, "BYE"), callee_udp());
  f.layer.cancel(id);
  EXPECT_TRUE(f.sender.starting_with("CANCEL ").empty());
}

TEST(ClientNonInvite, ExtensionMethodsMatchByTheirMethodText) {
  Fixture f;
  Outcome out;
  f.layer.send_request(
      callee_udp(), outgoing("FOO", kBranch), kBranch, Method::other,
      {.on_response = [&out](const Message& r) { out.responses.emplace_back(r.raw); },
       .on_timeout = [&out] { ++out.timeouts; }});
  f.receive(response(200, "OK", kBranch, "FOO"), callee_udp());
  EXPECT_EQ(out.responses.size(), 1u);
  f.receive(response(200, "OK", kBranch, "BAR"), callee_udp());
  EXPECT_EQ(f.user.strays.size(), 1u);
}

}  // namespace
}  // namespace callplan::sip::test
