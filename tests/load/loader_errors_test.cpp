// Every CP1xx code the loader emits, at the exact place, with its notes and hints; and the
// loader reading on past each problem.
#include <gtest/gtest.h>

#include "callplan/load.hpp"
#include "load_test_support.hpp"

namespace callplan {
namespace {

using testing::dump;
using testing::find_issue;
using testing::find_issue_at;
using testing::has_hint;
using testing::with_header;

LoadResult load(std::string_view text) { return load_string(text, "t.yaml"); }

TEST(Loader, ReportsYamlSyntaxErrorAtItsPlace) {
  LoadResult r = load("version: 1\ntenant: {name: Acme\nusers: []\n");
  const Issue* i = find_issue(r.issues, "CP100");
  ASSERT_NE(i, nullptr) << dump(r.issues);
  EXPECT_EQ(i->location.file, "t.yaml");
  EXPECT_GE(i->location.line, 2u);
  // Nothing is piled on top of a syntax error (no "missing version/tenant").
  EXPECT_EQ(r.issues.size(), 1u) << dump(r.issues);
}

TEST(Loader, ReportsUnknownKeyWithDidYouMean) {
  LoadResult r = load(with_header(
      "plans:\n  - id: p\n    steps:\n      - ring_group: {stratgy: cascade, members: [\"001\"]}\n"));
  const Issue* i = find_issue_at(r.issues, "CP101", 6, 22);
  ASSERT_NE(i, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*i, "did you mean `strategy`?")) << dump(r.issues);
  // The rest of the step is still read.
  const auto& g = std::get<RingGroup>(r.tenant.plans[0].steps[0].body);
  EXPECT_EQ(g.members.size(), 1u);
}

TEST(Loader, ListsTheValidKeysWhenNothingIsClose) {
  LoadResult r = load(with_header("users:\n  - {extension: \"001\", zzzzzzzz: 1}\n"));
  const Issue* i = find_issue(r.issues, "CP101");
  ASSERT_NE(i, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*i, "`first_name`")) << dump(r.issues);
}

