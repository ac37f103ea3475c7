// state/change_queue.hpp — the hand-off between the threads that enqueue changes (the SIP
// event loop) and the store's writer thread. An enqueue takes a mutex only to append to a
// vector; the writer swaps the whole vector out under the same mutex and writes outside it,
// so an enqueuing thread never waits for a disk write, only for another push_back or swap.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "state/records.hpp"

namespace callplan::state {

struct RegistrationRemoved {
  std::string company, username, contact;
};
struct PanelAccountRemoved {
  std::string login;
};

using Change = std::variant<Registration, RegistrationRemoved, RoundRobinPosition,
                            MessageWaiting, CallRecord, PanelAccount, PanelAccountRemoved>;

class ChangeQueue {
 public:
  // Appends a change; returns its sequence number (1, 2, ...).
  std::uint64_t push(Change change);

  // Writer side: waits until there is something, `stop` was requested or `timeout` passed,
  // then returns every queued change (possibly none). `last_sequence` is set to the sequence
  // of the last change returned (or left as it was when none).
  std::vector<Change> take(std::chrono::milliseconds timeout, std::uint64_t& last_sequence);
  // Waits `window` unless stop is requested first (the writer's batching pause).
  void pause(std::chrono::milliseconds window);

  // The writer reports that every change up to `sequence` is committed.
  void committed(std::uint64_t sequence);
  // Waits until every change pushed so far is committed, up to `timeout`.
  bool wait_committed(std::chrono::milliseconds timeout);
  // Wakes the writer now (flush or stop).
  void nudge();

  void request_stop();
  bool stop_requested() const;

  std::uint64_t enqueued() const;
  std::uint64_t committed_sequence() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable writer_wake_;
  std::condition_variable committed_cv_;
  std::vector<Change> queue_;
  std::uint64_t pushed_ = 0;
  std::uint64_t committed_ = 0;
  bool nudged_ = false;
  bool stop_ = false;
};

}  // namespace callplan::state
