// Yealink's key=value files read back with a parser of the format (the phone's view: `key =
// value`, one per line, `#` comments) and compared with the tenant, not with the renderer's
// own inputs. The XML brands are read back by readback_test.py (xml.etree) after xmllint.
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "provision_test_support.hpp"

namespace callplan::provision::testing {
namespace {

// Fails the test on a malformed line or a key set twice in one file.
std::map<std::string, std::string> parse_cfg(const std::string& text) {
  std::map<std::string, std::string> keys;
  std::istringstream in(text);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first) {
      EXPECT_EQ(line, "#!version:1.0.0.1");
    }
    first = false;
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find(" = ");
    EXPECT_NE(eq, std::string::npos) << "not key = value: " << line;
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq);
    EXPECT_EQ(key.find_first_of(" \t"), std::string::npos) << line;
    EXPECT_TRUE(keys.emplace(key, line.substr(eq + 3)).second) << "set twice: " << key;
  }
  EXPECT_TRUE(text.empty() || text.back() == '\n');
  return keys;
}

void expect_account_matches_tenant(const char* tenant_file, const char* id,
                                   const std::string& host, const std::string& port,
                                   const std::string& transport) {
  const Tenant& t = tenant(tenant_file);
  const Device& d = device(t, id);
  const User& u = user_of(t, d);
  const RenderedDevice out = render(t, d, options_for(tenant_file));
  ASSERT_EQ(out.files.size(), 2u);
  EXPECT_EQ(out.files[0].name, "y000000000000.cfg");
  EXPECT_TRUE(out.files[0].shared);
  const auto common = parse_cfg(out.files[0].content);
  const auto own = parse_cfg(out.files[1].content);

  const std::string user = d.sip.username.value.empty()
                               ? t.info.login.value + "-" + d.id.value
                               : d.sip.username.value;
  EXPECT_EQ(own.at("account.1.user_name"), user);
  EXPECT_EQ(own.at("account.1.auth_name"), user);
  EXPECT_EQ(own.at("account.1.password"), d.sip.password.value);
  EXPECT_EQ(own.at("account.1.display_name"), u.first_name + " " + u.last_name);
  EXPECT_EQ(own.at("account.1.label"), u.extension.value);
  EXPECT_EQ(own.at("account.1.sip_server.1.address"), host);
  EXPECT_EQ(own.at("account.1.sip_server.1.port"), port);
  EXPECT_EQ(own.at("account.1.sip_server.1.transport_type"), transport);
  EXPECT_EQ(common.at("local_time.ntp_server1"), options_for(tenant_file).ntp_server);
  EXPECT_EQ(common.at("local_time.summer_time"), "1");
}

TEST(YealinkReadback, AcmeReceptionMatchesTheTenant) {
  expect_account_matches_tenant(kAcme, "reception", "pbx.acme.example", "5060", "0");
  const Tenant& t = tenant(kAcme);
  const auto common =
      parse_cfg(render(t, device(t, "reception"), options_for(kAcme)).files[0].content);
  EXPECT_EQ(common.at("local_time.time_zone"), "+1");  // Europe/Amsterdam
  EXPECT_EQ(common.at("local_time.time_zone_name"), "Netherlands(Amsterdam)");
  EXPECT_EQ(common.at("local_time.start_time"), "3/5/7/2");  // last Sunday of March, 02:00
  EXPECT_EQ(common.at("local_time.end_time"), "10/5/7/3");
  EXPECT_EQ(common.at("lang.gui"), "Dutch");  // country NL
}

TEST(YealinkReadback, SpecialCharactersSurviveUnchanged) {
  expect_account_matches_tenant(kPhones, "zoe-yealink", "[2001:db8::5]", "5080", "1");
  const Tenant& t = tenant(kPhones);
  const auto common =
      parse_cfg(render(t, device(t, "zoe-yealink"), options_for(kPhones)).files[0].content);
  EXPECT_EQ(common.at("local_time.time_zone"), "0");  // Europe/London
  EXPECT_EQ(common.at("local_time.start_time"), "3/5/7/1");
  EXPECT_EQ(common.at("lang.gui"), "English");
}

TEST(YealinkReadback, ALineBreakIsRefusedNotInjected) {
  const Tenant& t = tenant(kPhones);
  try {
    (void)render(t, device(t, "lines-yealink"), options_for(kPhones));
    FAIL() << "a display name with a line break was rendered";
  } catch (const NotProvisionable& e) {
    EXPECT_STREQ(e.what(),
                 "device `lines-yealink`: the value of `account.1.display_name` contains a line "
                 "break, which a key=value file cannot carry");
  }
}

}  // namespace
}  // namespace callplan::provision::testing
