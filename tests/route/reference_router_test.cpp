// Unit tests of the naive reference router (tests/support/reference_router.*) on the SPEC's
// own examples, so that the property tests compare the engine with something known to follow
// the SPEC where the SPEC is explicit.
#include <chrono>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "callplan/check.hpp"
#include "callplan/load.hpp"
#include "callplan/schedule.hpp"
#include "support/reference_router.hpp"
#include "support/tenant_gen.hpp"

namespace callplan {
namespace {

using nlohmann::json;
using reference::Answer;
using reference::Presence;
using reference::RoundRobinState;
using reference::Scenario;
using namespace testgen;

const std::string kMain = "+31881234567";

// 2026-11-30T10:00:00+01:00, a Monday.
Instant monday_10am() {
  return Instant{std::chrono::sys_days{std::chrono::year{2026} / 11 / 30}} + std::chrono::hours{9};
}

reference::ScheduleMatcher always(bool open) {
  return [open](std::string_view, Instant) { return open; };
}

// A tenant with users 001 002 003 (voicemail on for 001) and number kMain -> plan "main".
Tenant three_users(StepList main_steps) {
  Tenant t = tenant_with_users({"001", "002", "003"});
  t.users[0].voicemail.value = true;
  t.numbers.push_back(make_number(kMain, "main"));
  t.plans.push_back(make_plan("main", std::move(main_steps)));
  return t;
}

Scenario call_main() {
  Scenario s;
  s.from = "+31612345678";
  s.to = kMain;
  s.at = monday_10am();
  return s;
}

json route(const Tenant& t, const Scenario& s, RoundRobinState& rr,
           const reference::ScheduleMatcher& schedules = always(true)) {
  return reference::route(t, schedules, s, rr);
}

json route(const Tenant& t, const Scenario& s) {
  RoundRobinState rr;
  return route(t, s, rr);
}

// --- SPEC 3.4 golden example: members 001 002 003, T = 15, nobody answers ---------------------

StepList golden_group(Strategy strategy) {
  return {ring_group_step(strategy, {"001", "002", "003"}, 15), voicemail_step("001")};
}

TEST(ReferenceRouter, RingAllRingsEveryoneForOneTimeout) {
  json trace = route(three_users(golden_group(Strategy::ring_all)), call_main());
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0,  "type": "plan", "plan": "main", "step": "main"},
    {"t": 0,  "type": "ring", "targets": ["001", "002", "003"], "timeout": 15, "step": "main/0"},
    {"t": 15, "type": "stop", "targets": ["001", "002", "003"], "reason": "timeout", "step": "main/0"},
    {"t": 15, "type": "voicemail", "user": "001", "step": "main/1"}
  ])")) << trace.dump(2);
  EXPECT_EQ(trace["result"], json::parse(R"({"disposition": "voicemail", "user": "001", "t": 15})"));
}

TEST(ReferenceRouter, MemoryHuntAddsOneMemberPerTimeoutAndKeepsEarlierLegsRinging) {
  json trace = route(three_users(golden_group(Strategy::memory_hunt)), call_main());
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0,  "type": "plan", "plan": "main", "step": "main"},
    {"t": 0,  "type": "ring", "targets": ["001"], "timeout": 15, "step": "main/0"},
    {"t": 15, "type": "ring", "targets": ["002"], "timeout": 15, "step": "main/0"},
    {"t": 30, "type": "ring", "targets": ["003"], "timeout": 15, "step": "main/0"},
    {"t": 45, "type": "stop", "targets": ["001", "002", "003"], "reason": "timeout", "step": "main/0"},
    {"t": 45, "type": "voicemail", "user": "001", "step": "main/1"}
  ])")) << trace.dump(2);
}

