// `include:` — concatenated lists, merged schedules, one tenant/version, and every diagnostic
// pointing at the file where its node was written.
#include <gtest/gtest.h>

#include "callplan/load.hpp"
#include "load_test_support.hpp"

namespace callplan {
namespace {

using testing::dump;
using testing::find_issue;
using testing::fixture;

TEST(Loader, ConcatenatesListsFromNestedIncludes) {
  LoadResult r = load_file(fixture("include/main.yaml"));
  ASSERT_TRUE(r.issues.empty()) << dump(r.issues);
  ASSERT_EQ(r.tenant.users.size(), 2u);
  ASSERT_EQ(r.tenant.devices.size(), 1u);
  ASSERT_EQ(r.tenant.plans.size(), 2u);
  EXPECT_EQ(r.tenant.plans[0].id.value, "main");
  EXPECT_EQ(r.tenant.plans[1].id.value, "support");
  EXPECT_EQ(r.tenant.devices[0].sip.username.value, "acme-desk");  // login from another file
  // Each element points at the file it was written in, relative to the including file.
  Location device = r.tenant.sources.location(r.tenant.devices[0].id.where);
  EXPECT_EQ(device.file, fixture("include/people/devices.yaml"));
  EXPECT_EQ(device.line, 2u);
  EXPECT_EQ(device.column, 10u);
  Location user = r.tenant.sources.location(r.tenant.users[1].extension.where);
  EXPECT_EQ(user.file, fixture("include/people/users.yaml"));
  EXPECT_EQ(user.line, 4u);
  EXPECT_EQ(r.tenant.sources.line_text(user.file, 4), "  - extension: \"002\"");
}

TEST(Loader, KeepsBothDefinitionsOfAScheduleForTheChecker) {
  LoadResult r = load_file(fixture("include/main.yaml"));
  ASSERT_EQ(r.tenant.schedules.size(), 2u);
  EXPECT_EQ(r.tenant.schedules[0].name.value, "office_hours");
  EXPECT_EQ(r.tenant.schedules[1].name.value, "office_hours");
  EXPECT_EQ(r.tenant.sources.location(r.tenant.schedules[1].where).file,
            fixture("include/people/devices.yaml"));
}

TEST(Loader, ReportsAnIncludeCycleAtTheIncludeEntry) {
  LoadResult r = load_file(fixture("include/cycle_a.yaml"));
  const Issue* i = find_issue(r.issues, "CP106");
  ASSERT_NE(i, nullptr) << dump(r.issues);
  EXPECT_EQ(i->location.file, fixture("include/cycle_b.yaml"));
  EXPECT_EQ(i->location.line, 2u);
  EXPECT_EQ(i->location.column, 11u);
  EXPECT_NE(i->message.find("includes itself"), std::string::npos);
  EXPECT_EQ(r.issues.size(), 1u) << dump(r.issues);
  EXPECT_EQ(r.tenant.users.size(), 1u);  // each file read once
}

TEST(Loader, ReportsAMissingIncludeAndReadsTheOthers) {
  LoadResult r = load_file(fixture("include/missing.yaml"));
  ASSERT_EQ(r.issues.size(), 1u) << dump(r.issues);
  const Issue& i = r.issues[0];
  EXPECT_EQ(i.code, "CP106");
  EXPECT_EQ(i.location, (Location{fixture("include/missing.yaml"), 4, 5}));
  EXPECT_NE(i.message.find("nowhere.yaml"), std::string::npos);
  EXPECT_EQ(r.tenant.plans.size(), 1u);
}

TEST(Loader, ReportsASecondTenantVersionAndADuplicateInclude) {
  LoadResult r = load_file(fixture("include/twice.yaml"));
  std::string second = fixture("include/second_tenant.yaml");
  auto at = [&](std::string_view code, std::uint32_t line) {
    return std::find_if(r.issues.begin(), r.issues.end(), [&](const Issue& i) {
             return i.code == code && i.location.file == second && i.location.line == line;
           }) != r.issues.end();
  };
  EXPECT_TRUE(at("CP104", 1)) << dump(r.issues);  // version again
  EXPECT_TRUE(at("CP104", 2)) << dump(r.issues);  // tenant again
  EXPECT_TRUE(at("CP102", 4)) << dump(r.issues);  // and the rest of the file is still read
  const Issue* tenant_again = nullptr;
  for (const Issue& i : r.issues) {
    if (i.code == "CP104" && i.location.line == 2) tenant_again = &i;
  }
  ASSERT_NE(tenant_again, nullptr);
  ASSERT_EQ(tenant_again->notes.size(), 1u);
  EXPECT_EQ(tenant_again->notes[0].location, (Location{fixture("include/twice.yaml"), 2, 1}));
  EXPECT_EQ(r.tenant.info.name.value, "Acme");  // the first one counts
  const Issue* dup = find_issue(r.issues, "CP106");
  ASSERT_NE(dup, nullptr) << dump(r.issues);
  EXPECT_EQ(dup->location.column, 43u);
  ASSERT_EQ(dup->notes.size(), 1u);
  EXPECT_EQ(dup->notes[0].location.column, 11u);
  EXPECT_EQ(r.tenant.plans.size(), 1u);
}

TEST(Loader, ResolvesIncludesOfLoadStringRelativeToItsName) {
  LoadResult r = load_string(
      "version: 1\ntenant: {name: A, login: a, timezone: UTC}\ninclude: [plans.yaml]\n",
      fixture("include/virtual.yaml"));
  ASSERT_TRUE(r.issues.empty()) << dump(r.issues);
  EXPECT_EQ(r.tenant.plans.size(), 1u);
}

}  // namespace
}  // namespace callplan
