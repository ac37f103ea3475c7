// Serve's own requests inside a dialog it takes over, and the Refer-To / Replaces of a transfer
// (src/sip/b2bua/dialog_request.hpp): what goes on the wire is parsed back and checked.
#include "sip/b2bua/dialog_request.hpp"

#include <gtest/gtest.h>

#include "sip/message.hpp"

namespace callplan::sip {
namespace {

Peer udp(const char* address, std::uint16_t port) {
  Peer p;
  p.address = asio::ip::make_address(address);
  p.port = port;
  return p;
}

DialogPath carrier_path() {
  return DialogPath{.call_id = "a84b4c76e66710@pc33",
                    .from = "<sip:+31850000001@192.0.2.1>;tag=phone1",
                    .to = "<sip:+31201234567@198.51.100.7>;tag=carrier9",
                    .target = "sip:+31201234567@198.51.100.7:5080",
                    .routes = {"<sip:edge1.carrier.example;lr>", "<sip:edge2.carrier.example;lr>"},
                    .peer = udp("198.51.100.7", 5080),
                    .contact = "<sip:cp1.abc@192.0.2.1>",
                    .cseq = 4};
}

TEST(DialogRequest, ReInviteCarriesTheDialogTheRouteSetOurContactAndTheOffer) {
  DialogPath path = carrier_path();
  HeaderLine allow{"Allow", "INVITE, ACK, BYE"};
  std::string bytes = dialog_request(path, "INVITE", 5, "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx",
                                     std::span(&allow, 1), "v=0\r\n", "application/sdp");
  Message m;
  ASSERT_TRUE(parse_message(bytes, m).ok()) << bytes;
  EXPECT_EQ(m.request_uri_text, "sip:+31201234567@198.51.100.7:5080");
  EXPECT_EQ(m.call_id, "a84b4c76e66710@pc33");
  EXPECT_EQ(m.from.tag(), "phone1");
  EXPECT_EQ(m.to.tag(), "carrier9");
  EXPECT_EQ(m.cseq.number, 5u);
  EXPECT_EQ(m.cseq.method, Method::invite);
  std::vector<std::string_view> routes;
  m.for_each_value(HeaderId::route, [&](std::string_view v) {
    routes.push_back(v);
    return true;
  });
  EXPECT_EQ(routes, (std::vector<std::string_view>{"<sip:edge1.carrier.example;lr>",
                                                   "<sip:edge2.carrier.example;lr>"}));
  ASSERT_NE(m.find(HeaderId::contact), nullptr);
  EXPECT_EQ(m.find(HeaderId::contact)->value, "<sip:cp1.abc@192.0.2.1>");
  EXPECT_EQ(m.find("Allow")->value, "INVITE, ACK, BYE");
  EXPECT_EQ(m.body, "v=0\r\n");
}

TEST(DialogRequest, AckAndByeCarryNoContact) {
  DialogPath path = carrier_path();
  for (const char* method : {"ACK", "BYE", "NOTIFY"}) {
    std::string bytes = dialog_request(path, method, 7, "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKy");
    Message m;
    ASSERT_TRUE(parse_message(bytes, m).ok()) << bytes;
    EXPECT_EQ(m.find(HeaderId::contact), nullptr) << method;
    EXPECT_EQ(m.cseq.number, 7u) << method;
    EXPECT_EQ(m.cseq.method_text, method);
  }
}

TEST(DialogRequest, ADialogWrittenAsTheInviteAUasKeepsOfIt) {
  std::vector<std::string> routes{"<sip:edge1.carrier.example;lr>", "<sip:edge2.carrier.example;lr>"};
  Peer carrier = udp("198.51.100.7", 5080);
  std::string bytes = dialog_as_invite({.call_id = "c1@x",
                                        .remote = "\"Caller\" <sip:+31201234567@198.51.100.7>;tag=carrier9",
                                        .local = "<sip:+31850000001@192.0.2.1>",
                                        .remote_target = "sip:+31201234567@198.51.100.7:5080",
                                        .routes = routes,
                                        .cseq = 3,
                                        .remote_peer = &carrier});
  Message m;
  ASSERT_TRUE(parse_message(bytes, m).ok()) << bytes;
  EXPECT_EQ(m.method, Method::invite);
  EXPECT_EQ(m.from.tag(), "carrier9");
  EXPECT_EQ(m.from.display_name, "Caller");
  EXPECT_TRUE(m.to.tag().empty());  // ours is added by whoever answers as it
  EXPECT_EQ(m.cseq.number, 3u);
  EXPECT_EQ(m.find(HeaderId::contact)->value, "<sip:+31201234567@198.51.100.7:5080>");
  std::vector<std::string_view> rr;
  m.for_each_value(HeaderId::record_route, [&](std::string_view v) {
    rr.push_back(v);
    return true;
  });
  EXPECT_EQ(rr, (std::vector<std::string_view>{routes[0], routes[1]}));  // UAS order: as written
  EXPECT_NE(m.raw.find("SIP/2.0/UDP 198.51.100.7:5080"), std::string_view::npos);
}

TEST(ReferTo, ABlindTransferNamesAUser) {
  auto target = parse_refer_to("<sip:102@192.0.2.1:5060;transport=udp>");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->user, "102");
  EXPECT_EQ(target->uri, "sip:102@192.0.2.1:5060;transport=udp");
  EXPECT_FALSE(target->replaces);
  EXPECT_EQ(parse_refer_to("sip:%2B31612345678@192.0.2.1")->user, "+31612345678");
}

TEST(ReferTo, AnAttendedTransferCarriesAnEscapedReplaces) {
  // As linphone writes it: the call to replace, as the target knows it.
  auto target = parse_refer_to(
      "<sip:102@192.0.2.1:5060?Replaces=x7Y2%40192.0.2.20%3Bto-tag%3Dkk1%3Bfrom-tag%3Dtt2>");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->uri, "sip:102@192.0.2.1:5060");
  ASSERT_TRUE(target->replaces);
  EXPECT_EQ(target->replaces->call_id, "x7Y2@192.0.2.20");
  EXPECT_EQ(target->replaces->to_tag, "kk1");
  EXPECT_EQ(target->replaces->from_tag, "tt2");
  EXPECT_FALSE(target->replaces->early_only);
  // Another header before it, the name in another case, no user part.
  auto other = parse_refer_to("<sip:192.0.2.30:5062?Subject=x&replaces=abc%3Bfrom-tag%3D1%3Bto-tag%3D2>");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->user, "");
  ASSERT_TRUE(other->replaces);
  EXPECT_EQ(other->replaces->to_tag, "2");
  EXPECT_EQ(other->replaces->from_tag, "1");
}