TEST(ReferenceRouter, CascadeRingsOneMemberAtATime) {
  json trace = route(three_users(golden_group(Strategy::cascade)), call_main());
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0,  "type": "plan", "plan": "main", "step": "main"},
    {"t": 0,  "type": "ring", "targets": ["001"], "timeout": 15, "step": "main/0"},
    {"t": 15, "type": "stop", "targets": ["001"], "reason": "timeout", "step": "main/0"},
    {"t": 15, "type": "ring", "targets": ["002"], "timeout": 15, "step": "main/0"},
    {"t": 30, "type": "stop", "targets": ["002"], "reason": "timeout", "step": "main/0"},
    {"t": 30, "type": "ring", "targets": ["003"], "timeout": 15, "step": "main/0"},
    {"t": 45, "type": "stop", "targets": ["003"], "reason": "timeout", "step": "main/0"},
    {"t": 45, "type": "voicemail", "user": "001", "step": "main/1"}
  ])")) << trace.dump(2);
}

TEST(ReferenceRouter, RoundRobinStartsAfterThePreviousCallsAnswerer) {
  Tenant t = three_users(golden_group(Strategy::round_robin));
  RoundRobinState rr;
  // The previous call: 001 does not answer, 002 answers 5 s after it starts ringing (t = 20).
  Scenario previous = call_main();
  previous.answers["002"] = Answer::after(5);
  json first = route(t, previous, rr);
  EXPECT_EQ(first["result"], json::parse(R"({"disposition": "answered", "by": "002", "t": 20})"));
  EXPECT_EQ(rr.at("main/0"), 2u);  // next call starts with 003

  json trace = route(t, call_main(), rr);
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0,  "type": "plan", "plan": "main", "step": "main"},
    {"t": 0,  "type": "ring", "targets": ["003"], "timeout": 15, "step": "main/0"},
    {"t": 15, "type": "stop", "targets": ["003"], "reason": "timeout", "step": "main/0"},
    {"t": 15, "type": "ring", "targets": ["001"], "timeout": 15, "step": "main/0"},
    {"t": 30, "type": "stop", "targets": ["001"], "reason": "timeout", "step": "main/0"},
    {"t": 30, "type": "ring", "targets": ["002"], "timeout": 15, "step": "main/0"},
    {"t": 45, "type": "stop", "targets": ["002"], "reason": "timeout", "step": "main/0"},
    {"t": 45, "type": "voicemail", "user": "001", "step": "main/1"}
  ])")) << trace.dump(2);
  // Nobody answered: the next call starts after this call's first member (003) -> 001.
  EXPECT_EQ(rr.at("main/0"), 0u);
}

// --- SPEC 5 trace example ---------------------------------------------------------------------

TEST(ReferenceRouter, ReproducesTheSpecTraceExample) {
  Tenant t = three_users({
      condition_step("office_hours", std::nullopt,
                     StepList{announcement_step("closed.wav"), voicemail_step("001")}),
      transfer_step("001", false, 30),
      ring_group_step(Strategy::memory_hunt, {"001", "002", "003", "0612345678"}, 15),
      voicemail_step("001"),
  });
  t.schedules.push_back(weekly_schedule("office_hours", 0x1F, 8 * 60 + 30, 17 * 60 + 30));
  Scenario s = call_main();
  s.answers["002"] = Answer::after(7);
  std::vector<Instant> asked;
  RoundRobinState rr;
  json trace = route(t, s, rr, [&](std::string_view name, Instant at) {
    EXPECT_EQ(name, "office_hours");
    asked.push_back(at);
    return true;
  });
  EXPECT_EQ(trace, json::parse(R"({
    "call": {"from": "+31612345678", "to": "+31881234567", "at": "2026-11-30T10:00:00+01:00"},
    "events": [
      {"t": 0,  "type": "plan",      "plan": "main", "step": "main"},
      {"t": 0,  "type": "condition", "schedule": "office_hours", "matched": true, "step": "main/0"},
      {"t": 0,  "type": "ring",      "targets": ["001"], "timeout": 30, "step": "main/1"},
      {"t": 30, "type": "stop",      "targets": ["001"], "reason": "timeout", "step": "main/1"},
      {"t": 30, "type": "ring",      "targets": ["001"], "timeout": 15, "step": "main/2"},
      {"t": 45, "type": "ring",      "targets": ["002"], "timeout": 15, "step": "main/2"},
      {"t": 52, "type": "answer",    "by": "002", "step": "main/2"}
    ],
    "result": {"disposition": "answered", "by": "002", "t": 52}
  })")) << trace.dump(2);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0], monday_10am());
}

