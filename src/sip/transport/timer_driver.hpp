// sip/transport/timer_driver.hpp — runs a TimerQueue on an asio::io_context.
//
// The queue has no clock; the driver keeps one asio::steady_timer armed at the queue's
// earliest deadline, and when it fires calls queue.run_due(steady_clock::now()) and arms
// again. Timers started from outside a timer callback (while handling a received message)
// are not seen by the driver until rearm() is called, so the server calls sync_clock() before
// handling a packet (timers then start from the real now) and rearm() after:
//
//   TimerQueue timers;
//   TimerDriver driver(io, timers);
//   transport.on_receive([&](const Peer& from, std::string_view bytes) {
//     driver.sync_clock();
//     handle(from, bytes);          // may start timers
//     driver.rearm();
//   });
//   ...
//   driver.stop();                  // on shutdown, so io.run() can return
//
// Wake-ups are put on a grid of kGrid (10 ms): the driver wakes at the first grid point at or
// after the earliest deadline and fires everything due by then. A busy server has thousands
// of timers ending every second (Timer J, K, L, M, D of every call), each of which used to
// cost a wake-up of its own (epoll_wait, the timerfd set again); on the grid they cost at most
// 100 wake-ups a second, and a timer fires at most 10 ms late, which no SIP timer notices
// (the shortest, T1, is 500 ms; issue 18).
//
// Thread safety: single-threaded, like the queue; every call on the io_context's thread.
// Exceptions thrown by timer callbacks are caught and logged to stderr (one line), never
// passed through io.run().
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "sip/transport/timer_queue.hpp"

namespace callplan::sip {

class TimerDriver {
 public:
  // `queue` must outlive the driver. Arms nothing until rearm() is called.
  TimerDriver(asio::io_context& io, TimerQueue& queue);
  ~TimerDriver();
  TimerDriver(const TimerDriver&) = delete;
  TimerDriver& operator=(const TimerDriver&) = delete;

  // Arms the asio timer at the grid point at or after queue.next_deadline(). Cheap when
  // nothing changed: the asio timer is only touched when that is earlier than the armed one (a later deadline
  // just means one early wake-up that fires nothing and re-arms).
  void rearm();

  // queue.set_now(steady_clock::now()): timers started next count from the real time.
  void sync_clock();

  // Cancels the asio timer; rearm() does nothing afterwards.
  void stop();

  // The wake-up grid, and the grid point at or after `deadline`.
  static constexpr TimerQueue::Clock::duration kGrid = std::chrono::milliseconds(10);
  static TimerQueue::TimePoint wake_up_for(TimerQueue::TimePoint deadline);

 private:
  void on_fire();

  asio::steady_timer timer_;
  TimerQueue& queue_;
  std::optional<TimerQueue::TimePoint> armed_;  // deadline of the pending wait, if any
  bool stopped_ = false;
  // Handlers hold a weak_ptr to this token: a wait that completes after the driver is gone
  // finds it expired and touches nothing.
  std::shared_ptr<TimerDriver*> alive_;
};

}  // namespace callplan::sip
