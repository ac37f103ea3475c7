// The whole tenant format read into the model: values, defaults and exact source places.
#include <gtest/gtest.h>

#include "callplan/load.hpp"
#include "load_test_support.hpp"

namespace callplan {
namespace {

using testing::dump;
using testing::fixture;

class RichTenant : public ::testing::Test {
 protected:
  void SetUp() override {
    result = load_file(path);
    ASSERT_TRUE(result.issues.empty()) << dump(result.issues);
  }
  // "line:col" of a source id, for compact assertions.
  std::string at(SourceId id) const {
    Location l = result.tenant.sources.location(id);
    return std::to_string(l.line) + ":" + std::to_string(l.column);
  }
  const Plan& plan(std::string_view id) const {
    for (const Plan& p : result.tenant.plans) {
      if (p.id.value == id) return p;
    }
    throw std::runtime_error("no plan " + std::string(id));
  }
  std::string path = fixture("rich.yaml");
  LoadResult result;
};

TEST_F(RichTenant, ReadsTenantInfoWithValueLocations) {
  const Tenant& t = result.tenant;
  EXPECT_EQ(t.version.value, 1);
  EXPECT_EQ(at(t.version.where), "2:10");
  EXPECT_EQ(t.info.name.value, "Acme BV");
  EXPECT_EQ(at(t.info.name.where), "5:9");
  EXPECT_EQ(t.info.login.value, "acme");
  EXPECT_EQ(t.info.timezone.value, "Europe/Amsterdam");
  EXPECT_EQ(at(t.info.timezone.where), "7:13");
  EXPECT_EQ(t.info.country.value, "NL");
  EXPECT_EQ(at(t.info.where), "5:3");
  EXPECT_EQ(t.sources.location(t.info.name.where).file, path);
}

TEST_F(RichTenant, KeepsNumbersAndExtensionsAsWritten) {
  const Tenant& t = result.tenant;
  ASSERT_EQ(t.numbers.size(), 2u);
  EXPECT_EQ(t.numbers[0].number.value, "+31881234567");
  EXPECT_EQ(at(t.numbers[0].number.where), "11:13");  // the opening quote
  EXPECT_EQ(at(t.numbers[0].where), "11:5");
  EXPECT_EQ(t.numbers[0].plan.value, "main");
  EXPECT_EQ(t.numbers[0].label, "Main line");
  EXPECT_EQ(t.numbers[1].number.value, "0881234568");  // unquoted, national (country NL)
  ASSERT_EQ(t.users.size(), 3u);
  EXPECT_EQ(t.users[1].extension.value, "002");  // unquoted: not the integer 2
  EXPECT_EQ(at(t.users[1].extension.where), "27:16");
}

TEST_F(RichTenant, ReadsUsersWithDefaults) {
  const User& anna = result.tenant.users[0];
  EXPECT_EQ(anna.first_name, "Anna");
  EXPECT_EQ(anna.last_name, "de Vries");
  EXPECT_EQ(anna.email.value, "anna@acme.example");
  EXPECT_EQ(anna.role.value, Role::admin);
  EXPECT_EQ(anna.caller_id.value, "+31881234567");
  EXPECT_TRUE(anna.voicemail.value);
  EXPECT_EQ(at(anna.voicemail.where), "24:16");
  EXPECT_EQ(anna.plan.value, "anna-personal");
  EXPECT_EQ(anna.avatar, "avatars/anna.png");
  const User& bram = result.tenant.users[1];
  EXPECT_EQ(bram.role.value, Role::user);
  EXPECT_FALSE(bram.role.given());
  EXPECT_FALSE(bram.voicemail.value);
  EXPECT_FALSE(bram.voicemail.given());
  EXPECT_FALSE(bram.plan.given());
}

TEST_F(RichTenant, ReadsDevicesAndDefaultsTheSipUsername) {
  const auto& devices = result.tenant.devices;
  ASSERT_EQ(devices.size(), 3u);
  EXPECT_EQ(devices[0].id.value, "reception");
  EXPECT_EQ(devices[0].brand.value, Brand::yealink);
  EXPECT_EQ(devices[0].model, "T54W");
  EXPECT_EQ(devices[0].mac.value, "80:5E:C0:11:22:33");
  EXPECT_EQ(devices[0].sip.username.value, "acme-reception");
  EXPECT_TRUE(devices[0].sip.username.given());
  EXPECT_EQ(devices[0].sip.password.value, "s3cret");
  EXPECT_EQ(devices[1].brand.value, Brand::snom);
  EXPECT_EQ(devices[1].sip.ha1_md5.value, "0123456789abcdef0123456789abcdef");  // lower-cased
  EXPECT_EQ(devices[1].sip.username.value, "acme-bram-desk");
  EXPECT_EQ(devices[1].sip.username.where, kNoSource);
  EXPECT_EQ(devices[2].brand.value, Brand::other);
  EXPECT_FALSE(devices[2].user.given());
  EXPECT_FALSE(devices[2].sip.can_register());
}

TEST_F(RichTenant, ReadsEveryScheduleForm) {
  const auto& schedules = result.tenant.schedules;
  ASSERT_EQ(schedules.size(), 3u);  // two named, then the inline one
  const Schedule& office = schedules[0];
  EXPECT_EQ(office.name.value, "office_hours");
  EXPECT_EQ(at(office.name.where), "48:3");
  EXPECT_FALSE(office.is_inline);
  ASSERT_EQ(office.weekly.size(), 2u);
  EXPECT_EQ(office.weekly[0].days, 0b0011111);
  EXPECT_EQ(office.weekly[0].from, 8 * 60 + 30);
  EXPECT_EQ(office.weekly[0].to, 17 * 60 + 30);
  EXPECT_EQ(at(office.weekly[0].where), "50:9");
  EXPECT_EQ(office.weekly[1].days, 0b1100000);
  EXPECT_EQ(office.weekly[1].from, 22 * 60);
  EXPECT_EQ(office.weekly[1].to, 6 * 60);
  ASSERT_EQ(office.except.size(), 1u);
  EXPECT_EQ(office.except[0].value, "holidays");
  EXPECT_EQ(at(office.except[0].where), "56:14");

  const Schedule& holidays = schedules[1];
  EXPECT_EQ(holidays.timezone.value, "Europe/Amsterdam");
  ASSERT_EQ(holidays.dates.size(), 2u);
  EXPECT_EQ(holidays.dates[1].value, (LocalDate{2026, 12, 26}));
  EXPECT_EQ(at(holidays.dates[1].where), "59:25");
  ASSERT_EQ(holidays.ranges.size(), 1u);
  EXPECT_EQ(holidays.ranges[0].from, (LocalDateTime{{2026, 12, 31}, 16 * 60}));
  EXPECT_EQ(holidays.ranges[0].to, (LocalDateTime{{2027, 1, 2}, 0}));
  ASSERT_EQ(holidays.yearly.size(), 5u);
  EXPECT_EQ(holidays.yearly[0].kind, YearlyDay::Kind::fixed);
  EXPECT_EQ(holidays.yearly[0].month, 12);
  EXPECT_EQ(holidays.yearly[0].day, 25);
  EXPECT_EQ(holidays.yearly[1].kind, YearlyDay::Kind::easter);
  EXPECT_EQ(holidays.yearly[1].easter_offset, 1);
  EXPECT_EQ(holidays.yearly[2].easter_offset, -2);
  EXPECT_EQ(holidays.yearly[3].kind, YearlyDay::Kind::nth_weekday);
  EXPECT_EQ(holidays.yearly[3].month, 11);
  EXPECT_EQ(holidays.yearly[3].weekday, Weekday::thu);
  EXPECT_EQ(holidays.yearly[3].nth, 4);
  EXPECT_EQ(holidays.yearly[4].month, 5);
  EXPECT_EQ(holidays.yearly[4].weekday, Weekday::mon);
  EXPECT_EQ(holidays.yearly[4].nth, -1);
}

TEST_F(RichTenant, ReadsEveryStepKind) {
  const Plan& main = plan("main");
  EXPECT_EQ(main.label, "Main line");
  EXPECT_EQ(at(main.where), "70:5");
  ASSERT_EQ(main.steps.size(), 5u);

  const auto& tc = std::get<TimeCondition>(main.steps[0].body);
  EXPECT_EQ(at(main.steps[0].where), "73:9");  // the step's key
  EXPECT_EQ(tc.schedule.value, "office_hours");
  EXPECT_FALSE(tc.then_steps.has_value());
  ASSERT_TRUE(tc.else_steps.has_value());
  ASSERT_EQ(tc.else_steps->size(), 2u);
  EXPECT_EQ(std::get<Announcement>((*tc.else_steps)[0].body).audio.value, "closed.wav");
  EXPECT_EQ(std::get<Voicemail>((*tc.else_steps)[1].body).user.value, "001");
  EXPECT_EQ(at((*tc.else_steps)[1].where), "77:15");

  const Step& transfer_step = main.steps[1];
  const auto& transfer = std::get<Transfer>(transfer_step.body);
  EXPECT_EQ(transfer_step.label, "Reception");
  EXPECT_EQ(transfer.to.value, "001");
  EXPECT_EQ(at(transfer.to.where), "78:24");
  EXPECT_FALSE(transfer.follow_personal_plan.value);
  EXPECT_EQ(at(transfer.follow_personal_plan.where), "78:53");
  EXPECT_EQ(transfer.timeout.value, 30u);
  EXPECT_EQ(at(transfer.timeout.where), "78:69");
  EXPECT_EQ(transfer.caller_id.value, "caller");
  EXPECT_FALSE(transfer.caller_id.given());

  const auto& group = std::get<RingGroup>(main.steps[2].body);
  EXPECT_EQ(main.steps[2].label, "Sales");
  EXPECT_EQ(group.strategy.value, Strategy::memory_hunt);
  ASSERT_EQ(group.members.size(), 4u);
  EXPECT_EQ(group.members[3].value, "0612345678");
  EXPECT_EQ(at(group.members[3].where), "81:42");
  EXPECT_EQ(group.timeout.value, 15u);  // rings: 3
  EXPECT_EQ(at(group.timeout.where), "82:18");  // the place of `rings`
  EXPECT_EQ(group.max_duration.value, 120u);

  const auto& menu = std::get<Menu>(main.steps[3].body);
  EXPECT_EQ(menu.prompt.value, "menu.wav");
  ASSERT_EQ(menu.options.size(), 2u);
  EXPECT_EQ(menu.options[0].digit.value, "1");
  EXPECT_EQ(at(menu.options[0].digit.where), "88:13");
  EXPECT_EQ(std::get<Goto>(menu.options[0].steps[0].body).plan.value, "support");
  EXPECT_EQ(menu.options[1].digit.value, "#");
  EXPECT_TRUE(std::holds_alternative<Hangup>(menu.options[1].steps[0].body));
  EXPECT_EQ(menu.timeout.value, 7u);
  EXPECT_EQ(menu.retries.value, 0u);
  EXPECT_TRUE(menu.retries.given());
  ASSERT_TRUE(menu.invalid.has_value());
  const Step& sorry = (*menu.invalid)[0];
  EXPECT_EQ(std::get<Announcement>(sorry.body).text.value, "Sorry");
  EXPECT_EQ(sorry.label, "Oops");

  EXPECT_EQ(std::get<Voicemail>(main.steps[4].body).user.value, "001");
  EXPECT_TRUE(plan("anna-personal").steps.empty());
}

TEST_F(RichTenant, NamesInlineSchedulesAfterTheStepPath) {
  const Plan& support = plan("support");
  ASSERT_EQ(support.steps.size(), 2u);
  const auto& tc = std::get<TimeCondition>(support.steps[0].body);
  EXPECT_EQ(tc.schedule.value, "support/0");
  EXPECT_EQ(at(tc.schedule.where), "101:13");
  const Schedule& inline_schedule = result.tenant.schedules.back();
  EXPECT_TRUE(inline_schedule.is_inline);
  EXPECT_EQ(inline_schedule.name.value, "support/0");
  ASSERT_EQ(inline_schedule.weekly.size(), 1u);
  EXPECT_EQ(inline_schedule.weekly[0].days, 0b1110001);  // fri, sat, sun, mon
  ASSERT_TRUE(tc.then_steps.has_value());
  const auto& transfer = std::get<Transfer>((*tc.then_steps)[0].body);
  EXPECT_EQ(transfer.to.value, "+31201234567");
  EXPECT_EQ(transfer.caller_id.value, "+31881234567");
  EXPECT_EQ(transfer.timeout.value, 20u);
  EXPECT_TRUE(transfer.follow_personal_plan.value);
  EXPECT_EQ(support.steps[1].label, "Bye");
}

TEST_F(RichTenant, KeepsTheFileTextForCaretDisplay) {
  Location l = result.tenant.sources.location(result.tenant.info.login.where);
  EXPECT_EQ(result.tenant.sources.line_text(l.file, l.line), "  login: acme");
}

TEST(Loader, LoadStringUsesTheGivenName) {
  LoadResult r = load_string(testing::with_header("plans: [{id: main}]\n"), "inline.yaml");
  ASSERT_TRUE(r.issues.empty()) << dump(r.issues);
  Location l = r.tenant.sources.location(r.tenant.plans[0].id.where);
  EXPECT_EQ(l.file, "inline.yaml");
  EXPECT_EQ(l.line, 3u);
  EXPECT_EQ(l.column, 14u);
}

TEST(Loader, ThrowsOnlyWhenTheTopLevelFileCannotBeRead) {
  EXPECT_THROW(load_file(fixture("does-not-exist.yaml")), Error);
  EXPECT_THROW(load_file(fixture("")), Error);  // a directory
}

TEST(Loader, AcceptsWindowsLineEndingsAndAUtf8Bom) {
  std::string text = "\xEF\xBB\xBFversion: 1\r\ntenant:\r\n  name: Acme\r\n  login: acme\r\n"
                     "  timezone: Europe/Amsterdam\r\n";
  LoadResult r = load_string(text, "crlf.yaml");
  ASSERT_TRUE(r.issues.empty()) << dump(r.issues);
  EXPECT_EQ(r.tenant.info.name.value, "Acme");
  Location l = r.tenant.sources.location(r.tenant.version.where);
  EXPECT_EQ(l.line, 1u);
  EXPECT_EQ(l.column, 10u);
  EXPECT_EQ(r.tenant.sources.line_text("crlf.yaml", 3), "  name: Acme");
}

TEST(Loader, SupportsAnchorsAliasesAndMergeKeys) {
  LoadResult r = load_string(testing::with_header(R"(
devices:
  - &base {id: a, brand: snom, user: "001"}
  - <<: *base
    id: b
plans:
  - id: main
    steps:
      - ring_group: {members: &team ["001", "002"]}
      - ring_group: {members: *team, strategy: cascade}
)"));
  ASSERT_TRUE(r.issues.empty()) << dump(r.issues);
  ASSERT_EQ(r.tenant.devices.size(), 2u);
  EXPECT_EQ(r.tenant.devices[1].id.value, "b");
  EXPECT_EQ(r.tenant.devices[1].brand.value, Brand::snom);
  EXPECT_EQ(r.tenant.devices[1].user.value, "001");
  const auto& second = std::get<RingGroup>(r.tenant.plans[0].steps[1].body);
  ASSERT_EQ(second.members.size(), 2u);
  EXPECT_EQ(second.strategy.value, Strategy::cascade);
}

TEST(Loader, ReadsHangupWrittenWithoutABody) {
  LoadResult r = load_string(testing::with_header("plans:\n  - id: p\n    steps:\n      - hangup:\n"
                                                  "      - hangup: {}\n"));
  ASSERT_TRUE(r.issues.empty()) << dump(r.issues);
  ASSERT_EQ(r.tenant.plans[0].steps.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<Hangup>(r.tenant.plans[0].steps[0].body));
}

}  // namespace
}  // namespace callplan