// The same example from the SPEC 2 tenant file, through the loader and the real schedules.
TEST(ReferenceRouter, ReproducesTheSpecTraceExampleFromYaml) {
  LoadResult loaded = load_string(R"(version: 1
tenant: {name: Acme BV, login: acme, timezone: Europe/Amsterdam}
numbers:
  - {number: "+31881234567", plan: main}
users:
  - {extension: "001", first_name: Anna, last_name: de Vries, email: anna@acme.example,
     voicemail: true, caller_id: "+31881234567"}
  - {extension: "002", first_name: Bob, last_name: Bakker, email: bob@acme.example}
  - {extension: "003", first_name: Cor, last_name: Smit, email: cor@acme.example}
devices:
  - {id: reception, name: Reception, user: "001", sip: {password: a}}
  - {id: bob, name: Bob, user: "002", sip: {password: b}}
  - {id: cor, name: Cor, user: "003", sip: {password: c}}
schedules:
  office_hours:
    weekly:
      - {days: mon-fri, from: "08:30", to: "17:30"}
plans:
  - id: main
    steps:
      - time_condition:
          schedule: office_hours
          else:
            - announcement: {audio: closed.wav}
            - voicemail: {user: "001"}
      - transfer: {to: "001", follow_personal_plan: false, timeout: 30}
      - ring_group: {strategy: memory_hunt, members: ["001", "002", "003", "0612345678"], timeout: 15}
      - voicemail: {user: "001"}
)");
  ASSERT_FALSE(has_errors(loaded.issues));
  ASSERT_FALSE(has_errors(check(loaded.tenant)));
  const ScheduleSet schedules = ScheduleSet::compile(loaded.tenant);
  Scenario s = call_main();
  s.answers["002"] = Answer::after(7);
  RoundRobinState rr;
  json trace = reference::route(loaded.tenant, reference::schedule_matcher(schedules), s, rr);
  EXPECT_EQ(trace["events"].size(), 7u) << trace.dump(2);
  EXPECT_EQ(trace["events"][1],
            json::parse(R"({"t": 0, "type": "condition", "schedule": "office_hours",
                            "matched": true, "step": "main/0"})"));
  EXPECT_EQ(trace["result"], json::parse(R"({"disposition": "answered", "by": "002", "t": 52})"));

  // Christmas Day 2026 is a Friday, but 20:00 is after hours: the else branch.
  s.at = Instant{std::chrono::sys_days{std::chrono::year{2026} / 12 / 25}} + std::chrono::hours{19};
  trace = reference::route(loaded.tenant, reference::schedule_matcher(schedules), s, rr);
  EXPECT_EQ(trace["result"], json::parse(R"({"disposition": "voicemail", "user": "001", "t": 0})"))
      << trace.dump(2);
}

TEST(ReferenceRouter, ClosedBranchPathsNameTheElseSteps) {
  Tenant t = three_users({
      condition_step("office_hours", std::nullopt,
                     StepList{announcement_step("closed.wav"), voicemail_step("001")}),
      transfer_step("001", false, 30),
  });
  RoundRobinState rr;
  json trace = route(t, call_main(), rr, always(false));
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0, "type": "plan", "plan": "main", "step": "main"},
    {"t": 0, "type": "condition", "schedule": "office_hours", "matched": false, "step": "main/0"},
    {"t": 0, "type": "announcement", "audio": "closed.wav", "seconds": 0, "step": "main/0/else/0"},
    {"t": 0, "type": "voicemail", "user": "001", "step": "main/0/else/1"}
  ])")) << trace.dump(2);
}

TEST(ReferenceRouter, EvaluatesLaterConditionsAtTheSecondTheyAreReached) {
  Tenant t = three_users({transfer_step("002", false, 30),
                          condition_step("office_hours", StepList{hangup_step()}, std::nullopt)});
  std::vector<Instant> asked;
  RoundRobinState rr;
  route(t, call_main(), rr, [&](std::string_view, Instant at) {
    asked.push_back(at);
    return true;
  });
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0], monday_10am() + std::chrono::seconds{30});
}

// --- availability, duplicates, the caller (SPEC 3.3) ------------------------------------------

