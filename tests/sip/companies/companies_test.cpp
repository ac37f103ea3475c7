// The company registry of `callplan serve` (sip/companies/companies.hpp, SPEC 11): two
// companies with the same extensions and their own numbers, conflicts, reloads file by file.
#include "sip/companies/companies.hpp"
#include "sip/message.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

namespace callplan::sip {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A small company: users 001 and 002 (the same extensions in every company), one device
// each, and its own numbers.
std::string company_yaml(const std::string& login, const std::string& country,
                         const std::vector<std::string>& numbers,
                         const std::string& device_username = "") {
  std::string yaml = "version: 1\ntenant: {name: " + login + " BV, login: " + login +
                     ", timezone: Europe/Amsterdam, country: " + country + "}\nnumbers:\n";
  for (const std::string& n : numbers) yaml += "  - {number: \"" + n + "\", plan: main}\n";
  yaml += "users:\n"
          "  - {extension: \"001\", first_name: Anna, last_name: A}\n"
          "  - {extension: \"002\", first_name: Bram, last_name: B}\n"
          "devices:\n"
          "  - {id: desk, user: \"001\", sip: {password: \"pw-" + login + "-desk\"" +
          (device_username.empty() ? "" : ", username: " + device_username) + "}}\n"
          "  - {id: phone, user: \"002\", sip: {password: \"pw-" + login + "-phone\"}}\n"
          "plans:\n"
          "  - id: main\n"
          "    steps:\n"
          "      - ring_group: {strategy: round_robin, members: [\"001\", \"002\"], timeout: 20}\n";
  return yaml;
}

class CompaniesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("callplan-companies-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }

  std::vector<CompanyEvent> load(const std::vector<std::string>& paths) {
    return companies_.load(paths, location_, now_);
  }

  static const CompanyEvent* event_for(const std::vector<CompanyEvent>& events,
                                       const std::string& path) {
    for (const CompanyEvent& e : events)
      if (e.path == path) return &e;
    return nullptr;
  }

  fs::path dir_;
  Location location_;
  Location::TimePoint now_ = Location::TimePoint{} + 1000s;
  Companies companies_{"", std::string(32, 'k')};
};

TEST_F(CompaniesTest, TrunkCallsFindTheCompanyByTheNumberDialled) {
  std::string alpha = write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}));
  std::string beta = write("beta.yaml", company_yaml("beta", "BE", {"+3222222222"}));
  std::vector<CompanyEvent> events = load({alpha, beta});
  ASSERT_EQ(companies_.size(), 2u);
  EXPECT_EQ(event_for(events, alpha)->kind, CompanyEvent::Kind::served);
  EXPECT_EQ(event_for(events, beta)->kind, CompanyEvent::Kind::served);

  ASSERT_NE(companies_.by_number("+31881234567"), nullptr);
  EXPECT_EQ(companies_.by_number("+31881234567")->login(), "alpha");
  EXPECT_EQ(companies_.by_number("+3222222222")->login(), "beta");
  // National forms, each in its own company's country only.
  EXPECT_EQ(companies_.by_number("0881234567")->login(), "alpha");
  EXPECT_EQ(companies_.by_number("022222222")->login(), "beta");
  EXPECT_EQ(companies_.by_number("+31881234568"), nullptr);
  EXPECT_EQ(companies_.by_number("001"), nullptr);  // an extension is nobody's number
}

TEST_F(CompaniesTest, DevicesBelongToTheirCompanyAndAuthenticateInItsRealmOnly) {
  std::string alpha = write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}));
  std::string beta = write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}));
  load({alpha, beta});
  ASSERT_NE(companies_.by_username("alpha-desk"), nullptr);
  EXPECT_EQ(companies_.by_username("alpha-desk")->login(), "alpha");
  EXPECT_EQ(companies_.by_username("beta-desk")->login(), "beta");
  EXPECT_EQ(companies_.by_username("gamma-desk"), nullptr);

  Companies::Realm a = companies_.realm_of("alpha-desk");
  EXPECT_EQ(a.auth.realm(), "alpha");
  EXPECT_NE(a.credentials.find("alpha-desk"), nullptr);
  EXPECT_EQ(a.credentials.find("beta-desk"), nullptr);  // B's phone is unknown in A's realm
  Companies::Realm b = companies_.realm_of("beta-desk");
  EXPECT_EQ(b.auth.realm(), "beta");
  EXPECT_EQ(b.credentials.find("alpha-desk"), nullptr);
  EXPECT_NE(companies_.secret("beta-phone"), nullptr);

  // The same extension is a different device in each company.
  const Directory& da = *companies_.by_username("alpha-desk")->directory;
  const Directory& db = *companies_.by_username("beta-desk")->directory;
  EXPECT_NE(da.device_of("alpha-desk"), std::nullopt);
  EXPECT_EQ(da.device_of("beta-desk"), std::nullopt);
  EXPECT_EQ(db.device_of("alpha-desk"), std::nullopt);
}

