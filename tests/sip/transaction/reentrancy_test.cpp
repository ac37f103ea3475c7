// Callbacks that re-enter the layer, and counts that drain to zero once the timers ran out.
#include <gtest/gtest.h>

#include "sip/writer.hpp"
#include "transaction_test_support.hpp"

namespace callplan::sip::test {
namespace {

TEST(Reentrancy, TheUserMayAnswerAndEndTheTransactionInsideOnRequest) {
  Fixture f;
  f.user.request_hook = [&](ServerId txn, const Message& request) {
    f.layer.respond(txn, build_response(request, 200, "OK", {.to_tag = "t"}));
  };
  f.receive(request({.method = "OPTIONS", .branch = "z9hG4bKo"}), phone_tcp());
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 200").size(), 1u);
  EXPECT_EQ(f.layer.server_transactions(), 0u);  // Timer J = 0 on TCP ended it inside
  f.receive(invite(), phone_tcp());
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 200").size(), 2u);
  EXPECT_EQ(f.layer.server_transactions(), 1u);  // Accepted
}

TEST(Reentrancy, OnResponseMayAbandonItsOwnTransaction) {
  Fixture f;
  int calls = 0;
  ClientId id = kNoTransaction;
  id = f.layer.send_request(callee_udp(), outgoing("INVITE", "z9hG4bKa"), "z9hG4bKa",
                            Method::invite,
                            {.on_response =
                                 [&](const Message&) {
                                   ++calls;
                                   f.layer.abandon(id);
                                 },
                             .on_timeout = [] {}});
  f.receive(response(180, "Ringing", "z9hG4bKa"), callee_udp());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  f.receive(response(200, "OK", "z9hG4bKa"), callee_udp());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(f.user.strays.size(), 1u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(Reentrancy, OnResponseMayCancelAndStartNewLegs) {
  // A serial hunt: the first leg's 180 cancels it and starts the next one.
  Fixture f;
  std::vector<ClientId> legs;
  std::vector<std::string> second;
  std::string second_branch;
  std::vector<int> first;
  ClientCallbacks next{.on_response = [&](const Message& r) { second.emplace_back(r.raw); },
                       .on_timeout = [] {}};
  legs.push_back(f.layer.send_request(
      callee_udp(), outgoing("INVITE", "z9hG4bK1"), "z9hG4bK1", Method::invite,
      {.on_response =
           [&](const Message& r) {
             first.push_back(r.status_code);
             if (r.status_code != 180) return;
             f.layer.cancel(legs[0]);
             second_branch = f.layer.new_branch();
             legs.push_back(f.layer.send_request(callee_udp(), outgoing("INVITE", second_branch),
                                                 second_branch, Method::invite, next));
           },
       .on_timeout = [] {}}));
  f.receive(response(180, "Ringing", "z9hG4bK1"), callee_udp());
  ASSERT_EQ(legs.size(), 2u);
  EXPECT_EQ(f.sender.starting_with("CANCEL ").size(), 1u);
  EXPECT_EQ(f.sender.starting_with("INVITE ").size(), 2u);
  EXPECT_EQ(f.layer.client_transactions(), 3u);
  // The first leg keeps its callbacks after the re-entrant call: its 487 still arrives.
  f.receive(response(487, "Request Terminated", "z9hG4bK1"), callee_udp());
  EXPECT_EQ(f.sender.starting_with("ACK ").size(), 1u);
  EXPECT_EQ(first, (std::vector<int>{180, 487}));
  f.receive(response(180, "Ringing", second_branch), callee_udp());
  EXPECT_EQ(second.size(), 1u);
}

TEST(Reentrancy, OnTimeoutMayStartTheNextLeg) {
  Fixture f;
  int timeouts = 0;
  std::function<void()> hunt = [&] {
    if (++timeouts > 3) return;
    const std::string branch = f.layer.new_branch();
    f.layer.send_request(callee_tcp(), outgoing("INVITE", branch), branch, Method::invite,
                         {.on_response = {}, .on_timeout = hunt});
  };
  const std::string branch = f.layer.new_branch();
  f.layer.send_request(callee_tcp(), outgoing("INVITE", branch), branch, Method::invite,
                       {.on_response = {}, .on_timeout = hunt});
  f.run_until(32000 * 5);
  EXPECT_EQ(timeouts, 4);
  EXPECT_EQ(f.sender.starting_with("INVITE ").size(), 4u);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
}

TEST(Reentrancy, OnCancelMayAnswerTheInviteWith487Inside) {
  Fixture f;
  auto invite_message = parse(invite());
  f.user.cancel_hook = [&](ServerId txn) {
    f.layer.respond(txn, build_response(invite_message->message, 487, "Request Terminated",
                                         {.to_tag = "t"}));
  };
  f.receive(invite(), phone_udp());
  const ServerId txn = f.user.requests.at(0).txn;
  f.receive(request({.method = "CANCEL"}), phone_udp());
  ASSERT_EQ(f.user.cancels.size(), 1u);
  EXPECT_TRUE(f.layer.has_final_response(txn));
  ASSERT_EQ(f.sender.sent.size(), 3u);
  EXPECT_TRUE(f.sender.sent[1].bytes.starts_with("SIP/2.0 200"));  // the CANCEL's, first
  EXPECT_TRUE(f.sender.sent[2].bytes.starts_with("SIP/2.0 487"));
}

TEST(Drain, EveryKindOfTransactionEndsAndLeavesNoTimers) {
  Fixture f({.timer_c = std::chrono::milliseconds(90000)});
  // Server side: answered, unanswered, cancelled, over UDP and TCP.
  for (int i = 0; i < 20; ++i) {
    const std::string b = "z9hG4bKs" + std::to_string(i);
    const Peer from = i % 2 ? phone_tcp() : phone_udp();
    f.receive(request({.method = i % 3 ? "INVITE" : "MESSAGE", .branch = b}), from);
    const ServerId txn = f.user.requests.back().txn;
    auto p = parse(request({.method = i % 3 ? "INVITE" : "MESSAGE", .branch = b}));
    if (i % 4 == 0) f.layer.respond(txn, build_response(p->message, 404, "Not Found", {}));
    if (i % 4 == 1) f.layer.respond(txn, build_response(p->message, 200, "OK", {}));
    if (i % 4 == 2) f.receive(request({.method = "CANCEL", .branch = b}), from);
  }
  // Client side: timed out, answered, rejected, cancelled.
  for (int i = 0; i < 20; ++i) {
    const std::string b = f.layer.new_branch();
    const Peer to = i % 2 ? callee_tcp() : callee_udp();
    const bool is_invite = i % 3 != 0;
    const ClientId id = f.layer.send_request(to, outgoing(is_invite ? "INVITE" : "BYE", b), b,
                                             is_invite ? Method::invite : Method::bye, {});
    const char* method = is_invite ? "INVITE" : "BYE";
    if (i % 4 == 1) f.receive(response(200, "OK", b, method), to);
    if (i % 4 == 2) f.receive(response(603, "Decline", b, method), to);
    if (i % 4 == 3) {
      f.receive(response(180, "Ringing", b, method), to);
      f.layer.cancel(id);
    }
  }
  EXPECT_GT(f.layer.server_transactions(), 0u);
  EXPECT_GT(f.layer.client_transactions(), 0u);
  f.run_until(24 * 3600 * 1000LL);
  EXPECT_EQ(f.layer.server_transactions(), 0u);
  EXPECT_EQ(f.layer.client_transactions(), 0u);
  EXPECT_EQ(f.timers.pending(), 0u);
}

TEST(Drain, DestroyingTheLayerCancelsItsTimers) {
  TimerQueue timers(kStart);
  FakeSender sender(timers);
  RecordingUser user;
  {
    TransactionLayer layer(timers, sender, user);
    layer.send_request(callee_udp(), outgoing("INVITE", "z9hG4bKx"), "z9hG4bKx", Method::invite,
                       {});
    auto p = parse(invite());
    layer.receive(p->message, phone_udp());
    EXPECT_GT(timers.pending(), 0u);
  }
  EXPECT_EQ(timers.pending(), 0u);
  timers.run_due(at(1000000));  // nothing calls into the destroyed layer
}

}  // namespace
}  // namespace callplan::sip::test
