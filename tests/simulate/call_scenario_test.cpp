// The call-scenario module (src/scenario): one builder for the CLI and Python, the library's
// text forms, and the rule that no_device is never scripted.
#include <functional>

#include <gtest/gtest.h>

#include "callplan/error.hpp"
#include "scenario/call_scenario.hpp"
#include "simulate/fixture.hpp"

namespace callplan {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(CallScenario, BuildsEveryPartInTheHostsWords) {
  detail::ScenarioBuilder build(*testing::acme(), detail::kPythonNames);
  Scenario s;
  EXPECT_FALSE(build.call(s, "anonymous", "+31881234567").has_value());
  build.at(s, "2026-11-30T10:00");
  build.presence_text(s, "002=busy, 003=dnd");
  build.answer(s, "001", false, 5);
  build.answer_text(s, "0612345678=busy");
  build.digits(s, "1_#");
  EXPECT_EQ(s.to, "+31881234567");
  EXPECT_EQ(s.at, *detail::parse_instant("2026-11-30T09:00Z", "UTC"));
  ASSERT_EQ(s.presence.size(), 2u);
  EXPECT_EQ(s.presence[1], (std::pair<std::string, Presence>{"003", Presence::dnd}));
  ASSERT_EQ(s.answers.size(), 2u);
  EXPECT_EQ(s.answers[0].after_seconds, 5u);
  EXPECT_TRUE(s.answers[1].busy);
  EXPECT_EQ(s.digits, "1_#");

  EXPECT_EQ(error_of([&] { build.presence(s, "002", "bussy"); }),
            "presence: unknown state `bussy` for 002 (did you mean `busy`? states: available, "
            "offline, busy, dnd)");
  EXPECT_EQ(error_of([&] { build.digits(s, "12a"); }),
            "digits: `12a` may hold only 0-9, *, # and _ (no key for that prompt)");
  EXPECT_EQ(error_of([&] { build.at(s, "tomorrow"); }).substr(0, 4), "at: ");
}

TEST(CallScenario, AnUnknownButWellFormedCalleeIsRoutedAndSaidWhy) {
  detail::ScenarioBuilder build(*testing::acme(), detail::kCliNames);
  Scenario s;
  auto problem = build.call(s, "anonymous", "+31880000000");
  ASSERT_TRUE(problem.has_value());
  EXPECT_TRUE(problem->routable);
  EXPECT_EQ(s.to, "+31880000000");
  EXPECT_NE(error_of([&] { build.call(s, "anonymous", "not a number"); }).find("--to: "),
            std::string::npos);
}

TEST(CallScenario, NoDeviceIsNeverScripted) {
  detail::ScenarioBuilder build(*testing::acme(), detail::kCliNames);
  Scenario s;
  EXPECT_EQ(error_of([&] { build.presence(s, "002", "no_device"); }),
            "--presence: unknown state `no_device` for 002 (states: available, offline, busy, "
            "dnd)");
  EXPECT_EQ(error_of([] { parse_presence_list("002=no_device"); }),
            "presence: unknown state `no_device` for 002 (states: available, offline, busy, dnd)");
  EXPECT_EQ(parse_presence_list("002=offline").at(0).second, Presence::offline);
}

}  // namespace
}  // namespace callplan
