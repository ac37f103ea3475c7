// URIs, name-addr and Via values in isolation.
#include <gtest/gtest.h>

#include "sip/name_addr.hpp"
#include "sip/uri.hpp"
#include "sip/via.hpp"

namespace callplan::sip {
namespace {

TEST(SipUri, ParsesAllParts) {
  Uri u;
  ASSERT_EQ(parse_uri("sips:alice:secret@[2001:db8::1]:5071;transport=tcp;lr?Subject=hi&X=1", u),
            UriError::none);
  EXPECT_EQ(u.scheme, Scheme::sips);
  EXPECT_EQ(u.user, "alice");
  EXPECT_EQ(u.password, "secret");
  EXPECT_EQ(u.host, "[2001:db8::1]");
  EXPECT_EQ(u.port, 5071);
  EXPECT_EQ(u.params.value("transport"), "tcp");
  EXPECT_EQ(u.params.value("lr"), "");
  EXPECT_EQ(u.params.value("maddr"), std::nullopt);
  EXPECT_EQ(u.headers, "Subject=hi&X=1");
}

TEST(SipUri, TelAndUnknownSchemesStayOpaque) {
  Uri u;
  ASSERT_EQ(parse_uri("tel:+31-20-1234567;phone-context=example.com", u), UriError::none);
  EXPECT_EQ(u.scheme, Scheme::tel);
  EXPECT_EQ(u.opaque, "+31-20-1234567;phone-context=example.com");
  ASSERT_EQ(parse_uri("urn:service:sos", u), UriError::none);
  EXPECT_EQ(u.scheme, Scheme::other);
  EXPECT_EQ(u.scheme_text, "urn");
}

TEST(SipUri, RefusesBadSyntax) {
  Uri u;
  EXPECT_EQ(parse_uri("sip:", u), UriError::bad_host);
  EXPECT_EQ(parse_uri("sip:a@b:0", u), UriError::bad_port);
  EXPECT_EQ(parse_uri("sip:a@b:65536", u), UriError::bad_port);
  EXPECT_EQ(parse_uri("sip:a@b;", u), UriError::bad_param);
  EXPECT_EQ(parse_uri("sip:a@b?", u), UriError::bad_header);
  EXPECT_EQ(parse_uri("sip:a b@c", u), UriError::bad_user);
  EXPECT_EQ(parse_uri("sip:a@[::1", u), UriError::bad_host);
  EXPECT_EQ(parse_uri("sip:a@1.2.3.256", u), UriError::bad_host);
  EXPECT_EQ(parse_uri("1sip:a@b", u), UriError::bad_scheme);
  EXPECT_EQ(parse_uri("nocolon", u), UriError::bad_scheme);
  EXPECT_EQ(parse_uri("sip:a@b", u, 5), UriError::too_long);
}

TEST(SipHost, Ipv6Validation) {
  EXPECT_TRUE(is_ipv6_address("::"));
  EXPECT_TRUE(is_ipv6_address("::1"));
  EXPECT_TRUE(is_ipv6_address("2001:db8::10:5070"));
  EXPECT_TRUE(is_ipv6_address("1:2:3:4:5:6:7:8"));
  EXPECT_TRUE(is_ipv6_address("::ffff:192.0.2.1"));
  EXPECT_TRUE(is_ipv6_address("2001:db8::192.0.2.1"));
  EXPECT_FALSE(is_ipv6_address("2001:db8:::192.0.2.1"));
  EXPECT_FALSE(is_ipv6_address("1:2:3:4:5:6:7:8:9"));
  EXPECT_FALSE(is_ipv6_address("1::2::3"));
  EXPECT_FALSE(is_ipv6_address("12345::"));
  EXPECT_FALSE(is_ipv6_address(":1"));
  EXPECT_FALSE(is_ipv6_address("1:"));
  EXPECT_TRUE(is_broadcast_or_multicast("255.255.255.255"));
  EXPECT_TRUE(is_broadcast_or_multicast("239.1.2.3"));
  EXPECT_FALSE(is_broadcast_or_multicast("192.0.2.1"));
}

TEST(SipNameAddr, FormsAndErrors) {
  NameAddr na;
  ASSERT_EQ(parse_name_addr("Bob Smith <sip:bob@h>;tag=7", na, {}), NameAddrError::none);
  EXPECT_EQ(na.display_name, "Bob Smith");
  EXPECT_EQ(na.tag(), "7");
  ASSERT_EQ(parse_name_addr("sip:bob@h;tag=7", na, {}), NameAddrError::none);
  EXPECT_FALSE(na.bracketed);
  EXPECT_EQ(na.tag(), "7");
  ASSERT_EQ(parse_name_addr("*", na, {.allow_wildcard = true}), NameAddrError::none);
  EXPECT_TRUE(na.wildcard);
  EXPECT_EQ(parse_name_addr("*", na, {}), NameAddrError::bad_uri);
  EXPECT_EQ(parse_name_addr("<sip:bob@h", na, {}), NameAddrError::missing_raquot);
  EXPECT_EQ(parse_name_addr("\"Bob\" sip:bob@h", na, {}), NameAddrError::missing_laquot);
  EXPECT_EQ(parse_name_addr("<sip:bob@h>;", na, {}), NameAddrError::bad_param);
  EXPECT_EQ(parse_name_addr("<sip:bob@h> junk", na, {}), NameAddrError::bad_param);
  EXPECT_EQ(parse_name_addr("sip:bob@h", na, {.require_brackets = true}),
            NameAddrError::missing_laquot);
  EXPECT_EQ(parse_name_addr("", na, {}), NameAddrError::empty);
}

TEST(SipNameAddr, ContactBindingParameters) {
  NameAddr na;
  ASSERT_EQ(parse_name_addr("<sip:a@h>;expires=3600;q=0.7", na, {}), NameAddrError::none);
  EXPECT_EQ(contact_expires(na), 3600u);
  EXPECT_EQ(contact_q_millis(na), 700);
  ASSERT_EQ(parse_name_addr("<sip:a@h;expires=5>;q=0.125", na, {}), NameAddrError::none);
  EXPECT_EQ(contact_expires(na), std::nullopt);  // a URI parameter is not the binding's
  EXPECT_EQ(contact_q_millis(na), 125);
  ASSERT_EQ(parse_name_addr("<sip:a@h>", na, {}), NameAddrError::none);
  EXPECT_EQ(contact_q_millis(na), 1000);
  ASSERT_EQ(parse_name_addr("<sip:a@h>;q=0", na, {}), NameAddrError::none);
  EXPECT_EQ(contact_q_millis(na), 0);
}

TEST(SipVia, ParsesSentByAndParameters) {
  Via v;
  ASSERT_EQ(parse_via("SIP / 2.0 / TLS h.example.com : 5061 ; branch=z9hG4bKa ; received=192.0.2.1 ; rport=5062", v),
            ViaError::none);
  EXPECT_EQ(v.transport, "TLS");
  EXPECT_EQ(v.host, "h.example.com");
  EXPECT_EQ(v.port, 5061);
  EXPECT_EQ(v.branch, "z9hG4bKa");
  EXPECT_EQ(v.received, "192.0.2.1");
  EXPECT_EQ(v.rport, 5062);
  EXPECT_EQ(parse_via("SIP/2.0 h", v), ViaError::bad_protocol);
  EXPECT_EQ(parse_via("SIP/2.0/UDP", v), ViaError::bad_protocol);
  EXPECT_EQ(parse_via("SIP/2.0/UDP h;received=nothost", v), ViaError::bad_received);
  EXPECT_EQ(parse_via("SIP/2.0/UDP h;rport=x", v), ViaError::bad_rport);
  EXPECT_EQ(parse_via("SIP/2.0/UDP h:99999", v), ViaError::bad_port);
}

}  // namespace
}  // namespace callplan::sip
