#include "sip/transport/peer.hpp"

#include <gtest/gtest.h>

namespace callplan::sip {
namespace {

TEST(ParsePeer, ReadsProtocolAddressAndPort) {
  auto peer = parse_peer("tcp:127.0.0.1:5070");
  ASSERT_TRUE(peer);
  EXPECT_EQ(peer->protocol, Protocol::tcp);
  EXPECT_EQ(peer->address, asio::ip::make_address("127.0.0.1"));
  EXPECT_EQ(peer->port, 5070);
  EXPECT_EQ(peer->connection, kNoConnection);
}

TEST(ParsePeer, DefaultsToUdp) {
  auto peer = parse_peer("10.0.0.1:5060");
  ASSERT_TRUE(peer);
  EXPECT_EQ(peer->protocol, Protocol::udp);
  EXPECT_EQ(peer->port, 5060);
}

TEST(ParsePeer, ReadsBracketedIpv6) {
  auto peer = parse_peer("udp:[::1]:5062");
  ASSERT_TRUE(peer);
  EXPECT_TRUE(peer->address.is_v6());
  EXPECT_EQ(peer->address, asio::ip::make_address("::1"));
  EXPECT_EQ(peer->port, 5062);
}

TEST(ParsePeer, AcceptsPortBounds) {
  EXPECT_EQ(parse_peer("127.0.0.1:0")->port, 0);
  EXPECT_EQ(parse_peer("127.0.0.1:65535")->port, 65535);
}

TEST(ParsePeer, RoundTripsThroughToString) {
  for (const char* text : {"udp:127.0.0.1:5060", "tcp:[2001:db8::1]:5070"}) {
    auto peer = parse_peer(text);
    ASSERT_TRUE(peer) << text;
    EXPECT_EQ(peer->to_string(), text);
  }
  EXPECT_EQ(parse_peer("tcp:[::1]:5070")->host_port(), "[::1]:5070");
}

struct BadPeer {
  const char* text;
  const char* error_part;  // a word the error must contain
};

class ParsePeerRejects : public ::testing::TestWithParam<BadPeer> {};

TEST_P(ParsePeerRejects, WithAnError) {
  std::string error;
  EXPECT_FALSE(parse_peer(GetParam().text, &error)) << GetParam().text;
  EXPECT_NE(error.find(GetParam().error_part), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(
    BadInputs, ParsePeerRejects,
    ::testing::Values(BadPeer{"127.0.0.1", "ADDRESS:PORT"}, BadPeer{"127.0.0.1:", "port"},
                      BadPeer{"127.0.0.1:65536", "port"}, BadPeer{"127.0.0.1:50a0", "port"},
                      BadPeer{"127.0.0.1:-1", "port"}, BadPeer{"[::1:5060", "]"},
                      BadPeer{"[::1]5060", "':PORT'"}, BadPeer{"::1:5060", "brackets"},
                      BadPeer{"pbx.example.com:5060", "not an IP address"},
                      BadPeer{"tls:127.0.0.1:5061", "brackets"}, BadPeer{"", "ADDRESS:PORT"}));

TEST(Peer, SameEndpointIgnoresTheConnection) {
  Peer a = *parse_peer("tcp:127.0.0.1:5070");
  Peer b = a;
  b.connection = 7;
  EXPECT_TRUE(a.same_endpoint(b));
  b.protocol = Protocol::udp;
  EXPECT_FALSE(a.same_endpoint(b));
}

}  // namespace
}  // namespace callplan::sip