TEST(ReferenceRouter, SkipsUnavailableMembersWithoutWaiting) {
  Tenant t = three_users(
      {ring_group_step(Strategy::cascade, {"001", "002", "003"}, 15), hangup_step()});
  Scenario s = call_main();
  s.presence["001"] = Presence::offline;
  s.presence["003"] = Presence::dnd;
  json trace = route(t, s);
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0,  "type": "plan", "plan": "main", "step": "main"},
    {"t": 0,  "type": "skip", "target": "001", "reason": "offline", "step": "main/0"},
    {"t": 0,  "type": "ring", "targets": ["002"], "timeout": 15, "step": "main/0"},
    {"t": 15, "type": "stop", "targets": ["002"], "reason": "timeout", "step": "main/0"},
    {"t": 15, "type": "skip", "target": "003", "reason": "dnd", "step": "main/0"},
    {"t": 15, "type": "hangup", "step": "main/1"}
  ])")) << trace.dump(2);
  EXPECT_EQ(trace["result"], json::parse(R"({"disposition": "hangup", "t": 15})"));
}

TEST(ReferenceRouter, AUserWithoutDeviceIsSkippedAsNoDevice) {
  Tenant t = three_users({transfer_step("003", false, 30)});
  t.devices.pop_back();  // 003 has no device any more
  json trace = route(t, call_main());
  EXPECT_EQ(trace["events"][1],
            json::parse(R"({"t": 0, "type": "skip", "target": "003", "reason": "no_device",
                            "step": "main/0"})"));
  EXPECT_EQ(trace["result"], json::parse(R"({"disposition": "unanswered", "t": 0})"));
}

TEST(ReferenceRouter, NeverRingsTheCallerAndRingsDuplicatesOnce) {
  Tenant t = three_users({ring_group_step(Strategy::ring_all, {"001", "002", "001", "002"}, 20)});
  Scenario s = call_main();
  s.from = "002";
  json trace = route(t, s);
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0,  "type": "plan", "plan": "main", "step": "main"},
    {"t": 0,  "type": "skip", "target": "002", "reason": "caller", "step": "main/0"},
    {"t": 0,  "type": "skip", "target": "001", "reason": "duplicate", "step": "main/0"},
    {"t": 0,  "type": "skip", "target": "002", "reason": "duplicate", "step": "main/0"},
    {"t": 0,  "type": "ring", "targets": ["001"], "timeout": 20, "step": "main/0"},
    {"t": 20, "type": "stop", "targets": ["001"], "reason": "timeout", "step": "main/0"}
  ])")) << trace.dump(2);
}

TEST(ReferenceRouter, EndsAStepEarlyWhenEveryLegRejectsBusy) {
  Tenant t = three_users({ring_group_step(Strategy::ring_all, {"001", "0612345678"}, 20),
                          voicemail_step("001")});
  Scenario s = call_main();
  s.answers["001"] = Answer::reject_busy();
  s.answers["0612345678"] = Answer::reject_busy();
  json trace = route(t, s);
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0, "type": "plan", "plan": "main", "step": "main"},
    {"t": 0, "type": "ring", "targets": ["001", "0612345678"], "timeout": 20, "step": "main/0"},
    {"t": 0, "type": "stop", "targets": ["001", "0612345678"], "reason": "busy", "step": "main/0"},
    {"t": 0, "type": "voicemail", "user": "001", "step": "main/1"}
  ])")) << trace.dump(2);
}

TEST(ReferenceRouter, MemoryHuntAnswerByAnEarlierLegCountsFromItsOwnStart) {
  Tenant t = three_users({ring_group_step(Strategy::memory_hunt, {"001", "002", "003"}, 15)});
  Scenario s = call_main();
  s.answers["001"] = Answer::after(40);  // still ringing in the third turn
  json trace = route(t, s);
  EXPECT_EQ(trace["result"], json::parse(R"({"disposition": "answered", "by": "001", "t": 40})"));
}