TEST_F(CompaniesTest, AnUnknownUsernameGetsAServedRealmAlwaysTheSameAndNoCredentials) {
  std::string alpha = write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}));
  std::string beta = write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}));
  load({alpha, beta});
  std::set<std::string> realms;
  for (int i = 0; i < 64; ++i) {
    std::string name = "probe-" + std::to_string(i);
    Companies::Realm r = companies_.realm_of(name);
    EXPECT_EQ(r.auth.realm(), companies_.realm_of(name).auth.realm()) << name;
    EXPECT_EQ(r.credentials.find(name), nullptr);
    realms.insert(r.auth.realm());
  }
  // Unknown names are spread over the companies' realms, so a realm tells a prober nothing.
  EXPECT_EQ(realms, (std::set<std::string>{"alpha", "beta"}));
}

TEST_F(CompaniesTest, OneRealmForAllWhenTheServerNamesOne) {
  Companies shared{"pbx.example", std::string(32, 'k')};
  std::string alpha = write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}));
  std::string beta = write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}));
  shared.load({alpha, beta}, location_, now_);
  EXPECT_EQ(shared.realm_of("alpha-desk").auth.realm(), "pbx.example");
  EXPECT_EQ(shared.realm_of("beta-desk").auth.realm(), "pbx.example");
  EXPECT_EQ(shared.realm_of("beta-desk").credentials.find("alpha-desk"), nullptr);
}

TEST_F(CompaniesTest, AConflictingFileIsRefusedNamingBothPlacesAndTheOthersServe) {
  std::string alpha = write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}));
  std::string beta = write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}));
  std::string gamma = write("gamma.yaml", company_yaml("gamma", "NL", {"0881234567"}));
  std::vector<CompanyEvent> events = load({alpha, beta, gamma});
  ASSERT_EQ(companies_.size(), 2u);
  const CompanyEvent* refused = event_for(events, gamma);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->kind, CompanyEvent::Kind::refused);
  EXPECT_FALSE(refused->kept);
  EXPECT_NE(refused->diagnostics.find(gamma + ":4:14: error: number `0881234567` already "
                                      "belongs to company `alpha`"),
            std::string::npos)
      << refused->diagnostics;
  EXPECT_NE(refused->diagnostics.find(alpha + ":4:14: note: company `alpha` has it here"),
            std::string::npos)
      << refused->diagnostics;
  EXPECT_NE(refused->diagnostics.find("[CP600]"), std::string::npos);
  EXPECT_EQ(companies_.by_number("+31881234567")->login(), "alpha");
  EXPECT_EQ(companies_.by_username("gamma-desk"), nullptr);
}

TEST_F(CompaniesTest, ASipUsernameOfAnotherCompanyIsAConflictToo) {
  std::string alpha = write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}));
  std::string beta =
      write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}, "alpha-phone"));
  std::vector<CompanyEvent> events = load({alpha, beta});
  EXPECT_EQ(event_for(events, beta)->kind, CompanyEvent::Kind::refused);
  EXPECT_NE(event_for(events, beta)->diagnostics.find("[CP601]"), std::string::npos);
  EXPECT_EQ(companies_.by_username("alpha-phone")->login(), "alpha");
}

