// The CallSession API driven by hand, as a SIP server would: actions out, events in.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>

#include "callplan/session.hpp"
#include "simulate/fixture.hpp"

// Calls are designated initializers that leave the defaults of `Call` alone on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

// Counts heap allocations so that the steady state of routing can be shown to allocate nothing.
namespace {
std::atomic<long> g_allocations{0};
}
// Every form is replaced, so that memory from any `new` is released by the matching `delete`
// (ASan reports a mismatch when, say, its own nothrow `new` meets our `delete`).
namespace {
void* counted_malloc(std::size_t n) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
}  // namespace
void* operator new(std::size_t n) {
  if (void* p = counted_malloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = counted_malloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_malloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_malloc(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace callplan::testing {
namespace {

struct Host {
  std::shared_ptr<const Engine> engine = acme();
  CallSession session{engine};
  std::vector<Presence> presence = std::vector<Presence>(engine->user_count(), Presence::available);
  RoutingState state;
  Instant at = parse_call_instant("2026-11-30T10:00", *engine);

  void start(Caller caller, std::string_view to) {
    CallSetup setup;
    setup.caller = caller;
    setup.to = to;
    setup.at = at;
    setup.presence = presence;
    setup.state = &state;
    session.start(setup);
  }
  std::vector<Action> drain() {
    std::vector<Action> out;
    while (auto a = session.next_action()) out.push_back(*a);
    return out;
  }
  std::vector<std::string> targets(const Action& a) {
    std::vector<std::string> out;
    for (LegId id : a.legs) out.emplace_back(session.leg(id).target);
    return out;
  }
};

using Strings = std::vector<std::string>;

TEST(CallSession, RingAllGivesOneRingActionAndWaitsForTheTimeout) {
  Host h;
  h.start(Caller::external("+31612345678"), "+31881234501");
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Action::Kind::ring);
  EXPECT_EQ(h.targets(actions[0]), (Strings{"001", "002", "003"}));
  EXPECT_EQ(actions[0].timeout, 15u);
  EXPECT_EQ(h.session.wake_in(), 15u);
  EXPECT_FALSE(h.session.ended());
  // Internal legs show the caller (SPEC 3.8).
  EXPECT_EQ(h.session.leg(actions[0].legs[0]).caller_id, "+31612345678");

  h.session.advance_to(15);
  actions = h.drain();
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].kind, Action::Kind::stop);
  EXPECT_EQ(actions[0].reason, StopReason::timeout);
  EXPECT_EQ(h.targets(actions[0]), (Strings{"001", "002", "003"}));
  EXPECT_EQ(actions[1].kind, Action::Kind::end);
  ASSERT_TRUE(h.session.ended());
  EXPECT_EQ(h.session.outcome().disposition, Disposition::unanswered);
  EXPECT_EQ(h.session.outcome().t, 15u);
}

TEST(CallSession, AnswerStopsTheOtherLegsAndConnects) {
  Host h;
  h.start(Caller::external("+31612345678"), "+31881234501");
  auto ring = h.drain().at(0);
  LegId second = ring.legs[1];
  h.session.answered(second, 4);
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].kind, Action::Kind::stop);
  EXPECT_EQ(actions[0].reason, StopReason::answered_elsewhere);
  EXPECT_EQ(h.targets(actions[0]), (Strings{"001", "003"}));
  EXPECT_EQ(actions[1].kind, Action::Kind::connect);
  EXPECT_EQ(actions[1].legs[0], second);
  EXPECT_EQ(h.session.outcome().disposition, Disposition::answered);
  EXPECT_EQ(h.session.outcome().by, "002");
  EXPECT_EQ(h.session.outcome().t, 4u);
}

TEST(CallSession, AnswerInTheSecondOfTheTimeoutCounts) {
  Host h;
  h.start(Caller::external("+31612345678"), "+31881234503");  // cascade
  LegId first = h.drain().at(0).legs[0];
  h.session.answered(first, 15);
  EXPECT_EQ(h.session.outcome().disposition, Disposition::answered);
  EXPECT_EQ(h.session.outcome().t, 15u);
}

TEST(CallSession, LateEventsForStoppedLegsAreIgnored) {
  Host h;
  h.start(Caller::external("+31612345678"), "+31881234503");  // cascade
  LegId first = h.drain().at(0).legs[0];
  h.session.answered(first, 16);  // 001 stopped at 15, 002 rings since 15
  EXPECT_FALSE(h.session.ended());
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 2u);  // stop 001 at 15, ring 002 at 15
  EXPECT_EQ(h.targets(actions[1]), (Strings{"002"}));
  EXPECT_EQ(h.session.now(), 16u);
  EXPECT_EQ(h.session.wake_in(), 14u);
}

