// parse_listen_url: the --provision / --panel URL of `callplan serve`.
#include <gtest/gtest.h>

#include "http/server.hpp"

namespace callplan::http {
namespace {

TEST(ListenUrl, HttpAndHttpsWithIpv4AndIpv6) {
  bool tls = true;
  std::string error;
  auto o = parse_listen_url("http://192.0.2.10:8080", tls, error);
  ASSERT_TRUE(o) << error;
  EXPECT_FALSE(tls);
  EXPECT_EQ(o->address, "192.0.2.10");
  EXPECT_EQ(o->port, 8080);

  o = parse_listen_url("https://[::1]:8443/", tls, error);
  ASSERT_TRUE(o) << error;
  EXPECT_TRUE(tls);
  EXPECT_EQ(o->address, "::1");
  EXPECT_EQ(o->port, 8443);
}

TEST(ListenUrl, RefusesWhatIsNotAListenAddress) {
  bool tls = false;
  for (const char* bad : {"192.0.2.10:80", "ftp://1.2.3.4:21", "http://1.2.3.4", "http://::1:80",
                          "http://[::1]80", "http://phones.example:80", "http://1.2.3.4:80/p",
                          "http://1.2.3.4:99999", "http://1.2.3.4:x", "http://[::1:80"}) {
    std::string error;
    EXPECT_FALSE(parse_listen_url(bad, tls, error)) << bad;
    EXPECT_NE(error.find(bad), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace callplan::http
