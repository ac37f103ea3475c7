// Engine::compile: refuses tenants with errors, and answers the lookups hosts need.
#include <string>

#include <gtest/gtest.h>

#include "callplan/engine.hpp"
#include "simulate/fixture.hpp"

namespace callplan::testing {
namespace {

TEST(Engine, RefusesATenantWithErrorsAndCarriesTheIssues) {
  LoadResult r = load_string(R"(
version: 1
tenant: {name: T, login: t, timezone: Europe/Amsterdam}
numbers:
  - {number: "+31881234567", plan: nowhere}
users:
  - {extension: "001", first_name: A, last_name: B, email: a@b.example}
devices:
  - {id: d1, name: D, user: "001"}
plans: []
)",
                             "bad.yaml");
  try {
    Engine::compile(r.tenant);
    FAIL() << "compiled a tenant whose number follows a plan that does not exist";
  } catch (const Error& e) {
    ASSERT_FALSE(e.issues().empty());
    bool unknown_plan = false;
    for (const Issue& i : e.issues()) {
      EXPECT_EQ(i.severity, Severity::error);
      unknown_plan = unknown_plan || i.code == "CP211";
    }
    EXPECT_TRUE(unknown_plan);
  }
}

TEST(Engine, LooksUpUsersDevicesAndNumbersInAnyForm) {
  auto e = acme();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->tenant_name(), "Acme BV");
  EXPECT_EQ(e->timezone(), "Europe/Amsterdam");
  ASSERT_TRUE(e->find_user("003"));
  EXPECT_EQ(e->extension(*e->find_user("003")), "003");
  EXPECT_FALSE(e->find_user("999"));
  auto d = e->find_device("bob-desk");
  ASSERT_TRUE(d);
  EXPECT_EQ(e->extension(e->device_user(*d)), "002");
  EXPECT_EQ(e->find_device_by_sip_username("acme-bob-desk"), d);
  EXPECT_EQ(e->find_number("0881234567"), "+31881234567");
  EXPECT_EQ(e->find_number("+31881234567"), "+31881234567");
  EXPECT_FALSE(e->find_number("+31881230000"));
  EXPECT_EQ(e->normalise_number("0612345678"), "+31612345678");
  EXPECT_TRUE(e->has_voicemail(*e->find_user("001")));
  EXPECT_FALSE(e->has_voicemail(*e->find_user("002")));
}

// An index the engine does not have is the host's mistake: callplan::Error, as the header
// says, not std::out_of_range from a container inside.
TEST(Engine, AccessorsRefuseIndexesOutOfRangeWithCallplanError) {
  auto e = acme();
  ASSERT_TRUE(e);
  const auto user = static_cast<UserIndex>(e->user_count());
  const auto device = static_cast<DeviceIndex>(e->device_count());
  const auto expect_error = [](const auto& call, const std::string& message) {
    try {
      call();
      ADD_FAILURE() << "no error: " << message;
    } catch (const Error& error) {
      EXPECT_EQ(error.what(), message);
      EXPECT_TRUE(error.issues().empty());
    }
  };
  const std::string users = std::to_string(e->user_count());
  const std::string devices = std::to_string(e->device_count());
  expect_error([&] { (void)e->extension(user); },
               "Engine::extension: no user has index " + users + " (the engine has " + users + ")");
  expect_error([&] { (void)e->user_caller_id(kNoUser); },
               "Engine::user_caller_id: no user has index 4294967295 (the engine has " + users +
                   ")");
  expect_error([&] { (void)e->has_voicemail(user); },
               "Engine::has_voicemail: no user has index " + users + " (the engine has " + users +
                   ")");
  expect_error([&] { (void)e->devices_of(user); },
               "Engine::devices_of: no user has index " + users + " (the engine has " + users +
                   ")");
  expect_error([&] { (void)e->device_id(device); },
               "Engine::device_id: no device has index " + devices + " (the engine has " +
                   devices + ")");
  expect_error([&] { (void)e->device_user(kNoDevice); },
               "Engine::device_user: no device has index 4294967295 (the engine has " + devices +
                   ")");
  // The last index of each is fine.
  EXPECT_NO_THROW((void)e->extension(user - 1));
  EXPECT_NO_THROW((void)e->device_id(device - 1));
}

}  // namespace
}  // namespace callplan::testing