TEST(ReferenceRouter, CascadeLegStopsBeforeALateAnswer) {
  Tenant t = three_users({ring_group_step(Strategy::cascade, {"001", "002"}, 15)});
  Scenario s = call_main();
  s.answers["001"] = Answer::after(20);  // 001 rings only 0..15
  json trace = route(t, s);
  EXPECT_EQ(trace["result"], json::parse(R"({"disposition": "unanswered", "t": 30})"));
}

TEST(ReferenceRouter, AnAnswerInTheTimeoutSecondWins) {
  Tenant t = three_users({transfer_step("002", false, 30)});
  Scenario s = call_main();
  s.answers["002"] = Answer::after(30);
  EXPECT_EQ(route(t, s)["result"],
            json::parse(R"({"disposition": "answered", "by": "002", "t": 30})"));
}

TEST(ReferenceRouter, MaxDurationCapsTheGroup) {
  Tenant t = three_users(
      {ring_group_step(Strategy::cascade, {"001", "002", "003"}, 15, 20), hangup_step()});
  json trace = route(t, call_main());
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0,  "type": "plan", "plan": "main", "step": "main"},
    {"t": 0,  "type": "ring", "targets": ["001"], "timeout": 15, "step": "main/0"},
    {"t": 15, "type": "stop", "targets": ["001"], "reason": "timeout", "step": "main/0"},
    {"t": 15, "type": "ring", "targets": ["002"], "timeout": 15, "step": "main/0"},
    {"t": 20, "type": "stop", "targets": ["002"], "reason": "max_duration", "step": "main/0"},
    {"t": 20, "type": "hangup", "step": "main/1"}
  ])")) << trace.dump(2);
}

TEST(ReferenceRouter, AlternativeReadingsOfTheCapTieAndOfAnswersElsewhere) {
  Tenant t = three_users({ring_group_step(Strategy::memory_hunt, {"001", "002"}, 15, 30)});
  reference::Readings readings;
  readings.timeout_wins_cap_tie = true;
  {
    // The cap cuts the hunt short at 15 (002 not added yet): still max_duration.
    Tenant early = three_users({ring_group_step(Strategy::memory_hunt, {"001", "002"}, 15, 15)});
    RoundRobinState rr;
    EXPECT_EQ(reference::route(early, always(true), call_main(), rr, readings)["events"].back(),
              json::parse(R"({"t": 15, "type": "stop", "targets": ["001"],
                              "reason": "max_duration", "step": "main/0"})"));
  }
  readings.timeout_wins_cap_tie = true;
  readings.stop_answered_elsewhere = true;
  RoundRobinState rr;
  json trace = reference::route(t, always(true), call_main(), rr, readings);
  EXPECT_EQ(trace["events"].back(),
            json::parse(R"({"t": 30, "type": "stop", "targets": ["001", "002"],
                            "reason": "timeout", "step": "main/0"})"));
  trace = route(t, call_main());  // the reference's own reading
  EXPECT_EQ(trace["events"].back()["reason"], "max_duration");

  Scenario s = call_main();
  s.answers["002"] = Answer::after(3);
  trace = reference::route(t, always(true), s, rr, readings);
  const json tail = {trace["events"][trace["events"].size() - 2], trace["events"].back()};
  EXPECT_EQ(tail, json::parse(R"([
    {"t": 18, "type": "answer", "by": "002", "step": "main/0"},
    {"t": 18, "type": "stop", "targets": ["001"], "reason": "answered_elsewhere", "step": "main/0"}
  ])")) << trace.dump(2);
}

TEST(ReferenceRouter, RoundRobinPositionsByIndexOrByName) {
  Tenant t = three_users({ring_group_step(Strategy::round_robin, {"001", "001", "002"}, 10)});
  RoundRobinState by_index;
  route(t, call_main(), by_index);  // starts at 0, nobody answers: next starts at 1
  EXPECT_EQ(by_index.at("main/0"), 1u);
  route(t, call_main(), by_index);  // starts at 1 (the second listing of 001): next at 2
  EXPECT_EQ(by_index.at("main/0"), 2u);

  reference::Readings readings;
  readings.round_robin_position_by_name = true;
  RoundRobinState by_name;
  for (int call = 0; call < 2; ++call) {
    reference::route(t, always(true), call_main(), by_name, readings);
    EXPECT_EQ(by_name.at("main/0"), 1u);  // "after 001" is always index 1
  }
}

