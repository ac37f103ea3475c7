// `callplan diff`: pairs of tenants with known changes, and refactors that change nothing.
#include <gtest/gtest.h>

#include "callplan/diff.hpp"
#include "callplan/engine.hpp"
#include "callplan/error.hpp"
#include "callplan/simulate.hpp"
#include "support.hpp"

namespace callplan {
namespace {

using graph_testing::expect_golden;
using graph_testing::fixture;

// Monday 2026-11-30 00:00 in Europe/Amsterdam (UTC+1).
DiffOptions week_of_30_november() {
  DiffOptions o;
  o.from = Instant{std::chrono::sys_days{std::chrono::year{2026} / 11 / 30} - std::chrono::hours{1}};
  return o;
}

TenantDiff diff(const std::string& before, const std::string& after,
                DiffOptions options = week_of_30_november()) {
  return diff_tenants(fixture(before), fixture(after), options);
}

TEST(Diff, IdenticalTenantsReportNothing) {
  TenantDiff d = diff("base.yaml", "base.yaml");
  EXPECT_FALSE(d.routing_changed());
  EXPECT_TRUE(d.users_added.empty() && d.users_removed.empty() && d.plans_added.empty());
  EXPECT_EQ(format_diff(d, DiffFormat::human),
            "No routing changes (7 days from 2026-11-30T00:00:00+01:00 (Europe/Amsterdam)).\n");
}

TEST(Diff, RefactorReportsNoRoutingChange) {
  // Split into includes, users and devices reordered, labels renamed, plan `main` renamed,
  // numbers written nationally: nothing a caller notices.
  TenantDiff d = diff("base.yaml", "refactor/main.yaml");
  EXPECT_FALSE(d.routing_changed()) << format_diff(d, DiffFormat::human);
  EXPECT_TRUE(d.numbers_added.empty() && d.numbers_removed.empty() && d.users_added.empty());
  // The renamed plan is listed, but is no routing change.
  EXPECT_EQ(d.plans_added, std::vector<std::string>{"front-door"});
  EXPECT_EQ(d.plans_removed, std::vector<std::string>{"main"});
}

TEST(Diff, ShiftedOfficeHoursAreOneStatement) {
  TenantDiff d = diff("base.yaml", "shifted_hours.yaml");
  ASSERT_EQ(d.changes.size(), 1u) << format_diff(d, DiffFormat::human);
  const RoutingChange& c = d.changes[0];
  EXPECT_EQ(c.when, "Mon–Fri 17:30–18:00");
  EXPECT_EQ(c.entry, "+31881234567");
  EXPECT_EQ(c.busy, "");
  EXPECT_EQ(c.before.summary, "announcement closed.wav, then voicemail 001");
  EXPECT_EQ(c.after.summary,
            "Reception [001 30 s], then Sales [002 15 s → +003 15 s → +004 15 s], then voicemail "
            "001 at 75 s");
  ASSERT_EQ(c.intervals.size(), 5u);
  EXPECT_EQ(c.intervals[0].from, "2026-11-30T17:30:00+01:00");
  EXPECT_EQ(c.intervals[0].to, "2026-11-30T18:00:00+01:00");
  expect_golden("diff_shifted_hours.txt", format_diff(d, DiffFormat::human));
  expect_golden("diff_shifted_hours.md", format_diff(d, DiffFormat::markdown));
  expect_golden("diff_shifted_hours.json", format_diff(d, DiffFormat::json));
}

TEST(Diff, ChangedStrategyShowsTheNewOrder) {
  TenantDiff d = diff("base.yaml", "cascade_sales.yaml");
  ASSERT_EQ(d.changes.size(), 1u) << format_diff(d, DiffFormat::human);
  EXPECT_EQ(d.changes[0].when, "Mon–Fri 08:30–17:30");
  EXPECT_EQ(d.changes[0].after.summary,
            "Reception [001 30 s], then Sales [002 15 s → 003 15 s → 004 15 s], then voicemail "
            "001 at 75 s");
}

TEST(Diff, RemovedMemberIsReportedOnce) {
  TenantDiff d = diff("base.yaml", "removed_member.yaml");
  ASSERT_EQ(d.changes.size(), 1u) << format_diff(d, DiffFormat::human);
  EXPECT_NE(d.changes[0].after.summary.find("[002 15 s → +003 15 s]"), std::string::npos);
  EXPECT_NE(d.changes[0].after.summary.find("voicemail 001 at 60 s"), std::string::npos);
}

TEST(Diff, NewHolidayIsOneDay) {
  DiffOptions o;
  o.from = Instant{std::chrono::sys_days{std::chrono::year{2026} / 12 / 21} - std::chrono::hours{1}};
  TenantDiff d = diff("base.yaml", "new_holiday.yaml", o);
  ASSERT_EQ(d.changes.size(), 1u) << format_diff(d, DiffFormat::human);
  EXPECT_EQ(d.changes[0].when, "Thu 08:30–17:30");
  EXPECT_EQ(d.changes[0].after.summary, "announcement closed.wav, then voicemail 001");
  // Outside that week the holiday changes nothing.
  EXPECT_FALSE(diff("base.yaml", "new_holiday.yaml").routing_changed());
  // Longer windows name dates instead of weekdays.
  o.days = 14;
  d = diff("base.yaml", "new_holiday.yaml", o);
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].when, "2026-12-24 08:30–17:30");
}