TEST_F(CompaniesTest, AReloadedBrokenFileKeepsItsOldVersionAndTheOthersReload) {
  std::string alpha = write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}));
  std::string beta = write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}));
  load({alpha, beta});
  std::shared_ptr<Directory> old_beta = companies_.by_username("beta-desk")->directory;
  RoutingState* beta_routing = companies_.by_username("beta-desk")->routing.get();
  beta_routing->set_round_robin("main/0", "001");

  write("beta.yaml", "version: 1\ntenant: {name: Beta, login: beta\n");  // broken YAML
  write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567", "+31881234599"}));
  std::vector<CompanyEvent> events = load({alpha, beta});
  EXPECT_EQ(event_for(events, alpha)->kind, CompanyEvent::Kind::reloaded);
  const CompanyEvent* refused = event_for(events, beta);
  ASSERT_EQ(refused->kind, CompanyEvent::Kind::refused);
  EXPECT_TRUE(refused->kept);
  EXPECT_EQ(refused->company, "beta");
  EXPECT_NE(refused->diagnostics.find("[CP100]"), std::string::npos) << refused->diagnostics;
  ASSERT_EQ(companies_.size(), 2u);
  EXPECT_EQ(companies_.by_username("beta-desk")->directory, old_beta);  // still served
  EXPECT_EQ(companies_.by_number("+31887654321")->login(), "beta");
  EXPECT_EQ(companies_.by_number("+31881234599")->login(), "alpha");  // the new version

  // Fixed: the new version is taken, and the company's round robin goes on where it was.
  write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}));
  events = load({alpha, beta});
  EXPECT_EQ(event_for(events, beta)->kind, CompanyEvent::Kind::reloaded);
  EXPECT_NE(companies_.by_username("beta-desk")->directory, old_beta);
  EXPECT_EQ(companies_.by_username("beta-desk")->routing.get(), beta_routing);
  EXPECT_EQ(beta_routing->round_robin("main/0"), std::optional<std::string_view>("001"));
}

TEST_F(CompaniesTest, AnEditNeverTakesANumberAnotherCompanyServes) {
  std::string alpha = write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}));
  std::string beta = write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}));
  load({alpha, beta});
  // The earlier file now claims the later one's number: the earlier file's edit is refused.
  write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567", "+31887654321"}));
  std::vector<CompanyEvent> events = load({alpha, beta});
  EXPECT_EQ(event_for(events, alpha)->kind, CompanyEvent::Kind::refused);
  EXPECT_TRUE(event_for(events, alpha)->kept);
  EXPECT_EQ(event_for(events, beta)->kind, CompanyEvent::Kind::reloaded);
  EXPECT_EQ(companies_.by_number("+31887654321")->login(), "beta");
}

TEST_F(CompaniesTest, ANumberMovesBetweenCompaniesInOneReload) {
  std::string alpha = write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}));
  std::string beta =
      write("beta.yaml", company_yaml("beta", "NL", {"+31887654321", "+31880000000"}));
  load({alpha, beta});
  // Beta gives +31880000000 up and alpha (the earlier file) takes it, in the same reload.
  write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567", "+31880000000"}));
  write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}));
  std::vector<CompanyEvent> events = load({alpha, beta});
  EXPECT_EQ(event_for(events, alpha)->kind, CompanyEvent::Kind::reloaded);
  EXPECT_EQ(event_for(events, beta)->kind, CompanyEvent::Kind::reloaded);
  EXPECT_EQ(companies_.by_number("+31880000000")->login(), "alpha");
}

TEST_F(CompaniesTest, AFileNoLongerListedIsNoLongerServed) {
  std::string alpha = write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}));
  std::string beta = write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}));
  load({alpha, beta});
  std::vector<CompanyEvent> events = load({alpha});
  ASSERT_NE(event_for(events, beta), nullptr);
  EXPECT_EQ(event_for(events, beta)->kind, CompanyEvent::Kind::removed);
  EXPECT_EQ(companies_.size(), 1u);
  EXPECT_EQ(companies_.by_number("+31887654321"), nullptr);
  EXPECT_EQ(companies_.by_username("beta-desk"), nullptr);
}

