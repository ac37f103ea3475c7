// CANCEL (RFC 3261 9): sent by the client side only after a provisional, in its own
// transaction; answered by the server side with 200 (matched) or 481 (not matched).
#include <gtest/gtest.h>

#include "sip/writer.hpp"
#include "transaction_test_support.hpp"

namespace callplan::sip::test {
namespace {

constexpr const char* kBranch = "z9hG4bKleg1";


ClientId send_invite(Fixture& f, Leg& leg) {
  return f.layer.send_request(callee_udp(), outgoing("INVITE", kBranch), kBranch,
                              Method::invite, leg.callbacks());
}

TEST(ClientCancel, IsDeferredUntilAProvisionalArrives) {
  Fixture f;
  Leg leg;
  const ClientId id = send_invite(f, leg);
  f.run_until(300);
  f.layer.cancel(id);
  f.run_until(600);
  EXPECT_TRUE(f.sender.starting_with("CANCEL ").empty());
  EXPECT_EQ(f.sender.times_of("INVITE "), (std::vector<std::int64_t>{0, 500}));
  f.receive(response(100, "Trying", kBranch), callee_udp());
  const auto cancels = f.sender.starting_with("CANCEL ");
  ASSERT_EQ(cancels.size(), 1u);
  EXPECT_EQ(cancels[0].at_ms, 600);
  EXPECT_TRUE(cancels[0].to.same_endpoint(callee_udp()));
  // 9.1: same Request-URI, only the top Via (same branch), Route, From, To, Call-ID, CSeq
  // number with CANCEL.
  const std::string& cancel = cancels[0].bytes;
  EXPECT_TRUE(cancel.starts_with("CANCEL sip:bob@192.0.2.20:5062 SIP/2.0\r\n")) << cancel;
  EXPECT_EQ(count_lines(cancel, "Via: "), 1u);
  EXPECT_EQ(header_value(cancel, "Via"), "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKleg1");
  EXPECT_EQ(header_value(cancel, "CSeq"), "7 CANCEL");
  EXPECT_EQ(header_value(cancel, "To"), "<sip:bob@example.com>");
  EXPECT_EQ(count_lines(cancel, "Route: "), 2u);
  EXPECT_EQ(f.layer.client_transactions(), 2u);

  // The 200 for the CANCEL belongs to the CANCEL's transaction, not to the INVITE's user.
  f.receive(response(200, "OK", kBranch, "CANCEL"), callee_udp());
  EXPECT_EQ(leg.responses.size(), 1u);
  EXPECT_TRUE(f.user.strays.empty());
  // The 487 ends the INVITE as usual: ACKed, then reported.
  f.receive(response(487, "Request Terminated", kBranch), callee_udp());
  ASSERT_EQ(leg.responses.size(), 2u);
  EXPECT_TRUE(leg.responses[1].starts_with("SIP/2.0 487"));
  EXPECT_EQ(f.sender.starting_with("ACK ").size(), 1u);
  f.run_until(100000);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
  EXPECT_EQ(leg.timeouts, 0);
}

TEST(ClientCancel, StopsRetransmittingOnceTheInviteHasItsFinalResponse) {
  // The 487 arrives but the CANCEL's 200 is late: the phone has ended the call, so a CANCEL
  // retransmitted at T1 would reach it as an unexpected request.
  Fixture f;
  Leg leg;
  const ClientId id = send_invite(f, leg);
  f.receive(response(180, "Ringing", kBranch), callee_udp());
  f.layer.cancel(id);
  f.run_until(100);
  f.receive(response(487, "Request Terminated", kBranch), callee_udp());
  f.run_until(5000);
  EXPECT_EQ(f.sender.starting_with("CANCEL ").size(), 1u);  // never retransmitted
  f.receive(response(200, "OK", kBranch, "CANCEL"), callee_udp());  // late: a stray now
  EXPECT_EQ(f.user.strays.size(), 1u);
  EXPECT_EQ(leg.responses.size(), 2u);  // 180, 487
  f.run_until(100000);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ClientCancel, IsSentAtOnceAfterAProvisionalAndOnlyOnce) {
  Fixture f;
  Leg leg;
  const ClientId id = send_invite(f, leg);
  f.receive(response(180, "Ringing", kBranch), callee_udp());
  f.layer.cancel(id);
  f.layer.cancel(id);
  f.receive(response(180, "Ringing", kBranch), callee_udp());
  EXPECT_EQ(f.sender.starting_with("CANCEL ").size(), 1u);
  // Its own transaction retransmits it on UDP (Timer E) until its 200 comes.
  f.run_until(1600);
  EXPECT_EQ(f.sender.times_of("CANCEL "), (std::vector<std::int64_t>{0, 500, 1500}));
  f.receive(response(200, "OK", kBranch, "CANCEL"), callee_udp());
  f.run_until(5000);
  EXPECT_EQ(f.sender.starting_with("CANCEL ").size(), 3u);
}

TEST(ClientCancel, AfterAFinalResponseIsANoOp) {
  Fixture f;
  Leg leg;
  const ClientId id = send_invite(f, leg);
  f.receive(response(486, "Busy Here", kBranch), callee_udp());
  f.layer.cancel(id);
  f.receive(response(200, "OK", kBranch, "INVITE"), callee_udp());  // absorbed, Completed
  EXPECT_TRUE(f.sender.starting_with("CANCEL ").empty());

  Fixture g;
  Leg answered;
  const ClientId other = send_invite(g, answered);
  g.receive(response(200, "OK", kBranch), callee_udp());
  g.layer.cancel(other);
  EXPECT_TRUE(g.sender.starting_with("CANCEL ").empty());
}

TEST(ClientCancel, WithoutAFinalResponseTheInviteIsGivenUpAfter64T1) {
  Fixture f;
  Leg leg;
  const ClientId id = send_invite(f, leg);
  f.run_until(1000);
  f.receive(response(180, "Ringing", kBranch), callee_udp());
  f.layer.cancel(id);
  f.receive(response(200, "OK", kBranch, "CANCEL"), callee_udp());
  f.run_until(32999);
  EXPECT_EQ(leg.timeouts, 0);
  f.run_until(33000);
  EXPECT_EQ(leg.timeouts, 1);
  f.run_until(100000);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ClientCancel, AnInviteCancelledBeforeAnyResponseStillTimesOutWithTimerB) {
  Fixture f;
  Leg leg;
  const ClientId id = send_invite(f, leg);
  f.layer.cancel(id);
  f.run_until(32000);
  EXPECT_EQ(leg.timeouts, 1);
  EXPECT_TRUE(f.sender.starting_with("CANCEL ").empty());
  EXPECT_EQ(f.layer.client_transactions(), 0u);
}


TEST(ServerCancel, AMatchingCancelIsAnswered200AndReported) {
  Fixture f;
  f.receive(invite(), phone_udp());
  const ServerId txn = f.user.requests.at(0).txn;
  const std::string cancel = request({.method = "CANCEL"});
  f.receive(cancel, phone_udp());
  const auto oks = f.sender.starting_with("SIP/2.0 200");
  ASSERT_EQ(oks.size(), 1u);
  EXPECT_EQ(header_value(oks[0].bytes, "CSeq"), "1 CANCEL");
  EXPECT_NE(header_value(oks[0].bytes, "To").find(";tag="), std::string::npos);
  ASSERT_EQ(f.user.cancels.size(), 1u);
  EXPECT_EQ(f.user.cancels[0].txn, txn);
  EXPECT_EQ(f.user.requests.size(), 1u);  // a CANCEL is no new request for the TU
  // A retransmitted CANCEL gets the 200 again and is not reported again.
  f.receive(cancel, phone_udp());
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 200").size(), 2u);
  EXPECT_EQ(f.user.cancels.size(), 1u);
  // The TU ends the INVITE with 487.
  f.layer.respond(txn, answer(invite(), 487, "Request Terminated"));
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 487").size(), 1u);
  f.receive(request({.method = "ACK", .to_tag = "proxy1"}), phone_udp());
  f.run_until(100000);
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ServerCancel, ACancelMatchingNothingGets481AndLeavesNoState) {
  Fixture f;
  f.receive(request({.method = "CANCEL", .branch = "z9hG4bKnothing"}), phone_udp());
  const auto answers = f.sender.starting_with("SIP/2.0 481 Call/Transaction Does Not Exist");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(header_value(answers[0].bytes, "CSeq"), "1 CANCEL");
  EXPECT_TRUE(answers[0].to.same_endpoint(phone_udp()));
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_TRUE(f.user.requests.empty());
  EXPECT_TRUE(f.user.cancels.empty());
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(ServerCancel, ACancelForAnAnsweredInviteIsAnswered200ButNotReported) {
  Fixture f;
  f.receive(invite(), phone_udp());
  f.layer.respond(f.user.requests.at(0).txn, answer(invite(), 200, "OK"));
  f.receive(request({.method = "CANCEL"}), phone_udp());
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 200").size(), 2u);
  EXPECT_TRUE(f.user.cancels.empty());
}

TEST(ServerCancel, ACancelForANonInviteWithTheSameBranchIsNotAMatch) {
  Fixture f;
  f.receive(request({.method = "OPTIONS", .branch = "z9hG4bKopt"}), phone_udp());
  f.receive(request({.method = "CANCEL", .branch = "z9hG4bKopt"}), phone_udp());
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 481").size(), 1u);
  EXPECT_TRUE(f.user.cancels.empty());
}

}  // namespace
}  // namespace callplan::sip::test
