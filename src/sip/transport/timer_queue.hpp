// sip/transport/timer_queue.hpp — every timer of the server (transaction timers, ring
// time-outs, registration expiry) in one queue, with time injected by the host.
//
// The queue has no clock of its own: the server's loop calls run_due(steady_clock::now())
// whenever the earliest deadline passes (one asio::steady_timer armed at next_deadline()), and
// tests drive it with made-up times. now() is the last time given; it never goes back.
//
//   TimerQueue timers(start);
//   auto id = timers.start(500ms, [&] { retransmit(); });
//   timers.cancel(id);                    // safe when already fired or cancelled
//   timers.run_due(start + 1s);           // fires what is due, earliest first
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

namespace callplan::sip {

class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Duration = std::chrono::milliseconds;
  using Id = std::uint64_t;  // never 0
  static constexpr Id kNone = 0;

  explicit TimerQueue(TimePoint start = Clock::now());

  TimePoint now() const noexcept { return now_; }
  // Moves the clock forward without firing anything (an earlier time is ignored).
  void set_now(TimePoint t) noexcept;

  // Calls `fn` once, at now() + after or later. Returns an id for cancel().
  Id start(Duration after, std::function<void()> fn);
  // Returns false when the timer already fired or was cancelled.
  bool cancel(Id id) noexcept;

  // The earliest pending deadline; nullopt when no timer is pending.
  std::optional<TimePoint> next_deadline();

  // Sets now() to `t` and fires, earliest deadline first (ties in start order), every timer
  // due at or before `t`, including those started by callbacks while it runs. Returns how many
  // fired.
  std::size_t run_due(TimePoint t);

  std::size_t pending() const noexcept { return callbacks_.size(); }

 private:
  struct Entry {
    TimePoint deadline;
    Id id;
    bool operator>(const Entry& o) const {
      return deadline != o.deadline ? deadline > o.deadline : id > o.id;
    }
  };
  TimePoint now_;
  Id next_id_ = 1;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
  std::unordered_map<Id, std::function<void()>> callbacks_;
};

}  // namespace callplan::sip
