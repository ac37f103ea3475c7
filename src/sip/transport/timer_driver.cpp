#include "sip/transport/timer_driver.hpp"

#include <cstdio>
#include <exception>

#include <fmt/core.h>

namespace callplan::sip {

TimerDriver::TimerDriver(asio::io_context& io, TimerQueue& queue)
    : timer_(io), queue_(queue), alive_(std::make_shared<TimerDriver*>(this)) {}

TimerDriver::~TimerDriver() { timer_.cancel(); }

void TimerDriver::sync_clock() { queue_.set_now(TimerQueue::Clock::now()); }

void TimerDriver::stop() {
  stopped_ = true;
  armed_.reset();
  timer_.cancel();
}

TimerQueue::TimePoint TimerDriver::wake_up_for(TimerQueue::TimePoint deadline) {
  const auto since_epoch = deadline.time_since_epoch();
  const auto slots = (since_epoch + kGrid - TimerQueue::Clock::duration{1}) / kGrid;
  return TimerQueue::TimePoint(slots * kGrid);
}

void TimerDriver::rearm() {
  if (stopped_) return;
  const std::optional<TimerQueue::TimePoint> next = queue_.next_deadline();
  if (!next) return;
  const TimerQueue::TimePoint wake = wake_up_for(*next);
  // The armed wait comes first anyway: leave the asio timer alone.
  if (armed_ && *armed_ <= wake) return;
  armed_ = wake;
  timer_.expires_at(wake);  // cancels the previous wait (its handler sees operation_aborted)
  timer_.async_wait([alive = std::weak_ptr<TimerDriver*>(alive_)](std::error_code ec) {
    if (ec) return;
    if (auto driver = alive.lock()) (*driver)->on_fire();
  });
}

void TimerDriver::on_fire() {
  armed_.reset();
  if (stopped_) return;
  try {
    queue_.run_due(TimerQueue::Clock::now());
  } catch (const std::exception& e) {
    fmt::print(stderr, "sip timers: a timer callback threw: {}\n", e.what());
  } catch (...) {
    fmt::print(stderr, "sip timers: a timer callback threw\n");
  }
  rearm();
}

}  // namespace callplan::sip