TEST(Loader, ReportsWrongTypesNamingWhatWasExpected) {
  LoadResult r = load(with_header(R"(users:
  - extension: "001"
    voicemail: maybe
    first_name: [a, b]
plans:
  - id: p
    steps:
      - transfer: {to: "001", timeout: soon}
)"));
  const Issue* vm = find_issue_at(r.issues, "CP102", 5, 16);
  ASSERT_NE(vm, nullptr) << dump(r.issues);
  EXPECT_NE(vm->message.find("true or false"), std::string::npos);
  EXPECT_NE(find_issue_at(r.issues, "CP102", 6, 17), nullptr) << dump(r.issues);
  const Issue* timeout = find_issue_at(r.issues, "CP102", 10, 40);
  ASSERT_NE(timeout, nullptr) << dump(r.issues);
  EXPECT_NE(timeout->message.find("whole number"), std::string::npos);
  // The user is still there, with the default for the bad field.
  ASSERT_EQ(r.tenant.users.size(), 1u);
  EXPECT_FALSE(r.tenant.users[0].voicemail.value);
}

TEST(Loader, ReportsAListWhereTheFileShouldBeAMap) {
  LoadResult r = load("- version: 1\n");
  const Issue* i = find_issue_at(r.issues, "CP102", 1, 1);
  ASSERT_NE(i, nullptr) << dump(r.issues);
  EXPECT_EQ(r.issues.size(), 1u) << dump(r.issues);
}

TEST(Loader, ReportsAnEmptyFile) {
  for (std::string_view text : {"", "   \n", "# only a comment\n", "---\n"}) {
    LoadResult r = load(text);
    ASSERT_EQ(r.issues.size(), 1u) << dump(r.issues);
    EXPECT_EQ(r.issues[0].code, "CP102");
    EXPECT_NE(r.issues[0].message.find("empty"), std::string::npos);
  }
}

TEST(Loader, ReportsMissingRequiredFieldsAtTheMapThatLacksThem) {
  LoadResult r = load(R"(version: 1
tenant: {name: Acme}
numbers:
  - label: x
users:
  - first_name: Anna
devices:
  - name: phone
plans:
  - steps: []
)");
  EXPECT_NE(find_issue_at(r.issues, "CP103", 2, 9), nullptr) << dump(r.issues);  // login
  EXPECT_EQ(std::count_if(r.issues.begin(), r.issues.end(),
                          [](const Issue& i) {
                            return i.code == "CP103" && i.location.line == 2;
                          }),
            2);  // login and timezone
  EXPECT_NE(find_issue_at(r.issues, "CP103", 4, 5), nullptr) << dump(r.issues);   // number
  EXPECT_NE(find_issue_at(r.issues, "CP103", 6, 5), nullptr) << dump(r.issues);   // extension
  EXPECT_NE(find_issue_at(r.issues, "CP103", 8, 5), nullptr) << dump(r.issues);   // device id
  EXPECT_NE(find_issue_at(r.issues, "CP103", 10, 5), nullptr) << dump(r.issues);  // plan id
  const Issue* number = find_issue_at(r.issues, "CP103", 4, 5);
  EXPECT_NE(number->message.find("`number`"), std::string::npos);
}

TEST(Loader, ReportsMissingTenantSection) {
  LoadResult r = load("version: 1\nplans: []\n");
  const Issue* i = find_issue_at(r.issues, "CP103", 1, 1);
  ASSERT_NE(i, nullptr) << dump(r.issues);
  EXPECT_NE(i->message.find("`tenant`"), std::string::npos);
}

TEST(Loader, ReportsDuplicateKeyWithFirstDefinition) {
  LoadResult r = load(with_header("users:\n  - extension: \"001\"\n    email: a@x\n    email: b@x\n"));
  const Issue* i = find_issue_at(r.issues, "CP104", 6, 5);
  ASSERT_NE(i, nullptr) << dump(r.issues);
  ASSERT_EQ(i->notes.size(), 1u);
  EXPECT_EQ(i->notes[0].message, "first defined here");
  EXPECT_EQ(i->notes[0].location, (Location{"t.yaml", 5, 5}));
  EXPECT_EQ(r.tenant.users[0].email.value, "a@x");  // the first one counts
}

TEST(Loader, ReportsMissingOrUnsupportedVersion) {
  LoadResult missing = load("tenant: {name: A, login: a, timezone: UTC}\n");
  const Issue* i = find_issue_at(missing.issues, "CP105", 1, 1);
  ASSERT_NE(i, nullptr) << dump(missing.issues);
  EXPECT_TRUE(has_hint(*i, "version: 1"));

  LoadResult two = load("version: 2\ntenant: {name: A, login: a, timezone: UTC}\n");
  ASSERT_NE(find_issue_at(two.issues, "CP105", 1, 10), nullptr) << dump(two.issues);
  EXPECT_EQ(two.tenant.version.value, 2);
}

TEST(Loader, ReportsValuesOutsideTheirSet) {
  LoadResult r = load(with_header(R"(tenant2: x
users:
  - {extension: "001", role: admn}
devices:
  - {id: d, brand: yealnk}
plans:
  - id: p
    steps:
      - ring_group: {strategy: memoryhunt, members: ["001"]}
      - transfer: {to: "0612345678", caller_id: caler}
      - menu: {prompt: p.wav, options: {"12": [hangup: ]}}
)"));
  const Issue* role = find_issue_at(r.issues, "CP107", 5, 30);
  ASSERT_NE(role, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*role, "did you mean `admin`?"));
  const Issue* brand = find_issue_at(r.issues, "CP107", 7, 20);
  ASSERT_NE(brand, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*brand, "`yealink`"));
  const Issue* strategy = find_issue_at(r.issues, "CP107", 11, 32);
  ASSERT_NE(strategy, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*strategy, "`memory_hunt`"));
  const Issue* caller = find_issue_at(r.issues, "CP107", 12, 49);
  ASSERT_NE(caller, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*caller, "`caller`"));
  EXPECT_NE(find_issue_at(r.issues, "CP107", 13, 41), nullptr) << dump(r.issues);
}