TEST(ReferTo, WhatIsNotATransferTargetIsRefused) {
  EXPECT_FALSE(parse_refer_to("not a uri"));
  EXPECT_FALSE(parse_refer_to("<tel:+31612345678>"));
  // A Replaces without both tags names no dialog (RFC 3891 6.1).
  EXPECT_FALSE(parse_refer_to("<sip:102@192.0.2.1?Replaces=abc%3Bto-tag%3D2>"));
  EXPECT_FALSE(parse_refer_to("<sip:102@192.0.2.1?Replaces=%3Bto-tag%3D2%3Bfrom-tag%3D1>"));
}

TEST(Replaces, ParsesAndWritesBack) {
  auto id = parse_replaces("98732@sip.example.com ; from-tag=r33th4x0r ; to-tag=ff87ff;early-only");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->call_id, "98732@sip.example.com");
  EXPECT_EQ(id->from_tag, "r33th4x0r");
  EXPECT_EQ(id->to_tag, "ff87ff");
  EXPECT_TRUE(id->early_only);
  EXPECT_EQ(replaces_value(*id), "98732@sip.example.com;to-tag=ff87ff;from-tag=r33th4x0r;early-only");
  EXPECT_EQ(parse_replaces(replaces_value(*id))->to_tag, "ff87ff");
}

TEST(Identity, TheTagGoesTheDisplayNameStays) {
  EXPECT_EQ(identity_of("\"Reception\" <sip:101@192.0.2.1>;tag=abc;x=y"), "\"Reception\" <sip:101@192.0.2.1>");
  EXPECT_EQ(identity_of("<sip:101@192.0.2.1>;tag=abc"), "<sip:101@192.0.2.1>");
  EXPECT_EQ(tag_of("<sip:101@192.0.2.1>;tag=abc"), "abc");
  EXPECT_EQ(tag_of("<sip:101@192.0.2.1>"), "");
}

}  // namespace
}  // namespace callplan::sip
