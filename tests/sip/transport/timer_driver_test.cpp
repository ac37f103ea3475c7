// TimerDriver runs on a real io_context and the real clock, with short timers; every loop is
// bounded by run_until.
#include "sip/transport/timer_driver.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "loopback.hpp"

namespace callplan::sip {
namespace {

using namespace std::chrono_literals;
using testing::run_until;

TEST(TimerDriver, FiresTimersAtTheirDeadline) {
  asio::io_context io;
  TimerQueue timers;
  TimerDriver driver(io, timers);
  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point fired_at{};
  driver.sync_clock();
  timers.start(30ms, [&] { fired_at = std::chrono::steady_clock::now(); });
  driver.rearm();
  ASSERT_TRUE(run_until(io, [&] { return fired_at != std::chrono::steady_clock::time_point{}; }));
  EXPECT_GE(fired_at - start, 30ms);
}

TEST(TimerDriver, NothingFiresWithoutRearm) {
  asio::io_context io;
  TimerQueue timers;
  TimerDriver driver(io, timers);
  bool fired = false;
  timers.start(1ms, [&] { fired = true; });
  testing::run_for(io, 50ms);
  EXPECT_FALSE(fired);  // the driver only learns of timers through rearm()
  driver.rearm();
  EXPECT_TRUE(run_until(io, [&] { return fired; }));
}

TEST(TimerDriver, EarlierTimerStartedLaterWinsAfterRearm) {
  asio::io_context io;
  TimerQueue timers;
  TimerDriver driver(io, timers);
  std::string order;
  driver.sync_clock();
  timers.start(2000ms, [&] { order += "late"; });
  driver.rearm();
  timers.start(20ms, [&] { order += "early"; });
  driver.rearm();  // must move the asio timer forward
  ASSERT_TRUE(run_until(io, [&] { return !order.empty(); }, 1000ms));
  EXPECT_EQ(order, "early");
}

TEST(TimerDriver, RunsTimersStartedByCallbacks) {
  asio::io_context io;
  TimerQueue timers;
  TimerDriver driver(io, timers);
  int retransmissions = 0;
  std::function<void()> retransmit = [&] {
    if (++retransmissions < 3) timers.start(10ms, retransmit);
  };
  driver.sync_clock();
  timers.start(10ms, retransmit);
  driver.rearm();
  EXPECT_TRUE(run_until(io, [&] { return retransmissions == 3; }));
}

TEST(TimerDriver, CancelledEarliestTimerOnlyCausesAnEmptyWakeUp) {
  asio::io_context io;
  TimerQueue timers;
  TimerDriver driver(io, timers);
  bool first = false;
  bool second = false;
  driver.sync_clock();
  auto id = timers.start(10ms, [&] { first = true; });
  timers.start(40ms, [&] { second = true; });
  driver.rearm();
  timers.cancel(id);
  EXPECT_TRUE(run_until(io, [&] { return second; }));
  EXPECT_FALSE(first);
}

TEST(TimerDriver, ThrowingCallbackDoesNotEscapeTheLoop) {
  asio::io_context io;
  TimerQueue timers;
  TimerDriver driver(io, timers);
  bool after = false;
  driver.sync_clock();
  timers.start(5ms, [] { throw std::runtime_error("boom"); });
  timers.start(6ms, [&] { after = true; });
  driver.rearm();
  EXPECT_TRUE(run_until(io, [&] { return after; }));
}

TEST(TimerDriver, StopLetsRunReturn) {
  asio::io_context io;
  TimerQueue timers;
  TimerDriver driver(io, timers);
  driver.sync_clock();
  timers.start(10s, [] {});
  driver.rearm();
  driver.stop();
  driver.rearm();  // ignored once stopped
  const auto start = std::chrono::steady_clock::now();
  io.run_for(2s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(TimerDriver, DestroyedDriverLeavesNoDanglingHandler) {
  asio::io_context io;
  TimerQueue timers;
  bool fired = false;
  {
    TimerDriver driver(io, timers);
    driver.sync_clock();
    timers.start(1ms, [&] { fired = true; });
    driver.rearm();
  }
  testing::run_for(io, 30ms);  // the aborted wait runs here and must touch nothing
  EXPECT_FALSE(fired);
}

TEST(TimerDriver, WakesOnAGridAtOrAfterTheDeadline) {
  using Clock = TimerQueue::Clock;
  for (const std::chrono::nanoseconds offset : {0ns, 1ns, 3000000ns, 9999999ns, 10000000ns}) {
    const TimerQueue::TimePoint deadline(std::chrono::hours(1000) + offset);
    const TimerQueue::TimePoint wake = TimerDriver::wake_up_for(deadline);
    EXPECT_GE(wake, deadline);
    EXPECT_LT(wake - deadline, TimerDriver::kGrid);
    EXPECT_EQ(wake.time_since_epoch() % TimerDriver::kGrid, Clock::duration::zero());
  }
}

// Timers ending within one grid slot cost one wake-up: they fire from one run_due (which sets
// the queue's clock once), in their order. Without the grid each would wake the loop itself.
TEST(TimerDriver, TimersDueInOneSlotFireInOneWakeUp) {
  asio::io_context io;
  TimerQueue timers;
  TimerDriver driver(io, timers);
  std::vector<int> order;
  std::set<TimerQueue::TimePoint> wake_ups;  // the queue's clock as each timer fired
  driver.sync_clock();
  // Started at one instant, due 1 ms apart over 5 ms: one grid slot, or two adjacent ones.
  for (int i = 0; i < 5; ++i) {
    timers.start(std::chrono::milliseconds(20 + i), [&, i] {
      order.push_back(i);
      wake_ups.insert(timers.now());
    });
  }
  driver.rearm();
  ASSERT_TRUE(run_until(io, [&] { return order.size() == 5; }));
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_LE(wake_ups.size(), 2u);
}

}  // namespace
}  // namespace callplan::sip