TEST(Loader, ReportsConflictingFields) {
  LoadResult r = load(with_header(R"(devices:
  - id: d
    sip: {password: x, ha1_md5: 0123456789abcdef0123456789abcdef}
plans:
  - id: p
    steps:
      - transfer: {to: "001", timeout: 20, rings: 4}
      - announcement: {audio: a.wav, text: hello}
)"));
  const Issue* rings = find_issue_at(r.issues, "CP108", 9, 44);
  ASSERT_NE(rings, nullptr) << dump(r.issues);
  ASSERT_EQ(rings->notes.size(), 1u);
  EXPECT_EQ(rings->notes[0].location.line, 9u);
  EXPECT_EQ(rings->notes[0].location.column, 31u);
  // `timeout` wins so that the checker still sees a sensible value.
  EXPECT_EQ(std::get<Transfer>(r.tenant.plans[0].steps[0].body).timeout.value, 20u);
  EXPECT_NE(find_issue_at(r.issues, "CP108", 5, 24), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP108", 10, 38), nullptr) << dump(r.issues);
}

TEST(Loader, ReportsStepsThatAreNotOneKeyMaps) {
  LoadResult r = load(with_header(R"(plans:
  - id: p
    steps:
      - ringgroup: {members: ["001"]}
      - hangup
      - transfer: {to: "001"}
        label: Reception
      - {}
)"));
  const Issue* kind = find_issue_at(r.issues, "CP109", 6, 9);
  ASSERT_NE(kind, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*kind, "did you mean `ring_group`?"));
  const Issue* bare = find_issue_at(r.issues, "CP109", 7, 9);
  ASSERT_NE(bare, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*bare, "`- hangup:`"));
  const Issue* beside = find_issue_at(r.issues, "CP109", 9, 9);
  ASSERT_NE(beside, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*beside, "put `label` inside the step"));
  EXPECT_NE(find_issue_at(r.issues, "CP109", 10, 9), nullptr) << dump(r.issues);
  // The transfer with a label beside it is still read.
  ASSERT_EQ(r.tenant.plans[0].steps.size(), 1u);
  EXPECT_EQ(std::get<Transfer>(r.tenant.plans[0].steps[0].body).to.value, "001");
}

TEST(Loader, ReportsBadTimesDatesWeekdaysAndYearlyDays) {
  LoadResult r = load(with_header(R"(schedules:
  s:
    weekly:
      - {days: mon-fri, from: "8.30", to: "24:30"}
      - {days: [mon, thurday], from: "08:00", to: "09:00"}
    dates: [2026-02-29, 2026-13-01]
    ranges:
      - {from: 2026-12-31T25:00, to: 2027-01-01T00:00}
    yearly: ["02-30", easter+x, {month: novembr, weekday: thu, nth: 6}, 2026-12-25]
)"));
  EXPECT_NE(find_issue_at(r.issues, "CP110", 6, 31), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP110", 6, 43), nullptr) << dump(r.issues);
  const Issue* day = find_issue_at(r.issues, "CP112", 7, 22);
  ASSERT_NE(day, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*day, "did you mean `thursday`?"));
  EXPECT_NE(find_issue_at(r.issues, "CP111", 8, 13), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP111", 8, 25), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP111", 10, 16), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP113", 11, 14), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP113", 11, 23), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP112", 11, 41), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP113", 11, 69), nullptr) << dump(r.issues);
  const Issue* date_as_yearly = find_issue_at(r.issues, "CP113", 11, 73);
  ASSERT_NE(date_as_yearly, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*date_as_yearly, "\"12-25\""));
  // Only the good parts are kept.
  const Schedule& s = r.tenant.schedules[0];
  EXPECT_TRUE(s.weekly.empty());
  EXPECT_TRUE(s.dates.empty());
  EXPECT_TRUE(s.yearly.empty());
}