TEST(ReferenceRouter, CallerHangupStopsRingingLegs) {
  Tenant t = three_users({ring_group_step(Strategy::ring_all, {"001", "002"}, 30)});
  Scenario s = call_main();
  s.hangup_after = 12;
  json trace = route(t, s);
  EXPECT_EQ(trace["events"].back(),
            json::parse(R"({"t": 12, "type": "stop", "targets": ["001", "002"],
                            "reason": "caller_hangup", "step": "main/0"})"));
  EXPECT_EQ(trace["result"], json::parse(R"({"disposition": "abandoned", "t": 12})"));
}

// --- personal plans and loops (SPEC 3.2, 3.7) -------------------------------------------------

TEST(ReferenceRouter, DefaultPersonalPlanRingsThenVoicemail) {
  Tenant t = three_users({transfer_step("001", true), hangup_step()});
  json trace = route(t, call_main());
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0,  "type": "plan", "plan": "main", "step": "main"},
    {"t": 0,  "type": "plan", "plan": "personal:001", "step": "personal:001"},
    {"t": 0,  "type": "ring", "targets": ["001"], "timeout": 30, "step": "personal:001/0"},
    {"t": 30, "type": "stop", "targets": ["001"], "reason": "timeout", "step": "personal:001/0"},
    {"t": 30, "type": "voicemail", "user": "001", "step": "personal:001/1"}
  ])")) << trace.dump(2);
}

TEST(ReferenceRouter, FollowedTransferNeverReturnsToTheRestOfThePlan) {
  Tenant t = three_users({transfer_step("002", true), hangup_step()});
  json trace = route(t, call_main());  // 002 has no voicemail: unanswered, no hangup step
  EXPECT_EQ(trace["result"], json::parse(R"({"disposition": "unanswered", "t": 30})"));
}

TEST(ReferenceRouter, InternalCallToAnExtensionEntersThePersonalPlan) {
  Tenant t = three_users({hangup_step()});
  t.users[1].plan.value = "p2";
  t.plans.push_back(make_plan("p2", {announcement_step("hi.wav"), voicemail_step("001")}));
  Scenario s = call_main();
  s.from = "003";
  s.to = "002";
  json trace = route(t, s);
  EXPECT_EQ(trace["events"][0], json::parse(R"({"t": 0, "type": "plan", "plan": "p2", "step": "p2"})"));
  EXPECT_EQ(trace["result"], json::parse(R"({"disposition": "voicemail", "user": "001", "t": 0})"));
}

TEST(ReferenceRouter, SkipsAGotoIntoAPlanTheCallIsAlreadyIn) {
  Tenant t = three_users({goto_step("b")});
  t.plans.push_back(make_plan("b", {announcement_step("b.wav"), goto_step("main")}));
  json trace = route(t, call_main());
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0, "type": "plan", "plan": "main", "step": "main"},
    {"t": 0, "type": "plan", "plan": "b", "step": "b"},
    {"t": 0, "type": "announcement", "audio": "b.wav", "seconds": 0, "step": "b/0"},
    {"t": 0, "type": "loop", "plan": "main", "step": "b/1"}
  ])")) << trace.dump(2);
  EXPECT_EQ(trace["result"], json::parse(R"({"disposition": "unanswered", "t": 0})"));
}

TEST(ReferenceRouter, EntersAtMostSixteenPlans) {
  // 20 users, each with a personal plan that hands the call to the next user's plan.
  std::vector<std::string> extensions;
  for (int i = 0; i < 20; ++i) extensions.push_back(std::to_string(10 + i));
  Tenant t = tenant_with_users(extensions);
  t.numbers.push_back(make_number(kMain, "main"));
  t.plans.push_back(make_plan("main", {transfer_step("10", true)}));
  for (int i = 0; i < 20; ++i) {
    t.users[static_cast<std::size_t>(i)].plan.value = "u" + std::to_string(10 + i);
    StepList steps;
    if (i + 1 < 20) steps.push_back(transfer_step(std::to_string(11 + i), true));
    t.plans.push_back(make_plan("u" + std::to_string(10 + i), std::move(steps)));
  }
  json trace = route(t, call_main());
  int plans = 0;
  for (const json& e : trace["events"]) plans += e["type"] == "plan";
  EXPECT_EQ(plans, 16);
  // main, u10 .. u24 entered; u25 is refused.
  EXPECT_EQ(trace["events"].back(),
            json::parse(R"({"t": 0, "type": "loop", "plan": "u25", "step": "u24/0", "limit": 16})"));
  EXPECT_EQ(trace["result"]["disposition"], "unanswered");
}

