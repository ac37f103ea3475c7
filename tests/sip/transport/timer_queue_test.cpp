#include "sip/transport/timer_queue.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
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

TEST(TimerQueue, CancelledEntriesLeaveTheNextDeadline) {
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


// Issue 18: a cancelled timer used to keep its heap entry until its deadline (600 s for an
// unanswered INVITE), so memory grew with the call rate. Now cancel() releases it at once.
TEST(TimerQueue, CancelReleasesTheEntryAndTheCallbackAtOnce) {
  TimerQueue timers(kStart);
  auto captured = std::make_shared<int>(7);
  std::vector<TimerQueue::Id> ids;
  for (int i = 0; i < 1000; ++i) {
    ids.push_back(timers.start(600s, [captured] { (void)*captured; }));
  }
  EXPECT_EQ(timers.pending(), 1000u);
  EXPECT_EQ(captured.use_count(), 1001);
  for (auto id : ids) EXPECT_TRUE(timers.cancel(id));
  EXPECT_EQ(timers.pending(), 0u);           // no heap entry left behind
  EXPECT_EQ(captured.use_count(), 1);         // every callback (and its capture) destroyed
  EXPECT_EQ(timers.next_deadline(), std::nullopt);
}

TEST(TimerQueue, MemoryStaysFlatUnderStartAndCancel) {
  // A server's pattern: every call starts timers and cancels nearly all of them well before
  // their deadlines. The queue must hold only what is live, however many calls pass.
  TimerQueue timers(kStart);
  std::vector<TimerQueue::Id> live;
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 50; ++i) live.push_back(timers.start(600s, [] {}));
    for (auto id : live) timers.cancel(id);
    live.clear();
    timers.run_due(timers.now() + 1s);
  }
  EXPECT_EQ(timers.pending(), 0u);
  EXPECT_EQ(timers.slots(), 50u);  // 10,000 timers went through 50 reused slots
}

TEST(TimerQueue, StaleIdsDoNotCancelATimerInAReusedSlot) {
  TimerQueue timers(kStart);
  bool fired = false;
  auto old_id = timers.start(10ms, [] {});
  EXPECT_TRUE(timers.cancel(old_id));
  auto new_id = timers.start(10ms, [&] { fired = true; });  // takes the freed slot
  EXPECT_NE(new_id, old_id);
  EXPECT_FALSE(timers.cancel(old_id));
  EXPECT_EQ(timers.run_due(kStart + 10ms), 1u);
  EXPECT_TRUE(fired);
  EXPECT_FALSE(timers.cancel(new_id));
}

TEST(TimerQueue, ACallbackCannotCancelItself) {
  TimerQueue timers(kStart);
  TimerQueue::Id self = TimerQueue::kNone;
  bool cancelled = true;
  self = timers.start(10ms, [&] { cancelled = timers.cancel(self); });
  EXPECT_EQ(timers.run_due(kStart + 10ms), 1u);
  EXPECT_FALSE(cancelled);
}

TEST(TimerQueue, AgreesWithAReferenceModelUnderRandomStartsAndCancels) {
  // Removing from the middle of a heap is where an indexed heap goes wrong (a moved entry
  // must sift up or down): compare the firing order with a sorted map on random traffic.
  std::mt19937 random(18);
  TimerQueue timers(kStart);
  std::map<std::pair<TimerQueue::TimePoint, int>, int> model;  // (deadline, start order) -> tag
  std::map<int, std::pair<TimerQueue::Id, TimerQueue::TimePoint>> by_tag;
  std::vector<int> fired;
  std::vector<int> expected;
  int next_tag = 0;
  for (int step = 0; step < 20000; ++step) {
    const int what = static_cast<int>(random() % 10);
    if (what < 5) {
      const int tag = next_tag++;
      const auto after = std::chrono::milliseconds(random() % 500);
      const auto id = timers.start(after, [&fired, tag] { fired.push_back(tag); });
      model.emplace(std::make_pair(timers.now() + after, tag), tag);
      by_tag.emplace(tag, std::make_pair(id, timers.now() + after));
    } else if (what < 8 && !by_tag.empty()) {
      auto it = by_tag.begin();
      std::advance(it, static_cast<long>(random() % by_tag.size()));
      EXPECT_TRUE(timers.cancel(it->second.first));
      model.erase({it->second.second, it->first});
      by_tag.erase(it);
    } else {
      const auto until = timers.now() + std::chrono::milliseconds(random() % 100);
      while (!model.empty() && model.begin()->first.first <= until) {
        expected.push_back(model.begin()->second);
        by_tag.erase(model.begin()->second);
        model.erase(model.begin());
      }
      timers.run_due(until);
      ASSERT_EQ(fired, expected);
    }
    ASSERT_EQ(timers.pending(), model.size());
  }
}

}  // namespace
}  // namespace callplan::sip
