#include "sip/transport/timer_queue.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace callplan::sip {
namespace {

using namespace std::chrono_literals;
const TimerQueue::TimePoint kStart{std::chrono::hours(1)};  // fake time, never the real clock

TEST(TimerQueue, FiresEarliestDeadlineFirst) {
  TimerQueue timers(kStart);
  std::string order;
  timers.start(300ms, [&] { order += 'c'; });
  timers.start(100ms, [&] { order += 'a'; });
  timers.start(200ms, [&] { order += 'b'; });
  EXPECT_EQ(timers.run_due(kStart + 1s), 3u);
  EXPECT_EQ(order, "abc");
  EXPECT_EQ(timers.pending(), 0u);
}

TEST(TimerQueue, FiresOnlyWhatIsDue) {
  TimerQueue timers(kStart);
  int fired = 0;
  timers.start(100ms, [&] { ++fired; });
  timers.start(500ms, [&] { ++fired; });
  EXPECT_EQ(timers.run_due(kStart + 99ms), 0u);
  EXPECT_EQ(timers.run_due(kStart + 100ms), 1u);  // due exactly at the deadline
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(timers.next_deadline(), kStart + 500ms);
  EXPECT_EQ(timers.now(), kStart + 100ms);
}

TEST(TimerQueue, TiesFireInStartOrder) {
  TimerQueue timers(kStart);
  std::string order;
  for (char c : std::string("xyzw")) timers.start(50ms, [&order, c] { order += c; });
  timers.run_due(kStart + 50ms);
  EXPECT_EQ(order, "xyzw");
}

TEST(TimerQueue, CancelledTimerNeverFires) {
  TimerQueue timers(kStart);
  bool fired = false;
  auto id = timers.start(10ms, [&] { fired = true; });
  EXPECT_TRUE(timers.cancel(id));
  EXPECT_FALSE(timers.cancel(id));  // twice is harmless
  EXPECT_EQ(timers.run_due(kStart + 1s), 0u);
  EXPECT_FALSE(fired);
}

TEST(TimerQueue, CancelAfterFiringReturnsFalse) {
  TimerQueue timers(kStart);
  auto id = timers.start(10ms, [] {});
  timers.run_due(kStart + 10ms);
  EXPECT_FALSE(timers.cancel(id));
  EXPECT_FALSE(timers.cancel(TimerQueue::kNone));
}

TEST(TimerQueue, IdsAreNeverZeroAndDistinct) {
  TimerQueue timers(kStart);
  auto a = timers.start(1ms, [] {});
  auto b = timers.start(1ms, [] {});
  EXPECT_NE(a, TimerQueue::kNone);
  EXPECT_NE(a, b);
}

TEST(TimerQueue, LazyDeletionSkipsCancelledEntriesForNextDeadline) {
  TimerQueue timers(kStart);
  auto early = timers.start(10ms, [] {});
  auto middle = timers.start(20ms, [] {});
  timers.start(30ms, [] {});
  timers.cancel(early);
  timers.cancel(middle);
  EXPECT_EQ(timers.pending(), 1u);
  EXPECT_EQ(timers.next_deadline(), kStart + 30ms);
  EXPECT_EQ(timers.run_due(kStart + 25ms), 0u);  // the cancelled entries fire nothing
  EXPECT_EQ(timers.run_due(kStart + 30ms), 1u);
  EXPECT_EQ(timers.next_deadline(), std::nullopt);
}

TEST(TimerQueue, TimersStartedInsideCallbacksCountFromTheDeadlineRun) {
  TimerQueue timers(kStart);
  std::vector<std::string> log;
  timers.start(100ms, [&] {
    log.push_back("first");
    // now() is the run_due time (kStart + 1s): +0ms is due in this same run, +10ms is not.
    timers.start(0ms, [&] { log.push_back("immediate"); });
    timers.start(10ms, [&] { log.push_back("later"); });
  });
  EXPECT_EQ(timers.run_due(kStart + 1s), 2u);
  EXPECT_EQ(log, (std::vector<std::string>{"first", "immediate"}));
  EXPECT_EQ(timers.next_deadline(), kStart + 1s + 10ms);
  EXPECT_EQ(timers.run_due(kStart + 1s + 10ms), 1u);
  EXPECT_EQ(log.back(), "later");
}

TEST(TimerQueue, CallbackMayCancelAnotherDueTimer) {
  TimerQueue timers(kStart);
  bool second_fired = false;
  TimerQueue::Id second = TimerQueue::kNone;
  timers.start(10ms, [&] { timers.cancel(second); });
  second = timers.start(20ms, [&] { second_fired = true; });
  EXPECT_EQ(timers.run_due(kStart + 1s), 1u);
  EXPECT_FALSE(second_fired);
}

TEST(TimerQueue, ClockNeverGoesBack) {
  TimerQueue timers(kStart);
  timers.set_now(kStart + 5s);
  timers.set_now(kStart + 1s);
  EXPECT_EQ(timers.now(), kStart + 5s);
  timers.run_due(kStart);
  EXPECT_EQ(timers.now(), kStart + 5s);
  // Timers start from now(), so a set_now before handling a packet shifts their deadline.
  timers.start(100ms, [] {});
  EXPECT_EQ(timers.next_deadline(), kStart + 5s + 100ms);
}

}  // namespace
}  // namespace callplan::sip