// --- menus (SPEC 3.6) -------------------------------------------------------------------------

StepList menu_plan() {
  return {menu_step("menu.wav", {{"1", {voicemail_step("001")}}}, 5, 2,
                    StepList{hangup_step()}),
          transfer_step("002", false, 10)};
}

TEST(ReferenceRouter, MenuFollowsAKnownDigitAtOnce) {
  Scenario s = call_main();
  s.digits = "1";
  json trace = route(three_users(menu_plan()), s);
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0, "type": "plan", "plan": "main", "step": "main"},
    {"t": 0, "type": "menu", "prompt": "menu.wav", "seconds": 0, "attempt": 1, "timeout": 5, "step": "main/0"},
    {"t": 0, "type": "menu", "digit": "1", "step": "main/0"},
    {"t": 0, "type": "voicemail", "user": "001", "step": "main/0/1/0"}
  ])")) << trace.dump(2);
}

TEST(ReferenceRouter, MenuRetriesUnknownDigitsThenFollowsInvalid) {
  Scenario s = call_main();
  s.digits = "7";  // unknown, then nothing twice: last play had no digit -> next step
  json trace = route(three_users(menu_plan()), s);
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0,  "type": "plan", "plan": "main", "step": "main"},
    {"t": 0,  "type": "menu", "prompt": "menu.wav", "seconds": 0, "attempt": 1, "timeout": 5, "step": "main/0"},
    {"t": 0,  "type": "menu", "digit": "7", "invalid": true, "step": "main/0"},
    {"t": 0,  "type": "menu", "prompt": "menu.wav", "seconds": 0, "attempt": 2, "timeout": 5, "step": "main/0"},
    {"t": 5,  "type": "menu", "no_digit": true, "step": "main/0"},
    {"t": 5,  "type": "menu", "prompt": "menu.wav", "seconds": 0, "attempt": 3, "timeout": 5, "step": "main/0"},
    {"t": 10, "type": "menu", "no_digit": true, "step": "main/0"},
    {"t": 10, "type": "ring", "targets": ["002"], "timeout": 10, "step": "main/1"},
    {"t": 20, "type": "stop", "targets": ["002"], "reason": "timeout", "step": "main/1"}
  ])")) << trace.dump(2);

  s.digits = "778";  // three unknown digits: the invalid branch
  trace = route(three_users(menu_plan()), s);
  EXPECT_EQ(trace["events"].back(), json::parse(R"({"t": 0, "type": "hangup", "step": "main/0/invalid/0"})"));
}

TEST(ReferenceRouter, MenuUnderscorePressesNothingForThatPlay) {
  Scenario s = call_main();
  s.digits = "_1";  // the first play waits out its time-out, the second takes the 1
  json trace = route(three_users(menu_plan()), s);
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0, "type": "plan", "plan": "main", "step": "main"},
    {"t": 0, "type": "menu", "prompt": "menu.wav", "seconds": 0, "attempt": 1, "timeout": 5, "step": "main/0"},
    {"t": 5, "type": "menu", "no_digit": true, "step": "main/0"},
    {"t": 5, "type": "menu", "prompt": "menu.wav", "seconds": 0, "attempt": 2, "timeout": 5, "step": "main/0"},
    {"t": 5, "type": "menu", "digit": "1", "step": "main/0"},
    {"t": 5, "type": "voicemail", "user": "001", "step": "main/0/1/0"}
  ])")) << trace.dump(2);
}

