#include "sip/registrar/contact_match.hpp"

#include <gtest/gtest.h>

#include <string>

namespace callplan::sip {
namespace {

bool same(const std::string& a, const std::string& b) {
  Uri ua;
  Uri ub;
  EXPECT_EQ(parse_uri(a, ua), UriError::none) << a;
  EXPECT_EQ(parse_uri(b, ub), UriError::none) << b;
  const bool forward = same_contact_uri(ua, ub);
  EXPECT_EQ(forward, same_contact_uri(ub, ua)) << "not symmetric: " << a << " / " << b;
  return forward;
}

TEST(SipContactMatch, EqualUrisFromRfc3261Section19_1_4) {
  EXPECT_TRUE(same("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
  EXPECT_TRUE(same("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"));
  EXPECT_TRUE(same("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;newparam=5"));
  EXPECT_TRUE(same("sip:alice@192.0.2.4:5070", "sip:alice@192.0.2.4:5070"));
}

TEST(SipContactMatch, UnequalUrisFromRfc3261Section19_1_4) {
  EXPECT_FALSE(same("sip:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"));
  EXPECT_FALSE(same("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
  EXPECT_FALSE(same("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
  EXPECT_FALSE(same("sip:bob@biloxi.com", "sips:bob@biloxi.com"));
  EXPECT_FALSE(same("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"));
}

TEST(SipContactMatch, UserPasswordAndHostMustAgree) {
  EXPECT_FALSE(same("sip:alice@192.0.2.4", "sip:bob@192.0.2.4"));
  EXPECT_FALSE(same("sip:alice@192.0.2.4", "sip:alice@192.0.2.5"));
  EXPECT_FALSE(same("sip:alice@192.0.2.4", "sip:192.0.2.4"));
  EXPECT_FALSE(same("sip:alice:pw@192.0.2.4", "sip:alice@192.0.2.4"));
  EXPECT_FALSE(same("sip:alice@192.0.2.4;maddr=239.255.255.1", "sip:alice@192.0.2.4"));
  EXPECT_TRUE(same("sip:alice@[2001:DB8::1]:5062", "sip:alice@[2001:db8::1]:5062"));
}

}  // namespace
}  // namespace callplan::sip
