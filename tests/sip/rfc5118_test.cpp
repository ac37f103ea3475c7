// One test per RFC 5118 IPv6 torture message (tests/sip/torture/rfc5118).
#include <gtest/gtest.h>

#include "torture_support.hpp"

namespace callplan::sip {
namespace {

using test::Parsed;

Parsed parse(const char* file) {
  Parsed p;
  test::parse_torture(std::string("rfc5118/") + file, p);
  return p;
}

TEST(Rfc5118, Ipv6GoodIsAccepted) {
  Parsed p = parse("ipv6-good.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.request_uri.host, "[2001:db8::10]");
  EXPECT_EQ(p.msg.request_uri.host_kind, HostKind::ipv6);
  EXPECT_EQ(p.msg.top_via.host, "[2001:db8::9:1]");
}

TEST(Rfc5118, Ipv6BadWithoutBracketsIs400) {
  Parsed p = parse("ipv6-bad.dat");
  EXPECT_EQ(p.result.verdict, Verdict::reject) << p.why();
  EXPECT_EQ(p.result.status, 400);
}

TEST(Rfc5118, PortAmbiguousTakesNoPort) {
  Parsed p = parse("port-ambiguous.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.request_uri.host, "[2001:db8::10:5070]");
  EXPECT_EQ(p.msg.request_uri.port, 0);
}

TEST(Rfc5118, PortUnambiguousTakesPort5070) {
  Parsed p = parse("port-unambiguous.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.request_uri.host, "[2001:db8::10]");
  EXPECT_EQ(p.msg.request_uri.port, 5070);
}

TEST(Rfc5118, ViaReceivedWithBracketsIsAccepted) {
  Parsed p = parse("via-received-param-with-delim.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.top_via.received, "[2001:db8::9:255]");
}

TEST(Rfc5118, ViaReceivedWithoutBracketsIsAccepted) {
  Parsed p = parse("via-received-param-no-delim.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.top_via.received, "2001:db8::9:255");
  EXPECT_EQ(p.msg.top_via.branch, "z9hG4bKas3");
}

TEST(Rfc5118, Ipv6InSdpIsOpaque) {
  Parsed p = parse("ipv6-in-sdp.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.body.size(), 241u);
}

TEST(Rfc5118, MultipleAddressFamiliesInViaAreAccepted) {
  Parsed p = parse("mult-ip-in-header.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.via_count, 3u);
  EXPECT_EQ(p.msg.top_via.port, 6050);
}

TEST(Rfc5118, MultipleAddressesInSdpAreAccepted) {
  Parsed p = parse("mult-ip-in-sdp.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.body.size(), 181u);
}

TEST(Rfc5118, Ipv4MappedIpv6IsAccepted) {
  Parsed p = parse("ipv4-mapped-ipv6.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.top_via.host, "[::ffff:192.0.2.10]");
  EXPECT_EQ(p.msg.top_via.port, 19823);
}

TEST(Rfc5118, TwoColonsBeforeIpv4IsAccepted) {
  Parsed p = parse("ipv6-correct-abnf-2-colons.dat");
  ASSERT_TRUE(p.result.ok()) << p.why();
  EXPECT_EQ(p.msg.request_uri.host, "[2001:db8::192.0.2.1]");
}

TEST(Rfc5118, ThreeColonsIsAnInvalidAddressAnd400) {
  // Our choice (docs/sip-message.md): strict RFC 3986 IPv6, so 400 rather than tolerance.
  Parsed p = parse("ipv6-bug-abnf-3-colons.dat");
  EXPECT_EQ(p.result.verdict, Verdict::reject) << p.why();
  EXPECT_EQ(p.result.status, 400);
}

}  // namespace
}  // namespace callplan::sip