TEST(ReferenceRouter, HangupDuringAMenuWaitEndsTheCallWithoutNoDigit) {
  Scenario s = call_main();
  s.hangup_after = 5;  // the second the wait ends: the hang-up comes first (R8)
  json trace = route(three_users(menu_plan()), s);
  EXPECT_EQ(trace["events"].back(),
            json::parse(R"({"t": 0, "type": "menu", "prompt": "menu.wav", "seconds": 0, "attempt": 1,
                            "timeout": 5, "step": "main/0"})"));
  EXPECT_EQ(trace["result"], json::parse(R"({"disposition": "abandoned", "t": 5})"));
}

// --- caller ID (SPEC 3.8) ---------------------------------------------------------------------

TEST(ReferenceRouter, RingEventsSayWhatExternalLegsShowWhenItIsNotTheCaller) {
  Tenant t = three_users({ring_group_step(Strategy::ring_all, {"002", "+31612345001"}, 10),
                          transfer_step("+31612345002", false, 10),
                          transfer_step("+31612345002", false, 10, kMain)});
  t.users[0].caller_id.value = kMain;
  const auto ring_caller_ids = [&](const Scenario& s) {
    const json trace = route(t, s);
    json shown = json::array();
    for (const json& e : trace["events"]) {
      if (e["type"] == "ring") shown.push_back(e.value("caller_id", "-"));
    }
    return shown;
  };
  // An external caller: ring group and default transfer show the caller itself (no field, -);
  // a transfer with a caller_id shows that number.
  EXPECT_EQ(ring_caller_ids(call_main()), json::parse(R"(["-", "-", "+31881234567"])"));
  // A user calling the tenant's number: external legs show the user's caller_id.
  Scenario internal = call_main();
  internal.from = "001";
  EXPECT_EQ(ring_caller_ids(internal),
            json::parse(R"(["+31881234567", "+31881234567", "+31881234567"])"));
  // A user without a caller_id shows `anonymous` outside.
  internal.from = "003";
  EXPECT_EQ(ring_caller_ids(internal), json::parse(R"(["anonymous", "anonymous", "+31881234567"])"));
}

TEST(ReferenceRouter, OutboundCallsRingTheNumberShowingTheUsersCallerId) {
  Tenant t = three_users({hangup_step()});
  t.users[1].caller_id.value = kMain;
  Scenario s = call_main();
  s.from = "002";
  s.to = "+31612345001";
  json trace = route(t, s);
  EXPECT_EQ(trace["events"], json::parse(R"([
    {"t": 0,  "type": "ring", "targets": ["+31612345001"], "timeout": 60,
     "caller_id": "+31881234567", "step": "outbound"},
    {"t": 60, "type": "stop", "targets": ["+31612345001"], "reason": "timeout", "step": "outbound"}
  ])")) << trace.dump(2);
  EXPECT_EQ(trace["result"], json::parse(R"({"disposition": "unanswered", "t": 60})"));
}

// --- entry (SPEC 3.1) -------------------------------------------------------------------------

TEST(ReferenceRouter, RejectsUnknownNumbersAndExternalCallsToExtensions) {
  Tenant t = three_users({hangup_step()});
  Scenario s = call_main();
  s.to = "+31880000000";
  EXPECT_EQ(route(t, s)["result"],
            json::parse(R"({"disposition": "rejected", "reason": "unknown_number", "t": 0})"));
  s.to = "002";
  EXPECT_EQ(route(t, s)["events"],
            json::parse(R"([{"t": 0, "type": "reject", "reason": "unknown_number"}])"));
}

TEST(ReferenceRouter, RejectsAUserDiallingAnExtensionNobodyHas) {
  Scenario s = call_main();
  s.from = "001";
  s.to = "999";
  EXPECT_EQ(route(three_users({hangup_step()}), s)["events"],
            json::parse(R"([{"t": 0, "type": "reject", "reason": "unknown_extension"}])"));
}

TEST(ReferenceRouter, RejectsACallerWithoutDevice) {
  Tenant t = three_users({hangup_step()});
  t.devices.erase(t.devices.begin());  // 001 has no device
  Scenario s = call_main();
  s.from = "001";
  EXPECT_EQ(route(t, s)["result"],
            json::parse(R"({"disposition": "rejected", "reason": "unlinked_device", "t": 0})"));
}

}  // namespace
}  // namespace callplan
