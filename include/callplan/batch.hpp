// callplan/batch.hpp — route many independent simulated calls on several threads.
//
//   std::vector<callplan::Scenario> scenarios = ...;
//   callplan::BatchRun run(engine, scenarios.size(),
//                          [&](std::size_t call, std::size_t, callplan::Scenario&)
//                              -> const callplan::Scenario& { return scenarios[call]; },
//                          {.threads = 4});
//   run.publish(scenarios.size());
//   run.finish();                       // throws callplan::BatchError naming the first bad call
//   for (const callplan::CallOutcome& o : run.outcomes()) ...
//
// A batch can be fed while it runs: publish() says that calls [0, n) can be made now, and
// the pool threads start on them at once. A host that reads its calls from elsewhere (the
// Python bindings read Python objects, which only one thread may do) publishes them as it
// reads, and lends its own thread to the routing with route() when it is ahead, then with
// finish(). Each call's Scenario is made by `make` on the thread that routes it, so parsing
// and checking a call's text is spread over the threads too.
//
// Results are in call order whatever the number of threads: without a shared state every
// call starts from a fresh RoutingState, so the result does not depend on `threads`.
//
// Thread safety: publish(), route() and finish() are called by one thread (the feeding one);
// `make` is called by every routing thread at once, for different calls.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "callplan/engine.hpp"
#include "callplan/error.hpp"
#include "callplan/export.hpp"
#include "callplan/session.hpp"
#include "callplan/simulate.hpp"
#include "callplan/trace.hpp"

CALLPLAN_PUBLIC_API_BEGIN
namespace callplan {

struct BatchOptions {
  std::size_t threads = 1;        // routing threads, the feeding one included (0 counts as 1)
  RoutingState* state = nullptr;  // carried from call to call in order (needs threads == 1);
                                  // null: each call starts from a fresh state
  bool trace = false;             // keep each call's Trace (Simulator::trace), not only its
                                  // outcome (Simulator::run, the fast path)
};

// A call of the batch could not be made or routed: the lowest such call, with its message.
class BatchError : public Error {
 public:
  BatchError(std::size_t call, const std::string& reason)
      : Error(reason), call_(call) {}
  std::size_t call() const noexcept { return call_; }

 private:
  std::size_t call_;
};

class BatchRun {
 public:
  // Makes call `call`'s scenario: fills `scratch` (the routing thread's own, reused from call
  // to call) and returns it, or returns a scenario kept elsewhere. `worker` (0..threads-1)
  // names the routing thread, for caches of its own. Throws callplan::Error for a bad call.
  using Make =
      std::function<const Scenario&(std::size_t call, std::size_t worker, Scenario& scratch)>;

  // Starts the pool (threads - 1 threads). Throws callplan::Error when `engine` is null, or
  // for a shared state with more than one thread.
  BatchRun(std::shared_ptr<const Engine> engine, std::size_t count, Make make,
           BatchOptions options = {});
  ~BatchRun();  // stops handing out calls, waits for the pool
  BatchRun(const BatchRun&) = delete;
  BatchRun& operator=(const BatchRun&) = delete;

  std::size_t size() const;
  std::size_t threads() const;

  // Calls [0, ready) can be made now (`ready` never goes down, at most size()).
  void publish(std::size_t ready);
  // The feeding thread routes published calls until at most `waiting` of them wait.
  void route(std::size_t waiting);
  // Whether a call failed: nothing more is handed out, the feeder may stop publishing.
  bool failed() const;

  // No more calls: routes what is published with the pool, waits for it. Throws BatchError
  // for the lowest call that failed (those after it may not have been routed).
  void finish();

  // After finish(): call i's outcome (without `trace`); its strings view into the engine or
  // into this BatchRun.
  std::span<const CallOutcome> outcomes() const;
  // After finish(): the traces (with `trace`), moved out.
  std::vector<Trace> take_traces();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callplan
CALLPLAN_PUBLIC_API_END
