#include "sip/transport/timer_queue.hpp"

#include <utility>

namespace callplan::sip {

TimerQueue::TimerQueue(TimePoint start) : now_(start) {}

void TimerQueue::set_now(TimePoint t) noexcept {
  if (t > now_) now_ = t;
}

TimerQueue::Id TimerQueue::start(Duration after, std::function<void()> fn) {
  std::uint32_t slot = free_;
  if (slot == kNoSlot) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    free_ = slots_[slot].next_free;
  }
  Slot& s = slots_[slot];
  s.fn = std::move(fn);
  s.pending = true;
  heap_.push_back({});
  place(heap_.size() - 1, Entry{now_ + after, next_sequence_++, slot});
  sift_up(heap_.size() - 1);
  return (Id{s.generation} << 32) | slot;
}

std::uint32_t TimerQueue::slot_of(Id id) const noexcept {
  const auto slot = static_cast<std::uint32_t>(id & 0xffffffffu);
  const auto generation = static_cast<std::uint32_t>(id >> 32);
  if (id == kNone || slot >= slots_.size()) return kNoSlot;
  const Slot& s = slots_[slot];
  return s.pending && s.generation == generation ? slot : kNoSlot;
}

bool TimerQueue::cancel(Id id) noexcept {
  const std::uint32_t slot = slot_of(id);
  if (slot == kNoSlot) return false;
  // The callback is destroyed here, with whatever it captured.
  remove_at(slots_[slot].heap_index);
  return true;
}

std::optional<TimerQueue::TimePoint> TimerQueue::next_deadline() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().deadline;
}

std::size_t TimerQueue::run_due(TimePoint t) {
  set_now(t);
  std::size_t fired = 0;
  while (!heap_.empty() && heap_.front().deadline <= now_) {
    // The timer is over before its callback runs: cancel(id) from inside returns false, and
    // the callback may start and cancel other timers freely.
    std::function<void()> fn = remove_at(0);
    ++fired;
    fn();
  }
  return fired;
}

std::function<void()> TimerQueue::remove_at(std::size_t i) noexcept {
  const std::uint32_t slot = heap_[i].slot;
  Slot& s = slots_[slot];
  std::function<void()> fn = std::move(s.fn);
  s.fn = nullptr;
  s.pending = false;
  ++s.generation;
  if (s.generation == 0) s.generation = 1;  // an id is never 0
  s.next_free = free_;
  free_ = slot;

  const std::size_t last = heap_.size() - 1;
  if (i != last) {
    place(i, heap_[last]);
    heap_.pop_back();
    // The moved entry may belong above or below its new place.
    if (i > 0 && heap_[i].before(heap_[(i - 1) / 2])) {
      sift_up(i);
    } else {
      sift_down(i);
    }
  } else {
    heap_.pop_back();
  }
  return fn;
}

void TimerQueue::place(std::size_t i, const Entry& e) noexcept {
  heap_[i] = e;
  slots_[e.slot].heap_index = static_cast<std::uint32_t>(i);
}

void TimerQueue::sift_up(std::size_t i) noexcept {
  const Entry e = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!e.before(heap_[parent])) break;
    place(i, heap_[parent]);
    i = parent;
  }
  place(i, e);
}

void TimerQueue::sift_down(std::size_t i) noexcept {
  const Entry e = heap_[i];
  const std::size_t n = heap_.size();
  while (true) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1].before(heap_[child])) ++child;
    if (!heap_[child].before(e)) break;
    place(i, heap_[child]);
    i = child;
  }
  place(i, e);
}

}  // namespace callplan::sip
