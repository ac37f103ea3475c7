// BatchRun: calls handed out to routing threads in blocks, in order, as they are published.
#include "callplan/batch.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace callplan {
namespace {

// Calls a thread takes at a time: few enough to keep both threads busy to the end of a
// batch, enough that taking them costs nothing next to routing them.
constexpr std::size_t kBlock = 128;

// What a routing thread keeps from call to call: routing reuses it, so that in steady state
// nothing is allocated per call.
struct Worker {
  Worker(std::shared_ptr<const Engine> engine, std::size_t number)
      : simulator(std::move(engine)), index(number) {}
  Simulator simulator;
  std::size_t index;
  RoutingState fresh;
  Scenario scratch;
};

}  // namespace

struct BatchRun::Impl {
  std::shared_ptr<const Engine> engine;
  std::size_t count = 0;
  Make make;
  BatchOptions options;

  std::vector<CallOutcome> outcomes;
  // `by` of an outbound call views the scenario's dialled number, which does not outlive the
  // call's routing: such numbers are copied here (one slot per call, sized before the threads
  // start, so that each thread writes its own calls' slots only).
  std::vector<std::string> dialled;
  std::vector<Trace> traces;

  std::mutex mutex;                 // guards the waits below and `closed`
  std::condition_variable changed;  // calls published, closed, a failure
  bool closed = false;              // finish() was called: nothing more will be published
  // Written while the threads route (per chunk, per block): each on a cache line of its own,
  // away from what routing reads per call (make, options, outcomes).
  alignas(64) std::atomic<std::size_t> published{0};
  alignas(64) std::atomic<std::size_t> next{0};  // the first call not yet handed out
  std::atomic<bool> stop{false};

  std::mutex failure_mutex;
  std::size_t failed_at = 0;  // valid when stop
  std::string failure;

  std::vector<std::thread> pool;
  std::optional<Worker> own;  // the feeding thread's
  bool finished = false;

  void notify() {
    { std::lock_guard lock(mutex); }  // a waiter is either waiting or will see the change
    changed.notify_all();
  }

  // Takes the next block of published calls: [begin, end), or false when there is none now.
  bool claim(std::size_t& begin, std::size_t& end) {
    std::size_t b = next.load();
    for (;;) {
      std::size_t limit = published.load(std::memory_order_acquire);
      if (b >= limit || stop.load(std::memory_order_relaxed)) return false;
      std::size_t e = std::min(b + kBlock, limit);
      if (next.compare_exchange_weak(b, e)) {
        begin = b;
        end = e;
        return true;
      }
    }
  }

  void keep(std::size_t i, CallOutcome o, const Scenario& scenario) {
    const char* to = scenario.to.data();
    std::less<const char*> before;
    if (!o.by.empty() && !before(o.by.data(), to) && before(o.by.data(), to + scenario.to.size())) {
      dialled[i] = std::string(o.by);
      o.by = dialled[i];
    }
    outcomes[i] = o;
  }

  void fail(std::size_t i, const char* reason) {
    {
      std::lock_guard lock(failure_mutex);
      if (!stop.load() || i < failed_at) {
        failed_at = i;
        failure = reason;
      }
      stop.store(true);
    }
    notify();
  }

  // Routes one block; false when there was nothing to take.
  bool route_block(Worker& w) {
    std::size_t begin = 0;
    std::size_t end = 0;
    if (!claim(begin, end)) return false;
    for (std::size_t i = begin; i < end; ++i) {
      try {
        RoutingState* state = options.state;
        if (state == nullptr) {
          w.fresh = RoutingState{};
          state = &w.fresh;
        }
        const Scenario& s = make(i, w.index, w.scratch);
        if (options.trace) {
          traces[i] = w.simulator.trace(s, *state);
        } else {
          keep(i, w.simulator.run(s, *state), s);
        }
      } catch (const std::exception& ex) {
        fail(i, ex.what());
        return true;
      }
    }
    return true;
  }

  // A pool thread: routes until the batch is closed and everything published is taken, or a
  // call failed.
  void serve(std::size_t index) {
    try {
      Worker w(engine, index);
      for (;;) {
        if (route_block(w)) continue;
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] {
          return stop.load() || closed || next.load() < published.load();
        });
        if (stop.load() || (closed && next.load() >= published.load())) return;
      }
    } catch (const std::exception& ex) {  // no memory for the Worker
      fail(0, ex.what());
    }
  }
};

BatchRun::BatchRun(std::shared_ptr<const Engine> engine, std::size_t count, Make make,
                   BatchOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (!engine) throw Error("BatchRun: no engine");
  if (options.threads == 0) options.threads = 1;
  if (options.state != nullptr && options.threads > 1) {
    throw Error("BatchRun: a shared routing state needs the calls in order, on one thread");
  }
  // No more threads than blocks of calls.
  options.threads = std::max<std::size_t>(1, std::min(options.threads, (count + kBlock - 1) / kBlock));
  Impl& m = *impl_;
  m.engine = std::move(engine);
  m.count = count;
  m.make = std::move(make);
  m.options = options;
  if (options.trace) {
    m.traces.resize(count);
  } else {
    m.outcomes.resize(count);
    m.dialled.resize(count);
  }
  m.own.emplace(m.engine, 0);
  try {
    for (std::size_t t = 1; t < options.threads; ++t) {
      m.pool.emplace_back([&m, t] { m.serve(t); });
    }
  } catch (...) {
    m.stop.store(true);
    m.notify();
    for (std::thread& t : m.pool) t.join();
    throw;
  }
}

BatchRun::~BatchRun() {
  Impl& m = *impl_;
  if (!m.finished) {
    m.stop.store(true);
    {
      std::lock_guard lock(m.mutex);
      m.closed = true;
    }
    m.changed.notify_all();
    for (std::thread& t : m.pool) t.join();
  }
}

std::size_t BatchRun::size() const { return impl_->count; }
std::size_t BatchRun::threads() const { return impl_->options.threads; }
bool BatchRun::failed() const { return impl_->stop.load(); }

void BatchRun::publish(std::size_t ready) {
  Impl& m = *impl_;
  ready = std::min(ready, m.count);
  if (ready <= m.published.load()) return;
  m.published.store(ready, std::memory_order_release);
  if (!m.pool.empty()) m.notify();
}

void BatchRun::route(std::size_t waiting) {
  Impl& m = *impl_;
  while (!m.stop.load() && m.published.load() > m.next.load() + waiting) {
    if (!m.route_block(*m.own)) break;
  }
}

void BatchRun::finish() {
  Impl& m = *impl_;
  if (m.finished) return;
  {
    std::lock_guard lock(m.mutex);
    m.closed = true;
  }
  m.changed.notify_all();
  while (m.route_block(*m.own)) {
  }
  for (std::thread& t : m.pool) t.join();
  m.finished = true;
  if (m.stop.load()) throw BatchError(m.failed_at, m.failure);
}

std::span<const CallOutcome> BatchRun::outcomes() const { return impl_->outcomes; }

std::vector<Trace> BatchRun::take_traces() { return std::move(impl_->traces); }

}  // namespace callplan
