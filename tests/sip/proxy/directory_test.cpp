// Presence as the server derives it (SPEC 3.3): available when a linked device is registered,
// offline when none is (a user without devices is a checker error, CP215); kept current from
// the location service.
#include "sip/proxy/directory.hpp"

#include <gtest/gtest.h>

#include "callplan/check.hpp"
#include "callplan/load.hpp"

namespace callplan::sip {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kTenant = R"(version: 1
tenant: {name: Test, login: t, timezone: Europe/Amsterdam}
numbers:
  - {number: "+31850000001", plan: main}
users:
  - {extension: "101", first_name: A, last_name: A}
  - {extension: "102", first_name: B, last_name: B}
devices:
  - {id: a-desk, user: "101", sip: {password: pa}}
  - {id: a-soft, user: "101", sip: {username: alice-soft, password: pb}}
  - {id: b-desk, user: "102", sip: {password: pc}}
plans:
  - id: main
    steps:
      - ring_group: {strategy: ring_all, members: ["101", "102"], timeout: 10}
)";

struct DirectoryTest : ::testing::Test {
  DirectoryTest() {
    LoadResult loaded = load_string(kTenant, "directory_test.yaml");
    Issues issues = check(loaded.tenant);
    EXPECT_FALSE(has_errors(issues)) << (issues.empty() ? "" : to_string(issues.front()));
    directory = std::make_unique<Directory>(loaded.tenant, Engine::compile(loaded.tenant, issues));
  }
  void bind(const std::string& username, Location::TimePoint expires) {
    bool was = location.registered(username, now);
    Binding binding;
    binding.contact = "sip:" + username + "@127.0.0.1:5070";
    binding.expires = expires;
    location.bindings_of(username).push_back(binding);
    location.notify(username, was, now);
  }
  Location::TimePoint now{std::chrono::hours(1)};
  Location location;
  std::unique_ptr<Directory> directory;
};

TEST_F(DirectoryTest, UsernamesDefaultToLoginDashDeviceId) {
  const Engine& engine = *directory->engine();
  EXPECT_EQ(directory->username(*engine.find_device("a-desk")), "t-a-desk");
  EXPECT_EQ(directory->username(*engine.find_device("a-soft")), "alice-soft");
  EXPECT_EQ(directory->device_of("t-b-desk"), engine.find_device("b-desk"));
  EXPECT_FALSE(directory->device_of("t-nobody"));
  EXPECT_EQ(directory->realm(), "t");
}

TEST_F(DirectoryTest, PresenceFollowsRegistrations) {
  directory->refresh_presence(location, now);
  auto presence = directory->presence();
  ASSERT_EQ(presence.size(), 2u);
  EXPECT_EQ(presence[0], Presence::offline);
  EXPECT_EQ(presence[1], Presence::offline);

  bind("alice-soft", now + 60s);  // either of Alice's devices makes her available
  directory->refresh_presence("alice-soft", location, now);
  EXPECT_EQ(directory->presence()[0], Presence::available);
  EXPECT_EQ(directory->presence()[1], Presence::offline);

  now += 61s;  // the binding lapsed
  directory->refresh_presence(location, now);
  EXPECT_EQ(directory->presence()[0], Presence::offline);
}

}  // namespace
}  // namespace callplan::sip
