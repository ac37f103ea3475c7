// What a provisioning request may name, and the brand its User-Agent claims.
#include <gtest/gtest.h>

#include "provision/request_path.hpp"

namespace callplan::provision {
namespace {

TEST(RequestedFile, OnePlainNameAtTheRootInLowerCase) {
  EXPECT_EQ(requested_file("/805EC0112233.cfg"), "805ec0112233.cfg");
  EXPECT_EQ(requested_file("/cfg805ec0112233.xml?mac=1"), "cfg805ec0112233.xml");
  EXPECT_EQ(requested_file("/0004f2aabb04-callplan.cfg"), "0004f2aabb04-callplan.cfg");
}

TEST(RequestedFile, RefusesEverythingElse) {
  for (const char* bad : {"", "/", "805ec0112233.cfg", "//805ec0112233.cfg", "/a/b.cfg",
                          "/../secret", "/..", "/.hidden", "/%2e%2e/x", "/a%00.cfg",
                          "/a\\b", "/a b", "/a:b", "/\xc3\xa9.cfg", "*",
                          "http://host/805ec0112233.cfg"}) {
    EXPECT_FALSE(requested_file(bad)) << bad;
  }
  EXPECT_FALSE(requested_file("/" + std::string(65, 'a')));
  EXPECT_TRUE(requested_file("/" + std::string(64, 'a')));
}

TEST(UserAgent, NamesTheBrandCaseInsensitively) {
  EXPECT_TRUE(user_agent_matches("Yealink SIP-T54W 96.86.0.100 80:5e:c0:11:22:33",
                                 Brand::yealink));
  EXPECT_TRUE(user_agent_matches("Mozilla/4.0 (compatible; snomD785-SIP 10.1.73.16)",
                                 Brand::snom));
  EXPECT_TRUE(user_agent_matches("Grandstream Model HW GRP2614 SW 1.0.5.68 DevId c074ad",
                                 Brand::grandstream));
  EXPECT_TRUE(user_agent_matches("FileTransport PolycomVVX-VVX_450-UA/6.4.3.5018",
                                 Brand::polycom));
  EXPECT_TRUE(user_agent_matches("Poly CCX 600 (8.1.3)", Brand::polycom));
  EXPECT_FALSE(user_agent_matches("Yealink SIP-T54W", Brand::snom));
  EXPECT_FALSE(user_agent_matches("curl/7.88.1", Brand::yealink));
  EXPECT_FALSE(user_agent_matches("", Brand::grandstream));
  EXPECT_FALSE(user_agent_matches("Yealink", Brand::other));
}

TEST(AnotherMac, OnlyATwelveDigitRunThatIsNotOwnNorShared) {
  EXPECT_TRUE(names_another_mac("805ec0112234.cfg", "805ec0112233"));
  EXPECT_TRUE(names_another_mac("cfg805ec0112234.xml", "805ec0112233"));
  EXPECT_FALSE(names_another_mac("805ec0112233.cfg", "805ec0112233"));
  EXPECT_FALSE(names_another_mac("000000000000.cfg", "805ec0112233"));
  EXPECT_FALSE(names_another_mac("y000000000044.cfg", "805ec0112233"));
  EXPECT_FALSE(names_another_mac("firmware.rom", "805ec0112233"));
}

}  // namespace
}  // namespace callplan::provision
