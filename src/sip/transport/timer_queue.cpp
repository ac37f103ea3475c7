#include "sip/transport/timer_queue.hpp"

#include <utility>

namespace callplan::sip {

TimerQueue::TimerQueue(TimePoint start) : now_(start) {}

void TimerQueue::set_now(TimePoint t) noexcept {
  if (t > now_) now_ = t;
}

TimerQueue::Id TimerQueue::start(Duration after, std::function<void()> fn) {
  Id id = next_id_++;
  heap_.push({now_ + after, id});
  callbacks_.emplace(id, std::move(fn));
  return id;
}

bool TimerQueue::cancel(Id id) noexcept {
  // The heap entry stays until it surfaces (lazy deletion): cancelling is O(1).
  return callbacks_.erase(id) > 0;
}

std::optional<TimerQueue::TimePoint> TimerQueue::next_deadline() {
  while (!heap_.empty() && !callbacks_.contains(heap_.top().id)) heap_.pop();
  if (heap_.empty()) return std::nullopt;
  return heap_.top().deadline;
}

std::size_t TimerQueue::run_due(TimePoint t) {
  set_now(t);
  std::size_t fired = 0;
  while (!heap_.empty() && heap_.top().deadline <= now_) {
    Id id = heap_.top().id;
    heap_.pop();
    auto it = callbacks_.find(id);
    if (it == callbacks_.end()) continue;  // cancelled
    std::function<void()> fn = std::move(it->second);
    callbacks_.erase(it);
    ++fired;
    fn();
  }
  // Drop cancelled entries at the top so next_deadline() stays cheap.
  while (!heap_.empty() && !callbacks_.contains(heap_.top().id)) heap_.pop();
  return fired;
}

}  // namespace callplan::sip
