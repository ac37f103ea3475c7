// TimerDriver runs on a real io_context and the real clock, with short timers; every loop is
// bounded by run_until.
#include "sip/transport/timer_driver.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace callplan::sip
