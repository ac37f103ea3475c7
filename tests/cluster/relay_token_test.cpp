// The proof a node gives the owner of a binding to relay an INVITE to it
// (cluster/relay_token.hpp).
#include "cluster/relay_token.hpp"

#include <string>

#include <gtest/gtest.h>

namespace callplan::cluster {
namespace {

const std::string kSecret(32, 's');
constexpr std::string_view kBranch = "z9hG4bK0123456789abcdef";
constexpr std::int64_t kNow = 1'800'000'000;

sip::Peer flow() { return *sip::parse_peer("tcp:192.0.2.7:49152"); }

TEST(RelayTokens, AGrantNamesThePhoneAndItsFlow) {
  RelayTokens tokens(kSecret);
  const std::string token = tokens.issue("acme-bob", flow(), kBranch, kNow + 120);
  EXPECT_TRUE(RelayTokens::looks_like_token(token));
  // Hex only after the prefix: a valid user part of a SIP URI (RFC 3261 25.1).
  EXPECT_EQ(token.find_first_not_of("0123456789abcdefr."), std::string::npos) << token;
  RelayTokens::Checked checked = tokens.check(token, kBranch, kNow);
  ASSERT_EQ(checked.verdict, RelayTokens::Verdict::granted);
  EXPECT_EQ(checked.username, "acme-bob");
  EXPECT_EQ(checked.flow.to_string(), "tcp:192.0.2.7:49152");
  // Another node of the same cluster (the same secret) takes it too.
  EXPECT_EQ(RelayTokens(kSecret).check(token, kBranch, kNow).verdict,
            RelayTokens::Verdict::granted);
}

TEST(RelayTokens, AnythingElseIsRefused) {
  RelayTokens tokens(kSecret);
  const std::string token = tokens.issue("acme-bob", flow(), kBranch, kNow + 120);
  using V = RelayTokens::Verdict;
  // Another request (its branch), another cluster's secret, one character changed anywhere.
  EXPECT_EQ(tokens.check(token, "z9hG4bK0123456789abcdee", kNow).verdict, V::forged);
  EXPECT_EQ(RelayTokens(std::string(32, 't')).check(token, kBranch, kNow).verdict, V::forged);
  for (std::size_t i = 4; i < token.size(); ++i) {
    std::string altered = token;
    altered[i] = altered[i] == '0' ? '1' : '0';
    EXPECT_NE(tokens.check(altered, kBranch, kNow).verdict, V::granted) << i;
  }
  // Too old: the nodes' clocks agree to well within its lifetime.
  EXPECT_EQ(tokens.check(token, kBranch, kNow + 121).verdict, V::expired);
  // Not ours at all, or ours in form only.
  EXPECT_EQ(tokens.check("alice", kBranch, kNow).verdict, V::not_a_token);
  EXPECT_EQ(tokens.check("cr1.", kBranch, kNow).verdict, V::forged);
  EXPECT_EQ(tokens.check("cr1.zz.00", kBranch, kNow).verdict, V::forged);
  EXPECT_EQ(tokens.check("cr1." + std::string(5000, 'a') + ".00", kBranch, kNow).verdict,
            V::forged);
}

}  // namespace
}  // namespace callplan::cluster