// A call holds its company's plan and round robin (Proxy::Call::directory, ::routing): when the
// company goes while the call rings, what the call holds must outlive the company.
TEST_F(CompaniesTest, ARemovedCompanyLeavesItsCallsTheirPlanAndRoundRobin) {
  std::string alpha = write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}));
  std::string beta = write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}));
  load({alpha, beta});
  std::shared_ptr<Directory> directory = companies_.by_username("beta-desk")->directory;
  std::shared_ptr<RoutingState> routing = companies_.by_username("beta-desk")->routing;
  routing->set_round_robin("main/0", "001");
  std::weak_ptr<RoutingState> watched = routing;

  load({alpha});
  ASSERT_EQ(companies_.by_username("beta-desk"), nullptr);
  EXPECT_EQ(routing.use_count(), 1);  // the call's share is the only one left
  EXPECT_EQ(directory->company(), "beta");
  routing->set_round_robin("main/0", "002");  // the call routes on
  EXPECT_EQ(routing->round_robin("main/0"), std::optional<std::string_view>("002"));
  routing.reset();  // the call ends
  EXPECT_TRUE(watched.expired());
}

TEST_F(CompaniesTest, AUsernameThatChangesCompanyLosesItsBindings) {
  std::string alpha = write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}, "desk-1"));
  std::string beta = write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}));
  load({alpha, beta});
  Binding binding;
  binding.contact = "sip:desk-1@127.0.0.1:5070";
  binding.expires = now_ + 300s;
  location_.bindings_of("desk-1").push_back(binding);
  binding.contact = "sip:beta-phone@127.0.0.1:5072";
  location_.bindings_of("beta-phone").push_back(binding);

  // Alpha lets desk-1 go and beta takes the name in the same reload: alpha's phone, still
  // registered as desk-1, must not ring for beta's user.
  write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}));
  write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}, "desk-1"));
  load({alpha, beta});
  ASSERT_EQ(companies_.by_username("desk-1")->login(), "beta");
  EXPECT_FALSE(location_.registered("desk-1", now_));
  EXPECT_TRUE(location_.registered("beta-phone", now_));  // still beta's

  // A company that goes takes its phones' bindings with it.
  load({alpha});
  EXPECT_FALSE(location_.registered("beta-phone", now_));
}

TEST_F(CompaniesTest, PresenceChangesOnlyInTheDevicesOwnCompany) {
  std::string alpha = write("alpha.yaml", company_yaml("alpha", "NL", {"+31881234567"}));
  std::string beta = write("beta.yaml", company_yaml("beta", "NL", {"+31887654321"}));
  load({alpha, beta});
  Binding binding;
  binding.contact = "sip:alpha-desk@127.0.0.1:5070";
  binding.expires = now_ + 300s;
  location_.bindings_of("alpha-desk").push_back(binding);
  companies_.refresh_presence("alpha-desk", location_, now_);

  const Directory& a = *companies_.by_username("alpha-desk")->directory;
  const Directory& b = *companies_.by_username("beta-desk")->directory;
  UserIndex anna_a = *a.engine()->find_user("001");
  UserIndex anna_b = *b.engine()->find_user("001");
  EXPECT_EQ(a.presence()[anna_a], Presence::available);
  EXPECT_EQ(b.presence()[anna_b], Presence::offline);  // same extension, other company
}

TEST(CredentialsUsername, IsTheDigestUsernameWhateverTheFromSays) {
  // A phone's From may be its extension (a transferred call from a phone the server showed as
  // "102", a desk phone whose user ID is its extension): the company is found by the
  // username of its credentials, a parameter among several in one header value.
  const std::string text =
      "INVITE sip:103@127.0.0.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKx1\r\n"
      "From: <sip:102@127.0.0.1>;tag=a\r\nTo: <sip:103@127.0.0.1>\r\n"
      "Call-ID: c1\r\nCSeq: 2 INVITE\r\nMax-Forwards: 70\r\n"
      "Proxy-Authorization: Digest username=\"e2e-bob-desk\", realm=\"e2e\", "
      "nonce=\"abc\", uri=\"sip:103@127.0.0.1:5060\", "
      "response=\"00112233445566778899aabbccddeeff\", cnonce=\"x\", qop=auth, nc=00000001\r\n"
      "Content-Length: 0\r\n\r\n";
  Message m;
  ASSERT_TRUE(parse_message(text, m).ok());
  EXPECT_EQ(credentials_username(m, HeaderId::proxy_authorization), "e2e-bob-desk");
  EXPECT_EQ(credentials_username(m, HeaderId::authorization), "");
}

}  // namespace
}  // namespace callplan::sip
