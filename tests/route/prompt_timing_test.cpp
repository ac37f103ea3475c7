// Prompts take time (SPEC 3.9): the session holds the timeline for an announcement and starts a
// menu's digit time-out at the end of its prompt, timed by itself (PromptClock::session) or by
// the host's prompt_ended() (PromptClock::host). Lengths come from the scripted meter of
// simulate/fixture.hpp: closed.wav 4.5 s (counted 5), welcome.wav 6 s.
#include <gtest/gtest.h>

#include "callplan/session.hpp"
#include "simulate/fixture.hpp"

namespace callplan::testing {
namespace {

struct TimedHost {
  std::shared_ptr<const Engine> engine = acme_timed();
  CallSession session{engine};
  std::vector<Presence> presence = std::vector<Presence>(engine->user_count(), Presence::available);
  RoutingState state;

  void start(std::string_view to, std::string_view at) {
    CallSetup setup;
    setup.caller = Caller::external("+31612345678");
    setup.to = to;
    setup.at = parse_call_instant(std::string(at), *engine);
    setup.presence = presence;
    setup.state = &state;
    session.start(setup);
  }
  std::vector<Action> drain() {
    std::vector<Action> out;
    while (auto a = session.next_action()) out.push_back(*a);
    return out;
  }
};

constexpr std::string_view kMainLine = "+31881234567";
constexpr std::string_view kIvr = "+31881234508";
constexpr std::string_view kChristmas = "2026-12-25T10:00";
constexpr std::string_view kOfficeHours = "2026-11-30T10:00";

TEST(PromptSeconds, RoundsUpToWholeSecondsAndCountsUnknownAsZero) {
  EXPECT_EQ(prompt_timeline_seconds(std::nullopt), 0u);
  EXPECT_EQ(prompt_timeline_seconds(0.0), 0u);
  EXPECT_EQ(prompt_timeline_seconds(2.0), 2u);
  EXPECT_EQ(prompt_timeline_seconds(2.0000001), 2u);  // 16000 samples at 8 kHz, as a double
  EXPECT_EQ(prompt_timeline_seconds(2.2), 3u);
  EXPECT_EQ(prompt_timeline_seconds(-1.0), 0u);
}

TEST(PromptTiming, SessionClockHoldsTheNextStepUntilTheAnnouncementHasPlayed) {
  TimedHost h;
  h.start(kMainLine, kChristmas);
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Action::Kind::play);
  EXPECT_EQ(actions[0].audio, "closed.wav");
  EXPECT_EQ(actions[0].seconds, 5u);  // 4.5 s, rounded up
  EXPECT_FALSE(h.session.ended());
  EXPECT_EQ(h.session.wake_in(), std::optional<std::uint32_t>(5u));
  h.session.advance_to(4);
  EXPECT_TRUE(h.drain().empty());
  h.session.advance_to(5);
  actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Action::Kind::voicemail);
  EXPECT_EQ(h.session.outcome().t, 5u);
}

TEST(PromptTiming, CallerHangingUpDuringTheAnnouncementAbandonsTheCall) {
  TimedHost h;
  h.start(kMainLine, kChristmas);
  h.drain();
  h.session.caller_hung_up(3);
  EXPECT_EQ(h.session.outcome().disposition, Disposition::abandoned);
  EXPECT_EQ(h.session.outcome().t, 3u);
}

TEST(PromptTiming, SessionClockStartsTheMenuTimeoutWhenThePromptEnds) {
  TimedHost h;
  h.start(kIvr, kOfficeHours);
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Action::Kind::collect_digit);
  EXPECT_EQ(actions[0].seconds, 6u);
  EXPECT_EQ(actions[0].timeout, 5u);
  EXPECT_EQ(h.session.wake_in(), std::optional<std::uint32_t>(11u));  // 6 s prompt + 5 s
  h.session.advance_to(10);
  EXPECT_TRUE(h.drain().empty()) << "no time-out before the prompt's end + timeout";
  h.session.advance_to(11);
  actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);  // the retry plays the prompt again
  EXPECT_EQ(actions[0].kind, Action::Kind::collect_digit);
}

TEST(PromptTiming, DigitDuringThePromptCounts) {
  TimedHost h;
  h.start(kIvr, kOfficeHours);
  h.drain();
  h.session.digit('2', 2);  // barge-in
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Action::Kind::voicemail);
  EXPECT_EQ(h.session.outcome().t, 2u);
}

TEST(PromptTiming, HostClockWaitsForPromptEndedInsteadOfTheKnownLength) {
  TimedHost h;
  h.session.set_prompt_clock(PromptClock::host);
  h.start(kMainLine, kChristmas);
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].seconds, 5u);  // still told, e.g. for a safety timer
  EXPECT_EQ(h.session.wake_in(), std::nullopt) << "the host says when the prompt has played";
  h.session.advance_to(30);
  EXPECT_TRUE(h.drain().empty());
  EXPECT_FALSE(h.session.ended());
  h.session.prompt_ended(31);  // the real audio was longer than the file's header said
  actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Action::Kind::voicemail);
  EXPECT_EQ(h.session.outcome().t, 31u);
}

TEST(PromptTiming, HostClockStartsTheMenuTimeoutAtPromptEnded) {
  TimedHost h;
  h.session.set_prompt_clock(PromptClock::host);
  h.start(kIvr, kOfficeHours);
  h.drain();
  EXPECT_EQ(h.session.wake_in(), std::nullopt);
  h.session.prompt_ended(4);
  EXPECT_EQ(h.session.wake_in(), std::optional<std::uint32_t>(5u));  // now 4, time-out at 9
  EXPECT_EQ(h.session.now(), 4u);
  h.session.prompt_ended(6);  // no prompt plays any more: ignored
  EXPECT_EQ(h.session.wake_in(), std::optional<std::uint32_t>(3u));
  h.session.advance_to(9);
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Action::Kind::collect_digit);  // the retry
  EXPECT_EQ(h.session.wake_in(), std::nullopt);             // its prompt plays again
}

TEST(PromptTiming, SessionClockIgnoresPromptEnded) {
  TimedHost h;
  h.start(kMainLine, kChristmas);
  h.drain();
  h.session.prompt_ended(1);  // ignored altogether: not even the time moves
  EXPECT_TRUE(h.drain().empty());
  EXPECT_FALSE(h.session.ended());
  EXPECT_EQ(h.session.now(), 0u);
  EXPECT_EQ(h.session.wake_in(), std::optional<std::uint32_t>(5u));
}

TEST(PromptTiming, PromptClockSurvivesResetAndNextCall) {
  TimedHost h;
  h.session.set_prompt_clock(PromptClock::host);
  h.session.reset(h.engine);
  EXPECT_EQ(h.session.prompt_clock(), PromptClock::host);
}

TEST(PromptTiming, UnmeasuredPromptsTakeNoTime) {
  // acme() is compiled without a meter: every prompt counts 0 s, as before SPEC 3.9.
  auto engine = acme();
  CallSession session(engine);
  std::vector<Presence> presence(engine->user_count(), Presence::available);
  CallSetup setup;
  setup.caller = Caller::external("+31612345678");
  setup.to = kMainLine;
  setup.at = parse_call_instant(std::string(kChristmas), *engine);
  setup.presence = presence;
  session.start(setup);
  EXPECT_TRUE(session.ended());
  EXPECT_EQ(session.outcome().disposition, Disposition::voicemail);
  EXPECT_EQ(session.outcome().t, 0u);
}

}  // namespace
}  // namespace callplan::testing