TEST(CallSession, BusyEverywhereEndsTheStepEarly) {
  Host h;
  h.start(Caller::external("+31612345678"), "+31881234503");  // cascade, then voicemail 004
  LegId first = h.drain().at(0).legs[0];
  h.session.busy(first, 3);
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].reason, StopReason::busy);
  EXPECT_EQ(h.targets(actions[1]), (Strings{"002"}));
  EXPECT_EQ(h.session.wake_in(), 15u);  // 002 rings 3..18
}

TEST(CallSession, UnavailableMembersTakeNoTime) {
  Host h;
  h.presence[0] = Presence::offline;  // 001
  h.presence[1] = Presence::dnd;      // 002
  h.start(Caller::external("+31612345678"), "+31881234503");  // cascade 001 002 003
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(h.targets(actions[0]), (Strings{"003"}));
  EXPECT_EQ(h.session.now(), 0u);
}

TEST(CallSession, CallerHangupAbandonsTheCall) {
  Host h;
  h.start(Caller::external("+31612345678"), "+31881234501");
  h.drain();
  h.session.caller_hung_up(9);
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].reason, StopReason::caller_hangup);
  EXPECT_EQ(actions[1].kind, Action::Kind::end);
  EXPECT_EQ(h.session.outcome().disposition, Disposition::abandoned);
  EXPECT_EQ(h.session.outcome().t, 9u);
}

TEST(CallSession, MenuCollectsDigitsAndFollowsTheOption) {
  Host h;
  h.start(Caller::external("+31612345678"), "+31881234508");
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Action::Kind::collect_digit);
  EXPECT_EQ(actions[0].audio, "welcome.wav");
  EXPECT_EQ(actions[0].timeout, 5u);
  h.session.digit('2', 2);
  actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Action::Kind::voicemail);
  EXPECT_EQ(h.engine->extension(actions[0].user), "004");
  EXPECT_EQ(h.session.outcome().disposition, Disposition::voicemail);
  EXPECT_EQ(h.session.outcome().user, "004");
  EXPECT_EQ(h.session.outcome().t, 2u);
}

TEST(CallSession, SetActionsQueuesOnlyTheKindsTheHostTakesAndLegsListsEveryLeg) {
  Host h;
  h.session.set_actions({Action::Kind::collect_digit});
  h.start(Caller::external("+31612345678"), "+31881234502");  // memory hunt 001, 002, 003
  EXPECT_TRUE(h.drain().empty());                              // the ring action is not queued
  ASSERT_EQ(h.session.legs().size(), 1u);
  EXPECT_EQ(h.session.legs()[0].id, 0u);
  EXPECT_EQ(h.session.legs()[0].target, "001");
  h.session.advance_to(15);
  EXPECT_TRUE(h.drain().empty());
  ASSERT_EQ(h.session.legs().size(), 2u);
  EXPECT_EQ(h.session.legs()[1].id, 1u);
  EXPECT_EQ(h.session.legs()[1].target, "002");
  h.session.answered(1, 20);
  EXPECT_TRUE(h.drain().empty());  // no stop, connect or end either
  EXPECT_EQ(h.session.outcome().disposition, Disposition::answered);
  EXPECT_EQ(h.session.outcome().by, "002");

  // Kept for the next call; a menu prompt is still handed out.
  h.start(Caller::external("+31612345678"), "+31881234508");
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Action::Kind::collect_digit);
  EXPECT_TRUE(h.session.legs().empty());

  // All kinds again.
  h.session.set_actions({Action::Kind::ring, Action::Kind::stop, Action::Kind::play,
                         Action::Kind::collect_digit, Action::Kind::voicemail,
                         Action::Kind::connect, Action::Kind::end});
  h.start(Caller::external("+31612345678"), "+31881234501");
  actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Action::Kind::ring);
  EXPECT_EQ(h.session.legs().size(), 3u);
}

TEST(CallSession, TransferToExternalShowsTheChosenNumber) {
  Host h;
  h.start(Caller::external("+31201112222"), "+31881234510");
  auto ring = h.drain().at(0);
  const Leg& leg = h.session.leg(ring.legs[0]);
  EXPECT_EQ(leg.kind, Leg::Kind::external);
  EXPECT_EQ(leg.target, "0201234567");
  EXPECT_EQ(leg.dial, "+31201234567");
  EXPECT_EQ(leg.caller_id, "+31881234567");
}

