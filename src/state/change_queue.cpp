#include "state/change_queue.hpp"

namespace callplan::state {

std::uint64_t ChangeQueue::push(Change change) {
  std::uint64_t sequence;
  bool was_empty;
  {
    std::lock_guard lock(mutex_);
    was_empty = queue_.empty();
    queue_.push_back(std::move(change));
    sequence = ++pushed_;
  }
  // Only the first change of a batch needs to wake the writer; it gathers the rest itself.
  if (was_empty) writer_wake_.notify_one();
  return sequence;
}

std::vector<Change> ChangeQueue::take(std::chrono::milliseconds timeout,
                                      std::uint64_t& last_sequence) {
  std::unique_lock lock(mutex_);
  writer_wake_.wait_for(lock, timeout, [&] { return !queue_.empty() || stop_ || nudged_; });
  nudged_ = false;
  std::vector<Change> out;
  out.swap(queue_);
  if (!out.empty()) last_sequence = pushed_;
  return out;
}

void ChangeQueue::pause(std::chrono::milliseconds window) {
  std::unique_lock lock(mutex_);
  writer_wake_.wait_for(lock, window, [&] { return stop_ || nudged_; });
}

void ChangeQueue::committed(std::uint64_t sequence) {
  {
    std::lock_guard lock(mutex_);
    if (sequence > committed_) committed_ = sequence;
  }
  committed_cv_.notify_all();
}

bool ChangeQueue::wait_committed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = pushed_;
  if (committed_ >= target) return true;
  nudged_ = true;
  writer_wake_.notify_one();
  return committed_cv_.wait_for(lock, timeout, [&] { return committed_ >= target; });
}

void ChangeQueue::nudge() {
  {
    std::lock_guard lock(mutex_);
    nudged_ = true;
  }
  writer_wake_.notify_one();
}

void ChangeQueue::request_stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  writer_wake_.notify_all();
}

bool ChangeQueue::stop_requested() const {
  std::lock_guard lock(mutex_);
  return stop_;
}

std::uint64_t ChangeQueue::enqueued() const {
  std::lock_guard lock(mutex_);
  return pushed_;
}

std::uint64_t ChangeQueue::committed_sequence() const {
  std::lock_guard lock(mutex_);
  return committed_;
}

}  // namespace callplan::state
