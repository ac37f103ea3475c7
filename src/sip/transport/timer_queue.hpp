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
//
// Memory follows the live timers: cancel() takes the timer out of the heap and frees its
// callback at once, so a timer never outlives its cancellation. Nearly every timer of a SIP
// server is cancelled long before its deadline (retransmissions stop at the first answer,
// the 32 s and 600 s limits end with the transaction), so lazy deletion — leaving cancelled
// entries in the heap until their deadline — kept a ring-all call's 600 s entries for ten
// minutes and grew the server's memory for as long as calls came (issue 18).
//
// Why an indexed binary heap and not a timer wheel or a compacted lazy heap: deadlines here
// span 0 ms (TCP) to 12 hours with no natural tick, and ties must fire in start order; a
// heap keeps exact deadlines and order with no tick or cascade. Each timer lives in a slot
// (reused through a free list) that knows its place in the heap, so cancel() is an O(log n)
// removal with no search, and no hash map is needed: the id names the slot and the slot's
// generation, so a stale id (fired, cancelled, slot reused) is recognised in O(1). Compared
// with the previous lazy heap plus hash map of callbacks, start and cancel allocate nothing
// but the callback (docs/performance.md, "Flat memory").
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
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
  // Returns false when the timer already fired or was cancelled. The timer's heap entry and
  // callback (with everything it captured) are released before cancel() returns.
  bool cancel(Id id) noexcept;

  // The earliest pending deadline; nullopt when no timer is pending.
  std::optional<TimePoint> next_deadline() const;

  // Sets now() to `t` and fires, earliest deadline first (ties in start order), every timer
  // due at or before `t`, including those started by callbacks while it runs. Returns how many
  // fired.
  std::size_t run_due(TimePoint t);

  // Timers started and neither fired nor cancelled.
  std::size_t pending() const noexcept { return heap_.size(); }
  // Slots ever needed: the most timers pending at once (slots are reused, never given back).
  std::size_t slots() const noexcept { return slots_.size(); }
  // Timers started since the queue was made (tests count what a layer arms).
  std::uint64_t started() const noexcept { return next_sequence_; }

 private:
  struct Slot {
    std::function<void()> fn;
    std::uint32_t generation = 1;  // part of the id; bumped when the timer ends
    std::uint32_t heap_index = 0;  // where the timer is in heap_ (meaningful while pending)
    std::uint32_t next_free = 0;   // free list link (meaningful while free)
    bool pending = false;
  };
  struct Entry {
    TimePoint deadline;
    std::uint64_t sequence;  // start order: ties fire first-started first
    std::uint32_t slot;
    bool before(const Entry& o) const noexcept {
      return deadline != o.deadline ? deadline < o.deadline : sequence < o.sequence;
    }
  };
  static constexpr std::uint32_t kNoSlot = UINT32_MAX;

  // The slot of a pending timer named by `id`, or kNoSlot.
  std::uint32_t slot_of(Id id) const noexcept;
  // Takes the entry at heap position `i` out of the heap and frees its slot; returns the
  // callback (still to be run or dropped by the caller).
  std::function<void()> remove_at(std::size_t i) noexcept;
  void place(std::size_t i, const Entry& e) noexcept;
  void sift_up(std::size_t i) noexcept;
  void sift_down(std::size_t i) noexcept;

  TimePoint now_;
  std::uint64_t next_sequence_ = 0;
  std::vector<Entry> heap_;   // min-heap on (deadline, sequence)
  std::vector<Slot> slots_;
  std::uint32_t free_ = kNoSlot;  // head of the free slot list
};

}  // namespace callplan::sip