TEST(Loader, ReportsBadExtensionsNumbersIdsDurationsAndHashes) {
  LoadResult r = load(R"(version: 1
tenant: {name: Acme, login: Acme, timezone: UTC}
numbers:
  - {number: "+31 88 123 45 67", plan: main}
  - {number: "0881234567", plan: main}
users:
  - {extension: "1", caller_id: "06-1234 5678"}
devices:
  - {id: "front desk", sip: {ha1_sha256: abc}}
plans:
  - id: main
    steps:
      - ring_group: {members: ["001", "06 12345678"], timeout: 0}
      - menu: {prompt: p, retries: -1, timeout: 2.5}
)");
  EXPECT_NE(find_issue_at(r.issues, "CP122", 2, 29), nullptr) << dump(r.issues);  // login
  const Issue* spaced = find_issue_at(r.issues, "CP121", 4, 14);
  ASSERT_NE(spaced, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*spaced, "write it without spaces: +31881234567"));
  // A national number needs tenant.country.
  EXPECT_NE(find_issue_at(r.issues, "CP121", 5, 14), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP120", 7, 17), nullptr) << dump(r.issues);
  const Issue* caller = find_issue_at(r.issues, "CP121", 7, 33);
  ASSERT_NE(caller, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*caller, "write it without spaces: 0612345678"));
  EXPECT_NE(find_issue_at(r.issues, "CP122", 9, 10), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP124", 9, 42), nullptr) << dump(r.issues);
  const Issue* member = find_issue_at(r.issues, "CP121", 13, 39);
  ASSERT_NE(member, nullptr) << dump(r.issues);
  EXPECT_TRUE(has_hint(*member, "write it without spaces: 0612345678"));
  EXPECT_NE(find_issue_at(r.issues, "CP123", 13, 64), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP123", 14, 36), nullptr) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP123", 14, 49), nullptr) << dump(r.issues);
}

TEST(Loader, AcceptsNationalTenantNumbersWhenTheCountryIsSet) {
  LoadResult r = load(R"(version: 1
tenant: {name: Acme, login: acme, timezone: Europe/Amsterdam, country: NL}
numbers:
  - {number: "0881234567", plan: main}
  - {number: "08812345", plan: main}
)");
  ASSERT_EQ(r.issues.size(), 1u) << dump(r.issues);
  EXPECT_NE(find_issue_at(r.issues, "CP121", 5, 14), nullptr) << dump(r.issues);
  EXPECT_EQ(r.tenant.numbers[0].number.value, "0881234567");  // kept as written
}

TEST(Loader, ReportsTabsAndInvalidUtf8) {
  LoadResult tabs = load("version: 1\ntenant:\n\tname: Acme\n");
  const Issue* tab = find_issue_at(tabs.issues, "CP100", 3, 1);
  ASSERT_NE(tab, nullptr) << dump(tabs.issues);
  EXPECT_NE(tab->message.find("tab"), std::string::npos);

  LoadResult latin1 = load("version: 1\ntenant: {name: Caf\xE9, login: c, timezone: UTC}\n");
  const Issue* bad = find_issue_at(latin1.issues, "CP100", 2, 19);
  ASSERT_NE(bad, nullptr) << dump(latin1.issues);
  EXPECT_NE(bad->message.find("0xE9"), std::string::npos);

  LoadResult utf16 = load(std::string("\xFF\xFEv\0", 4));
  ASSERT_NE(find_issue(utf16.issues, "CP100"), nullptr);
}

TEST(Loader, ReportsRecursiveAliasesAndAliasBombs) {
  LoadResult recursive = load("a: &x [1, *x]\n");
  ASSERT_NE(find_issue(recursive.issues, "CP100"), nullptr) << dump(recursive.issues);

  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'k'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" +
            prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + "]\n";
  }
  LoadResult laughs = load(bomb);
  const Issue* i = find_issue(laughs.issues, "CP100");
  ASSERT_NE(i, nullptr) << dump(laughs.issues);
  EXPECT_NE(i->message.find("too many"), std::string::npos);
}

TEST(Loader, ReportsASecondYamlDocument) {
  LoadResult r = load(with_header("---\nversion: 1\n"));
  const Issue* i = find_issue(r.issues, "CP100");
  ASSERT_NE(i, nullptr) << dump(r.issues);
  EXPECT_NE(i->message.find("second"), std::string::npos);
}

}  // namespace
}  // namespace callplan