TEST(CallSession, RingGroupExternalMembersShowTheOriginalCaller) {
  Host h;
  h.start(Caller::from_user(1), "+31881234567");  // Bob calls the main number
  h.drain();                                         // reception rings 0..30
  h.session.advance_to(65);  // 002 (the caller) is skipped at 45, so the mobile rings from 60
  std::string shown;
  for (LegId id : h.session.ringing()) {
    if (h.session.leg(id).kind == Leg::Kind::external) shown = h.session.leg(id).caller_id;
  }
  EXPECT_EQ(shown, "+31881234567");  // Bob's caller_id: his number towards the outside
}

TEST(CallSession, UnlinkedOrUnknownDeviceIsRejected) {
  Host h;
  h.start(Caller::from_device(999), "+31881234567");
  EXPECT_EQ(h.session.outcome().disposition, Disposition::rejected);
  EXPECT_EQ(h.session.outcome().reason, RejectReason::unknown_device);
}

TEST(CallSession, NationalFormOfATenantNumberEntersItsPlan) {
  Host h;
  h.start(Caller::external("0201112222"), "0881234501");
  auto actions = h.drain();
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Action::Kind::ring);
}

TEST(RoundRobin, StartsAfterWhoAnsweredThenAfterTheFirstWhenNobodyAnswers) {
  Host h;
  auto first_target = [&] {
    h.start(Caller::external("+31612345678"), "+31881234504");
    return h.targets(h.drain().at(0)).at(0);
  };
  EXPECT_EQ(first_target(), "001");  // no position yet
  h.session.advance_to(15);          // 001 no answer, 002 rings
  h.drain();
  h.session.answered(h.session.ringing()[0], 20);  // 002 answers
  EXPECT_EQ(h.state.round_robin("round-robin/0"), "002");

  EXPECT_EQ(first_target(), "003");  // after 002
  h.session.advance_to(45);          // nobody answers: the position is this call's first
  EXPECT_EQ(h.state.round_robin("round-robin/0"), "003");

  EXPECT_EQ(first_target(), "001");
  h.session.caller_hung_up(3);
  EXPECT_EQ(first_target(), "002");
}

TEST(RoutingState, RoundTripsThroughJson) {
  RoutingState s(42);
  s.set_round_robin("main/2", "002");
  s.set_round_robin("sales/0/then/1", "+31612345678");
  RoutingState back = RoutingState::from_json(s.to_json());
  EXPECT_EQ(back, s);
  EXPECT_EQ(back.round_robin("main/2"), "002");
  EXPECT_EQ(back.random_state(), 42u);
  EXPECT_THROW(RoutingState::from_json("[1]"), Error);
  EXPECT_THROW(RoutingState::from_json(R"({"round_robin": {"a": 1}})"), Error);
  EXPECT_THROW(RoutingState::from_json(R"({"positions": {}})"), Error);
}

TEST(RandomStrategy, SameSeedSameOrderAndEveryMemberOnce) {
  auto engine = acme();
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    Call call{.to = "+31881234505", .seed = seed};
    RoutingState a, b;
    Trace ta = simulate(engine, call.scenario(*engine), a);
    Trace tb = simulate(engine, call.scenario(*engine), b);
    EXPECT_EQ(ta.rings(), tb.rings());
    auto rings = ta.rings();
    ASSERT_EQ(rings.size(), 3u);
    std::vector<std::string> members{rings[0].at(0), rings[1].at(0), rings[2].at(0)};
    std::sort(members.begin(), members.end());
    EXPECT_EQ(members, (Strings{"001", "002", "003"}));
  }
}

TEST(Allocation, RoutingACallInAReusedSessionDoesNotAllocate) {
  Host h;
  // Drains without collecting: the host's own vectors are not the session's business.
  auto drain = [&] {
    while (h.session.next_action()) {
    }
  };
  auto route = [&] {
    h.start(Caller::external("+31612345678"), "+31881234567");
    drain();
    h.session.advance_to(30);
    drain();
    h.session.advance_to(45);
    drain();
    h.session.answered(h.session.ringing().back(), 50);
    drain();
  };
  route();  // warm up: buffers reach their size
  long before = g_allocations.load();
  for (int i = 0; i < 100; ++i) route();
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_EQ(h.session.outcome().disposition, Disposition::answered);
}

TEST(Allocation, FastPathSimulatorDoesNotAllocateInSteadyState) {
  auto engine = acme();
  Simulator sim(engine);
  Call call{.from = "+31612345678", .to = "+31881234504", .answer = "002@3"};
  Scenario s = call.scenario(*engine);
  RoutingState state;
  sim.run(s, state);
  sim.run(s, state);
  sim.run(s, state);
  long before = g_allocations.load();
  for (int i = 0; i < 30; ++i) sim.run(s, state);
  EXPECT_EQ(g_allocations.load() - before, 0);
}

}  // namespace
}  // namespace callplan::testing
