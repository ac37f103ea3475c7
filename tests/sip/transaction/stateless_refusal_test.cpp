// Immediate refusals go out statelessly (issue 18, "no amplification"): a final >= 300 given
// from inside on_request() is one datagram for one datagram, with no transaction, no Timer G
// and no 100 Trying before it; later finals keep the RFC 3261 17.2 state.
#include <gtest/gtest.h>

#include "transaction_test_support.hpp"

namespace callplan::sip::test {
namespace {

std::size_t bytes_sent(const FakeSender& sender) {
  std::size_t n = 0;
  for (const Sent& s : sender.sent) n += s.bytes.size();
  return n;
}

// A TU that challenges every request at once, as the server does for a request without
// credentials (the 407 carries two challenge headers, as ours does).
void challenge_everything(Fixture& f) {
  f.user.request_hook = [&f](ServerId txn, const Message& request) {
    const HeaderLine lines[] = {
        {"Proxy-Authenticate", R"(Digest realm="acme", nonce="0123456789abcdef0123456789ab", )"
                               R"(algorithm=MD5, qop="auth")"},
        {"Proxy-Authenticate", R"(Digest realm="acme", nonce="0123456789abcdef0123456789ab", )"
                               R"(algorithm=SHA-256, qop="auth")"}};
    f.layer.respond(txn, build_response(request, 407, "Proxy Authentication Required",
                                        {.to_tag = "proxy1", .extra = lines}));
  };
}

TEST(StatelessRefusal, AChallengedInviteGetsOneResponseAndLeavesNothing) {
  Fixture f;
  challenge_everything(f);
  const std::string in = invite();
  f.receive(in, phone_udp());
  ASSERT_EQ(f.sender.sent.size(), 1u);  // no 100 Trying before the 407
  EXPECT_TRUE(f.sender.sent[0].bytes.starts_with("SIP/2.0 407 "));
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);  // no Timer G, H or unanswered limit
  f.run_until(64000);                 // where Timer G would have resent it 10 times
  EXPECT_EQ(f.sender.sent.size(), 1u);
  // Bytes out for bytes in: one response, about the size of the request plus its challenge.
  EXPECT_LT(bytes_sent(f.sender), 3 * in.size());
}

TEST(StatelessRefusal, ARetransmittedRequestIsAnsweredAgainOnceAndTheAckIsPassedOn) {
  Fixture f;
  challenge_everything(f);
  for (int i = 0; i < 5; ++i) f.receive(invite(), phone_udp());
  EXPECT_EQ(f.user.requests.size(), 5u);  // each a new request: nothing remembered
  EXPECT_EQ(f.sender.sent.size(), 5u);    // one response each, never more
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 407").size(), 5u);
  // The caller's ACK for the 407 matches no transaction: the TU drops it (the proxy relays
  // only ACKs of dialogs it knows).
  f.receive(request({.method = "ACK", .cseq_method = "ACK", .to_tag = "proxy1"}), phone_udp());
  EXPECT_EQ(f.user.acks.size(), 1u);
  EXPECT_EQ(f.sender.sent.size(), 5u);
  EXPECT_EQ(f.layer.server_transactions(), 0u);
}

TEST(StatelessRefusal, NonInviteRefusalsAreStatelessToo) {
  Fixture f;
  challenge_everything(f);
  f.receive(request({.method = "REGISTER"}), phone_udp());
  f.receive(request({.method = "OPTIONS"}), phone_udp());
  EXPECT_EQ(f.sender.sent.size(), 2u);
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(StatelessRefusal, AFinalAfterTheTuWorkedOnItStaysStateful) {
  Fixture f;
  f.receive(invite(), phone_udp());
  const ServerId txn = f.user.requests.at(0).txn;
  f.layer.respond(txn, answer(invite(), 486, "Busy Here"));  // a phone said busy, later
  f.run_until(2000);
  EXPECT_EQ(f.sender.times_of("SIP/2.0 486"), (std::vector<std::int64_t>{0, 500, 1500}));
  EXPECT_EQ(f.layer.server_transactions(), 1u);
}

TEST(StatelessRefusal, AnImmediateTwoXxOrProvisionalKeepsTheTransaction) {
  Fixture f;
  f.user.request_hook = [&f](ServerId txn, const Message& request) {
    f.layer.respond(txn, build_response(request, 180, "Ringing", {.to_tag = "proxy1"}));
    f.layer.respond(txn, build_response(request, 200, "OK", {.to_tag = "proxy1"}));
  };
  f.receive(invite(), phone_udp());
  EXPECT_EQ(f.layer.server_transactions(), 1u);  // Accepted, Timer L (RFC 6026)
  f.receive(invite(), phone_udp());               // absorbed, not a new request
  EXPECT_EQ(f.user.requests.size(), 1u);
}

TEST(StatelessRefusal, AFinalAfterAProvisionalOfTheTuStaysStateful) {
  // The caller stopped retransmitting at the 183: a lost final must still be retransmitted.
  Fixture f;
  f.user.request_hook = [&f](ServerId txn, const Message& request) {
    f.layer.respond(txn, build_response(request, 183, "Session Progress", {.to_tag = "p1"}));
    f.layer.respond(txn, build_response(request, 480, "Temporarily Unavailable",
                                        {.to_tag = "p1"}));
  };
  f.receive(invite(), phone_udp());
  f.run_until(600);
  EXPECT_EQ(f.sender.times_of("SIP/2.0 480"), (std::vector<std::int64_t>{0, 500}));
  EXPECT_EQ(f.layer.server_transactions(), 1u);
}

TEST(StatelessRefusal, CanBeTurnedOffForTheRfcStatefulBehaviour) {
  Fixture f({.stateless_refusals = false});
  challenge_everything(f);
  f.receive(invite(), phone_udp());
  f.run_until(1000);
  // The 407 at 0 and Timer G at 500 ms; the 100 Trying comes after the TU, so not at all.
  EXPECT_EQ(f.sender.times_of("SIP/2.0 407"), (std::vector<std::int64_t>{0, 500}));
  EXPECT_EQ(f.layer.server_transactions(), 1u);
}

}  // namespace
}  // namespace callplan::sip::test
