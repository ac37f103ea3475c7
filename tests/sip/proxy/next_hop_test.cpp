// Where the proxy sends things: URIs and Vias become Peers; names are never resolved.
#include "sip/proxy/next_hop.hpp"

#include <gtest/gtest.h>

namespace callplan::sip {
namespace {

std::optional<Peer> uri_peer(std::string_view text) {
  Uri uri;
  if (parse_uri(text, uri) != UriError::none) return std::nullopt;
  return peer_of_uri(uri);
}

std::optional<Peer> via_peer(std::string_view text) {
  Via via;
  if (parse_via(text, via) != ViaError::none) return std::nullopt;
  return peer_of_via(via);
}

std::optional<Peer> via_sent_by(std::string_view text) {
  Via via;
  if (parse_via(text, via) != ViaError::none) return std::nullopt;
  return sent_by_of_via(via);
}

TEST(NextHop, UriGivesAddressPortAndTransport) {
  EXPECT_EQ(uri_peer("sip:101@127.0.0.1:5070")->to_string(), "udp:127.0.0.1:5070");
  EXPECT_EQ(uri_peer("sip:127.0.0.1")->to_string(), "udp:127.0.0.1:5060");
  EXPECT_EQ(uri_peer("sip:a@[::1]:5062;transport=TCP")->to_string(), "tcp:[::1]:5062");
}

TEST(NextHop, NamesTelAndOtherSchemesHaveNoPeer) {
  EXPECT_FALSE(uri_peer("sip:alice@pbx.example.com"));
  EXPECT_FALSE(uri_peer("tel:+31881234567"));
  EXPECT_FALSE(uri_peer("mailto:a@example.com"));
}

TEST(NextHop, ViaUsesReceivedAndRportBeforeSentBy) {
  EXPECT_EQ(via_peer("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKa")->to_string(),
            "udp:10.0.0.1:5070");
  EXPECT_EQ(via_peer("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKa;received=127.0.0.5;rport=40000")
                ->to_string(),
            "udp:127.0.0.5:40000");
  EXPECT_EQ(via_peer("SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKa")->to_string(), "tcp:127.0.0.1:5060");
  EXPECT_FALSE(via_peer("SIP/2.0/UDP phone.example.com;branch=z9hG4bKa"));
}

TEST(NextHop, SentByIgnoresReceivedAndRport) {
  // The loop check asks who sent the request, not where its response goes.
  EXPECT_EQ(via_sent_by("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKa;received=127.0.0.5;rport=4")
                ->host_port(),
            "10.0.0.1:5070");
  EXPECT_EQ(via_sent_by("SIP/2.0/TCP [::1];branch=z9hG4bKa")->host_port(), "[::1]:5060");
  EXPECT_FALSE(via_sent_by("SIP/2.0/UDP pbx.example.com:5060;branch=z9hG4bKa"));
}

}  // namespace
}  // namespace callplan::sip
