#include <gtest/gtest.h>

#include "check/issue_matchers.hpp"
#include "check/tenant_builder.hpp"

namespace callplan::testing {
namespace {

TEST(CheckDevices, UserWithoutDeviceNobodyTargets) {
  TenantBuilder b = TenantBuilder::acme();
  User& u = b.user("003", /*with_device=*/false);
  Issue i = only_issue(check(b.t), "CP215");
  EXPECT_EQ(i.location, b.loc(u.extension.where));
  EXPECT_EQ(i.message, "user 003 has no linked device, so it cannot call or be called");
}

TEST(CheckDevices, TargetWithoutDeviceReportedAtEveryTargetNotAtUser) {
  TenantBuilder b = TenantBuilder::acme();
  User& u = b.user("003", /*with_device=*/false);
  SourceId user_where = u.extension.where;
  b.t.plans[0].steps[1] = b.ring_group(Strategy::ring_all, {"001", "003"}, 20);
  b.t.plans[0].steps.insert(b.t.plans[0].steps.begin() + 1, b.transfer("003", false, 20));
  Issues issues = check(b.t);
  ASSERT_EQ(issues.size(), 2u) << dump(issues);
  for (const Issue& i : issues) {
    EXPECT_EQ(i.code, "CP214");
    ASSERT_EQ(i.notes.size(), 1u);
    EXPECT_EQ(i.notes[0].location, b.loc(user_where));
  }
  // Sorted by place: the ring group was written before the transfer.
  EXPECT_EQ(issues[1].location, b.loc(std::get<Transfer>(b.t.plans[0].steps[1].body).to.where));
  EXPECT_EQ(issues[1].message,
            "transfer main/1 targets user 003, who has no linked device, so it never rings");
}

TEST(CheckDevices, TransferIntoOwnPersonalPlanNeedsNoDevice) {
  TenantBuilder b = TenantBuilder::acme();
  User& u = b.user("003", /*with_device=*/false);
  u.plan = b.text("main");
  Plan& desk = b.plan("desk", {b.transfer("003")});
  b.number("+31881234568", desk.id.value);
  // 003 is reached only through its personal plan, which rings others: only CP215 remains.
  Issue i = only_issue(check(b.t), "CP215");
  EXPECT_EQ(i.location, b.loc(b.t.users.back().extension.where));
}

TEST(CheckDevices, DeviceWithoutUser) {
  TenantBuilder b = TenantBuilder::acme();
  Device& d = b.device("spare", "");
  Issue i = only_issue(check(b.t), "CP216");
  EXPECT_EQ(i.location, b.loc(d.id.where));
  EXPECT_EQ(i.message, "device `spare` has no linked user, so it cannot call or be called");
}

}  // namespace
}  // namespace callplan::testing
