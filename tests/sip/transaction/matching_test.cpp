// Matching (RFC 3261 17.1.3, 17.2.3): responses by branch + CSeq method, requests by the RFC
// 3261 branch key or the RFC 2543 fallback; stray responses; branches.
#include <set>

#include <gtest/gtest.h>

#include "sip/writer.hpp"
#include "transaction_test_support.hpp"

namespace callplan::sip::test {
namespace {


TEST(Matching, Rfc2543InviteRetransmissionsAndTheirAckMatchWithoutABranch) {
  Fixture f;
  const RequestSpec spec{.method = "INVITE", .branch = ""};
  f.receive(request(spec), phone_udp());
  ASSERT_EQ(f.user.requests.size(), 1u);
  const ServerId txn = f.user.requests[0].txn;
  f.receive(request(spec), phone_udp());
  EXPECT_EQ(f.user.requests.size(), 1u);
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 100").size(), 2u);

  f.layer.respond(txn, answer(request(spec), 486, "Busy Here"));
  // The ACK carries our response's To tag; the INVITE had none.
  f.receive(request({.method = "ACK", .branch = "", .to_tag = "proxy1"}), phone_udp());
  EXPECT_TRUE(f.user.acks.empty());
  f.run_until(10000);
  EXPECT_EQ(f.sender.times_of("SIP/2.0 486"), std::vector<std::int64_t>{0});  // G stopped
  EXPECT_EQ(f.layer.server_transactions(), 0u);                              // Timer I ran
}

TEST(Matching, Rfc2543AckWithAnotherToTagIsNotOurs) {
  Fixture f;
  const RequestSpec spec{.method = "INVITE", .branch = ""};
  f.receive(request(spec), phone_udp());
  f.layer.respond(f.user.requests.at(0).txn, answer(request(spec), 486, "Busy Here"));
  f.receive(request({.method = "ACK", .branch = "", .to_tag = "someone-else"}), phone_udp());
  EXPECT_EQ(f.user.acks.size(), 1u);
  f.run_until(600);
  EXPECT_EQ(f.sender.starting_with("SIP/2.0 486").size(), 2u);  // still Completed
}

TEST(Matching, Rfc2543RequestsDifferingInAnyKeyFieldAreNewTransactions) {
  Fixture f;
  f.receive(request({.method = "OPTIONS", .branch = ""}), phone_udp());
  f.receive(request({.method = "OPTIONS", .branch = "", .cseq = 2}), phone_udp());
  f.receive(request({.method = "OPTIONS", .branch = "", .to_tag = "x"}), phone_udp());
  f.receive(request({.method = "OPTIONS", .branch = "", .request_uri = "sip:carol@example.com"}),
            phone_udp());
  f.receive(request({.method = "OPTIONS", .branch = "", .sent_by = "192.0.2.11"}), phone_udp());
  EXPECT_EQ(f.user.requests.size(), 5u);
  f.receive(request({.method = "OPTIONS", .branch = "", .cseq = 2}), phone_udp());
  EXPECT_EQ(f.user.requests.size(), 5u);
}

TEST(Matching, Rfc2543CancelFindsItsInvite) {
  Fixture f;
  f.receive(request({.method = "INVITE", .branch = ""}), phone_udp());
  f.receive(request({.method = "CANCEL", .branch = ""}), phone_udp());
  ASSERT_EQ(f.user.cancels.size(), 1u);
  EXPECT_EQ(f.user.cancels[0].txn, f.user.requests.at(0).txn);
}

TEST(Matching, ABareMagicCookieIsNoRfc3261Branch) {
  // RFC 4475 badbranch: "z9hG4bK" alone falls back to RFC 2543 matching, which still
  // recognises the retransmission.
  Fixture f;
  f.receive(request({.method = "OPTIONS", .branch = "z9hG4bK"}), phone_udp());
  f.receive(request({.method = "OPTIONS", .branch = "z9hG4bK"}), phone_udp());
  EXPECT_EQ(f.user.requests.size(), 1u);
}

TEST(Matching, AResponseWithAnUnknownBranchOrMethodIsStray) {
  Fixture f;
  f.layer.send_request(callee_udp(), outgoing("INVITE", "z9hG4bKours"), "z9hG4bKours",
                       Method::invite, {});
  f.receive(response(180, "Ringing", "z9hG4bKtheirs"), callee_udp());
  f.receive(response(200, "OK", "z9hG4bKours", "BYE"), callee_udp());
  ASSERT_EQ(f.user.strays.size(), 2u);
  EXPECT_TRUE(f.user.strays[0].starts_with("SIP/2.0 180"));
  // The known one is matched even with no callbacks set.
  f.receive(response(180, "Ringing", "z9hG4bKours"), callee_udp());
  EXPECT_EQ(f.user.strays.size(), 2u);
}

TEST(Matching, AResponseWithoutABranchIsStray) {
  Fixture f;
  std::string r = response(200, "OK", "x");
  r.replace(r.find(";branch=x"), 9, "");
  f.receive(r, callee_udp());
  EXPECT_EQ(f.user.strays.size(), 1u);
}

TEST(Matching, NewBranchesAreRfc3261AndUnique) {
  Fixture f;
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    const std::string b = f.layer.new_branch();
    ASSERT_EQ(b.size(), 23u);
    ASSERT_TRUE(b.starts_with("z9hG4bK"));
    ASSERT_EQ(b.find_first_not_of("0123456789abcdef", 7), std::string::npos) << b;
    seen.insert(b);
  }
  EXPECT_EQ(seen.size(), 10000u);
  Fixture g;  // another layer: another seed
  EXPECT_EQ(seen.count(g.layer.new_branch()), 0u);
}

TEST(Matching, TheLayerKeepsNoViewIntoTheCallersBuffer) {
  // Fixture::receive overwrites each buffer after the call; whatever the layer sends later
  // must still be intact.
  Fixture f;
  f.receive(invite(), phone_udp());
  f.layer.respond(f.user.requests.at(0).txn, answer(invite(), 486, "Busy Here"));
  f.receive(invite(), phone_udp());
  f.run_until(600);
  for (const Sent& s : f.sender.sent) {
    EXPECT_EQ(s.bytes.find('#'), std::string::npos) << s.bytes;
    EXPECT_TRUE(parse(s.bytes)->message.call_id == "c1@192.0.2.10");
  }
  EXPECT_EQ(f.sender.sent.size(), 4u);  // 100, 486, 486 (retransmitted INVITE), 486 (G)
}

}  // namespace
}  // namespace callplan::sip::test
