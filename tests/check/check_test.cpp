#include <gtest/gtest.h>

#include "callplan/error.hpp"
#include "check/issue_matchers.hpp"
#include "check/tenant_builder.hpp"

namespace callplan::testing {
namespace {

TEST(Check, ReportsAllProblemsSortedByPlaceThenCode) {
  TenantBuilder b = TenantBuilder::acme();
  b.plan("spare");                    // CP403 + CP408 at the same place
  b.device("loose", "");              // CP216
  b.t.users[0].caller_id.value = "+31887654321";  // CP213, written first
  Issues issues = check(b.t);
  ASSERT_EQ(issues.size(), 4u) << dump(issues);
  EXPECT_EQ(issues[0].code, "CP213");
  EXPECT_EQ(issues[1].code, "CP403");
  EXPECT_EQ(issues[2].code, "CP408");
  EXPECT_EQ(issues[1].location, issues[2].location);
  EXPECT_EQ(issues[3].code, "CP216");
  EXPECT_TRUE(std::is_sorted(issues.begin(), issues.end(), [](const Issue& x, const Issue& y) {
    return x.location.line < y.location.line;
  }));
}

TEST(Check, IsDeterministic) {
  TenantBuilder b = TenantBuilder::acme();
  b.plan("a", {b.go_to("b")});
  b.plan("b", {b.go_to("a"), b.hangup()});
  Issues first = check(b.t);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(dump(check(b.t)), dump(first));
}

TEST(Check, EveryCheckerIssueUsesItsCatalogueSeverity) {
  TenantBuilder b = TenantBuilder::acme();
  b.plan("spare");
  b.t.plans[0].steps[1] = b.ring_group(Strategy::memory_hunt, {"001"}, 21);
  b.t.plans[0].steps.push_back(b.hangup());
  for (const Issue& i : check(b.t)) {
    const IssueKind* kind = find_issue_kind(i.code);
    ASSERT_NE(kind, nullptr) << i.code;
    EXPECT_EQ(kind->severity, i.severity) << i.code;
    EXPECT_FALSE(i.message.empty());
    EXPECT_NE(i.message.back(), '.');
    EXPECT_TRUE(i.location.known()) << to_string(i);
  }
}

TEST(Check, EmptyTenantHasNothingToReport) {
  Tenant t;
  EXPECT_TRUE(check(t).empty()) << dump(check(t));
}

TEST(LoadAndCheck, ThrowsWhenTheFileCannotBeRead) {
  EXPECT_THROW(load_and_check("/nonexistent/tenant.yaml"), Error);
}

}  // namespace
}  // namespace callplan::testing
