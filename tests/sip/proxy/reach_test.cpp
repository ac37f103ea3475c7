// Where a phone is reached: its Contact, or the flow its packets came on (reach.hpp).
#include "sip/proxy/reach.hpp"

#include <gtest/gtest.h>

namespace callplan::sip {
namespace {

Peer peer(std::string_view text) { return *parse_peer(text); }

bool is_private(std::string_view text) {
  return is_private_address(asio::ip::make_address(std::string(text)));
}

TEST(Reach, PrivateSharedLinkLocalAndLoopbackRanges) {
  for (const char* address : {"10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.20",
                              "100.64.0.1", "100.127.255.254", "169.254.1.1", "127.0.0.1",
                              "fd00::1", "fe80::1", "::1", "::ffff:192.168.0.1"})
    EXPECT_TRUE(is_private(address)) << address;
  for (const char* address : {"172.32.0.1", "172.15.255.255", "100.128.0.1", "192.169.0.1",
                              "203.0.113.7", "2001:db8::1", "::ffff:203.0.113.7"})
    EXPECT_FALSE(is_private(address)) << address;
}

TEST(Reach, UdpPhoneWithItsOwnAddressIsReachedAtItsContact) {
  // A phone on the LAN (or on loopback in the tests) listens where its Contact says, even
  // when it sends from another port.
  EXPECT_EQ(reach("sip:201@127.0.0.1:5062", peer("udp:127.0.0.1:40000")).to_string(),
            "udp:127.0.0.1:5062");
  EXPECT_EQ(reach("sip:201@192.168.1.20:5062", peer("udp:192.168.1.20:5062")).to_string(),
            "udp:192.168.1.20:5062");
}

TEST(Reach, UdpPhoneBehindNatIsReachedWhereItsPacketsCameFrom) {
  const Peer nat = peer("udp:203.0.113.7:41234");
  EXPECT_EQ(reach("sip:201@192.168.1.20:5060", nat).to_string(), "udp:203.0.113.7:41234");
  EXPECT_TRUE(contact_needs_flow("sip:201@192.168.1.20:5060", nat));
  // A carrier-grade NAT address or a link-local one is no better.
  EXPECT_EQ(reach("sip:201@100.64.3.4", nat).to_string(), "udp:203.0.113.7:41234");
  // A name (never resolved) or a Contact that does not parse: the flow too.
  EXPECT_EQ(reach("sip:201@phone.example.com", nat).to_string(), "udp:203.0.113.7:41234");
  EXPECT_EQ(reach("not a uri", nat).to_string(), "udp:203.0.113.7:41234");
}

TEST(Reach, PublicContactElsewhereIsTakenAtItsWord) {
  EXPECT_EQ(reach("sip:201@198.51.100.9:5070", peer("udp:203.0.113.7:41234")).to_string(),
            "udp:198.51.100.9:5070");
  EXPECT_FALSE(contact_needs_flow("sip:201@198.51.100.9:5070", peer("udp:203.0.113.7:41234")));
}

TEST(Reach, TcpAlwaysUsesTheConnection) {
  Peer tcp = peer("tcp:203.0.113.7:41234");
  tcp.connection = 42;
  const Peer to = reach("sip:201@198.51.100.9:5070;transport=tcp", tcp);
  EXPECT_EQ(to.connection, 42u);
  EXPECT_EQ(to.to_string(), "tcp:203.0.113.7:41234");
  // A UDP registration whose Contact asks for TCP: we have no connection to it; the flow.
  EXPECT_EQ(reach("sip:201@198.51.100.9;transport=tcp", peer("udp:203.0.113.7:41234")).to_string(),
            "udp:203.0.113.7:41234");
}

}  // namespace
}  // namespace callplan::sip