TEST(Diff, MenuOptionsAreExplored) {
  // Only what happens after pressing 2 changes: the support cascade's second member.
  const std::string base = graph_testing::read_text(graph_testing::source_path("tests/graph/tenants/base.yaml"));
  std::string changed = base;
  const std::string old_members = R"(members: ["005", "006", "+31612345678"])";
  std::size_t at = changed.find(old_members);
  ASSERT_NE(at, std::string::npos);
  changed.replace(at, old_members.size(), R"(members: ["005", "003", "+31612345678"])");
  auto load = [](const std::string& text) { return graph_testing::from_yaml(text); };
  TenantDiff d = diff_tenants(load(base), load(changed), week_of_30_november());
  ASSERT_FALSE(d.changes.empty());
  const RoutingChange& c = d.changes[0];
  EXPECT_EQ(c.entry, "+31881234568");
  EXPECT_EQ(c.digits, "2");
  EXPECT_EQ(c.when, "Mon–Sun all day");
  EXPECT_NE(c.statement.find("pressing 2"), std::string::npos) << c.statement;
  // The extension entries of 003 and 006 do not change: only that menu option does.
  for (const RoutingChange& ch : d.changes) EXPECT_EQ(ch.entry, "+31881234568") << ch.statement;
}

TEST(Diff, AddedNumberAndUserAreRoutingChanges) {
  const std::string base = graph_testing::read_text(graph_testing::source_path("tests/graph/tenants/base.yaml"));
  std::string changed = base;
  changed.replace(changed.find("\nusers:\n"), 8,
                  "  - number: \"+31881234569\"\n    plan: main\n\nusers:\n"
                  "  - {extension: \"007\", first_name: Gijs, email: g@acme.example, voicemail: true}\n");
  changed.replace(changed.find("\ndevices:\n"), 10,
                  "\ndevices:\n  - {id: gijs, user: \"007\", sip: {password: x}}\n");
  TenantDiff d = diff_tenants(graph_testing::from_yaml(base), graph_testing::from_yaml(changed),
                              week_of_30_november());
  EXPECT_EQ(d.numbers_added, std::vector<std::string>{"+31 88 123 4569"});
  EXPECT_EQ(d.users_added, std::vector<std::string>{"007 Gijs"});
  ASSERT_EQ(d.changes.size(), 3u) << format_diff(d, DiffFormat::human);
  EXPECT_EQ(d.changes[0].entry, "+31881234569");
  EXPECT_EQ(d.changes[0].before.summary, "rejected (unknown number)");
  EXPECT_EQ(d.changes[2].entry, "007");
  EXPECT_EQ(d.changes[2].when, "Mon–Sun all day");
  EXPECT_EQ(d.changes[2].after.summary, "ring 007 30 s, then voicemail 007 at 30 s");
}

TEST(Diff, DefaultStartIsTheNextMonday) {
  Tenant t = fixture("base.yaml");
  // Wednesday 2026-12-02 10:00 UTC -> Monday 2026-12-07 00:00 Amsterdam (23:00 UTC the day before).
  Instant wed{std::chrono::sys_days{std::chrono::year{2026} / 12 / 2} + std::chrono::hours{10}};
  EXPECT_EQ(default_diff_start(t, wed),
            Instant{std::chrono::sys_days{std::chrono::year{2026} / 12 / 6} + std::chrono::hours{23}});
}

TEST(Diff, TenantsWithErrorsAreRefused) {
  LoadResult r = load_string("version: 1\nplans: [{id: main, steps: [{goto: {plan: nowhere}}]}]\n");
  EXPECT_THROW(diff_tenants(r.tenant, fixture("base.yaml"), week_of_30_november()), Error);
}

}  // namespace
}  // namespace callplan
