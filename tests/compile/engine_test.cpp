// Engine::compile: refuses tenants with errors, and answers the lookups hosts need.
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

}  // namespace
}  // namespace callplan::testing
