// The compiled engine: one simulated call with its trace, many calls on several threads
// without the GIL (the fast path: outcomes only), schedules, and a pure C++ timing of the
// fast path for the benchmark (bench/python/simulate_many_bench.py).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include "callplan/error.hpp"
#include "callplan/simulate.hpp"
#include "core.hpp"
#include "plantest/instant.hpp"

namespace callplan::python {
namespace {

// Outcomes of simulate_many, kept in C++ until asked for: 100,000 calls do not make 100,000
// Python objects unless the caller looks at each. Strings view into the engine, kept alive.
struct Outcomes {
  std::shared_ptr<const Engine> engine;
  std::vector<CallOutcome> items;
  // `by` of an outbound call views the scenario's dialled number, which does not outlive the
  // run: such numbers are copied here (one slot per call, sized before the threads start, so
  // views into the slots stay valid).
  std::vector<std::string> dialled;

  void keep(std::size_t i, CallOutcome o, const Scenario& scenario) {
    const char* to = scenario.to.data();
    if (!o.by.empty() && o.by.data() >= to && o.by.data() < to + scenario.to.size()) {
      dialled[i] = std::string(o.by);
      o.by = dialled[i];
    }
    items[i] = o;
  }

  py::tuple get(std::ptrdiff_t i) const {
    auto n = static_cast<std::ptrdiff_t>(items.size());
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw py::index_error("outcome index out of range");
    return to_tuple(items[static_cast<std::size_t>(i)]);
  }
  static py::tuple to_tuple(const CallOutcome& o) {
    py::object none = py::none();
    auto text = [&](std::string_view s) -> py::object {
      return s.empty() ? none : py::object(py::str(s.data(), s.size()));
    };
    py::object reason = o.disposition == Disposition::rejected
                            ? py::object(py::str(std::string(to_string(o.reason))))
                            : none;
    return py::make_tuple(std::string(to_string(o.disposition)), text(o.by), text(o.user),
                          reason, o.t);
  }
  // How many calls had each value of `field` ("disposition", "by", "user", "t").
  py::dict tally(const std::string& field) const {
    std::map<std::string, std::size_t> counts;
    for (const CallOutcome& o : items) {
      if (field == "disposition") {
        ++counts[std::string(to_string(o.disposition))];
      } else if (field == "by") {
        if (o.disposition == Disposition::answered) ++counts[std::string(o.by)];
      } else if (field == "user") {
        if (o.disposition == Disposition::voicemail) ++counts[std::string(o.user)];
      } else {
        throw py::value_error("tally(): field must be \"disposition\", \"by\" or \"user\"");
      }
    }
    py::dict out;
    for (const auto& [k, v] : counts) out[py::str(k)] = v;
    return out;
  }
};

// Calls read and validated once (callplan.Tenant.prepare): routing them again costs no
// Python work per call, so batches can be re-run (other states, more threads) at C++ speed.
struct CallBatch {
  std::shared_ptr<const Engine> engine;
  std::vector<Scenario> scenarios;
};

py::tuple trace_to_python(const Trace& trace) {
  py::list labels;
  for (const TraceEvent& e : trace.events) labels.append(e.label);
  return py::make_tuple(trace.to_json(-1), trace.to_text(), labels);
}

RoutingState* state_of(py::handle state) {
  return state.is_none() ? nullptr : &state.cast<RoutingState&>();
}

// The calls of a batch, read from Python objects in chunks (CallReader, under the GIL).
constexpr std::size_t kChunk = 1024;  // calls per chunk: the unit in which calls are published
constexpr std::size_t kBlock = 128;   // calls a routing thread takes at a time (divides kChunk)
static_assert(kChunk % kBlock == 0);
// simulate_many keeps at most this many chunks read and not yet routed (a ring: about 3 MB
// that stays in cache and is never returned to the system mid-batch), and once the ring is
// full, routes until half of it is free before reading on.
constexpr std::size_t kRing = 16;

struct ReadCalls {
  py::object items;  // a tuple of the calls: nobody can shrink it while it is read
  std::size_t count = 0;
  std::size_t chunk_count = 0;
  std::vector<CallChunk> slots;  // chunk k lives in slots[k % slots.size()]
  CallReader reader;

  // `ring`: slots for that many chunks at a time (else for all of them).
  explicit ReadCalls(py::handle calls, std::size_t ring = 0)
      : items(py::reinterpret_steal<py::object>(PySequence_Tuple(calls.ptr()))) {
    if (!items) throw py::error_already_set();
    count = static_cast<std::size_t>(PyTuple_GET_SIZE(items.ptr()));
    chunk_count = (count + kChunk - 1) / kChunk;
    slots.resize(ring == 0 ? chunk_count : std::min(ring, chunk_count));
  }
  const CallChunk& chunk(std::size_t i) const { return slots[(i / kChunk) % slots.size()]; }
  const CallSpec& spec(std::size_t i) const { return chunk(i).specs[i % kChunk]; }
  std::size_t chunk_size(std::size_t k) const { return std::min(kChunk, count - k * kChunk); }

  // Reads chunk `k` into its slot (GIL held; the chunk that was there must be done with).
  // On a bad call, throws the error naming it; the calls before it are read: readable()
  // tells how many.
  void read_chunk(std::size_t k) {
    CallChunk& chunk = slots[k % slots.size()];
    chunk.clear();
    std::size_t begin = k * kChunk;
    std::size_t end = begin + chunk_size(k);
    chunk.reserve(end - begin);
    reader.start_chunk();
    PyObject* const* all = &PyTuple_GET_ITEM(items.ptr(), 0);
    for (std::size_t i = begin; i < end; ++i) {
      reader.prefetch_stage(all, count, i);
      try {
        reader.read(all[i], chunk);
      } catch (const py::type_error& e) {
        throw py::type_error(fmt::format("call {}: {}", i, e.what()));
      } catch (const Error& e) {
        throw Error(fmt::format("call {}: {}", i, e.what()));
      }
    }
  }
  std::size_t readable(std::size_t k) const {
    return k * kChunk + slots[k % slots.size()].specs.size();
  }

  // Reads every call (slots for all chunks); returns the error of the first bad one (then
  // calls [0, *bad_at) are read), or null.
  std::exception_ptr read_all(std::size_t* bad_at) {
    *bad_at = count;
    for (std::size_t k = 0; k < chunk_count; ++k) {
      try {
        read_chunk(k);
      } catch (...) {
        *bad_at = readable(k);
        return std::current_exception();
      }
    }
    return nullptr;
  }
};

// What a routing thread keeps from call to call.
struct Worker {
  explicit Worker(std::shared_ptr<const Engine> engine) : simulator(std::move(engine)) {}
  Simulator simulator;
  InstantCache instants;
  RoutingState fresh;
  Scenario scenario;  // reused: building a call's scenario allocates nothing in steady state
};

// Runs `work(i, worker, state)` for calls 0..count-1 on `threads` threads (the caller's
// thread is one of them), handing out calls in blocks, in order, so that threads stay busy.
//
// With `calls`, they are read from Python while they are routed. The caller's thread reads
// them chunk by chunk holding the GIL and publishes each chunk; the other threads route the
// published calls without it. When `kRing` chunks wait to be routed, the caller's thread
// releases the GIL and routes too until half of them are done, then reads on; once
// everything is read it routes with the others. Reading (the only part that needs the GIL)
// thus overlaps routing, and one thread alternates between the two.
//
// The error of the first bad call (lowest index), whether it failed to be read (TypeError,
// Error) or to be built or routed (Error), is rethrown naming it.
template <class Work>
void run_pipeline(const EngineHandle& e, std::size_t count, ReadCalls* calls, std::size_t threads,
                  RoutingState* shared_state, Work work) {
  std::mutex mutex;                 // guards `reading` and the waits below
  std::condition_variable changed;  // calls published, a chunk routed, reading ended, a failure
  bool reading = calls != nullptr;
  std::atomic<std::size_t> readable{calls != nullptr ? 0 : count};  // calls [0, readable) read
  std::atomic<std::size_t> next{0};                                  // the next block to route
  std::atomic<bool> stop{false};                                     // a call failed
  // Per ring slot: calls of the chunk in it that are routed.
  std::vector<std::atomic<std::size_t>> routed(calls != nullptr ? calls->slots.size() : 0);
  std::mutex failure_mutex;
  std::size_t failed_at = count;
  std::string failure;

  auto notify = [&] {
    { std::lock_guard lock(mutex); }  // a waiter is either waiting or will see the change
    changed.notify_all();
  };
  // Takes the next block of published calls: [begin, end), or false when there is none now.
  auto claim = [&](std::size_t& begin, std::size_t& end) {
    std::size_t b = next.load();
    for (;;) {
      std::size_t limit = readable.load(std::memory_order_acquire);
      if (b >= limit) return false;
      if (next.compare_exchange_weak(b, b + kBlock)) {
        begin = b;
        end = std::min(b + kBlock, limit);
        return true;
      }
    }
  };
  // Routes one block; false when there was nothing to take.
  auto route_block = [&](Worker& w) {
    std::size_t begin = 0;
    std::size_t end = 0;
    if (!claim(begin, end)) return false;
    for (std::size_t i = begin; i < end; ++i) {
      try {
        if (shared_state != nullptr) {
          work(i, w, *shared_state);
        } else {
          w.fresh = RoutingState{};  // every call starts from a fresh state
          work(i, w, w.fresh);
        }
      } catch (const std::exception& ex) {
        {
          std::lock_guard lock(failure_mutex);
          if (i < failed_at) {
            failed_at = i;
            failure = ex.what();
          }
        }
        stop.store(true);
        next.store(count);  // hand out nothing more
        notify();
        return true;
      }
    }
    if (calls != nullptr) {
      std::size_t k = begin / kChunk;
      std::size_t done = routed[k % routed.size()].fetch_add(end - begin) + (end - begin);
      if (done == calls->chunk_size(k)) notify();  // its slot is free
    }
    return true;
  };
  auto finished = [&] { return next.load() >= count || stop.load(); };
  // Routes until `until()`; waits when there is nothing to take yet.
  auto route_until = [&](Worker& w, auto until) {
    while (!until()) {
      if (route_block(w)) continue;
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] {
        return until() || next.load() < readable.load(std::memory_order_acquire) ||
               (!reading && next.load() >= readable.load());
      });
      if (!reading && next.load() >= readable.load()) return;  // nothing more will come
    }
  };
  auto pool_worker = [&] {
    Worker w(e.engine);
    route_until(w, finished);
  };

  std::exception_ptr read_error;
  std::vector<std::thread> pool;
  std::optional<Worker> own;
  try {
    own.emplace(e.engine);
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(pool_worker);
    if (calls != nullptr) {
      const std::size_t ring = calls->slots.size();
      auto chunk_done = [&](std::size_t k) {
        return routed[k % ring].load() == calls->chunk_size(k);
      };
      for (std::size_t k = 0; k < calls->chunk_count && !stop.load();) {
        if (k >= ring && !chunk_done(k - ring)) {
          // The ring is full: route (without the GIL) until half of it is free.
          std::size_t last = std::min(k - ring + std::max<std::size_t>(1, ring / 2), k);
          py::gil_scoped_release unlocked;
          route_until(*own, [&] {
            if (stop.load()) return true;
            for (std::size_t j = k - ring; j < last; ++j) {
              if (!chunk_done(j)) return false;
            }
            return true;
          });
          continue;
        }
        routed[k % ring].store(0);
        try {
          calls->read_chunk(k);
        } catch (...) {
          read_error = std::current_exception();
          readable.store(calls->readable(k), std::memory_order_release);
          break;
        }
        readable.store(calls->readable(k), std::memory_order_release);
        notify();
        ++k;
      }
    }
  } catch (...) {
    read_error = std::current_exception();  // no thread (std::system_error), no memory
  }
  {
    std::lock_guard lock(mutex);
    reading = false;
  }
  changed.notify_all();
  {
    py::gil_scoped_release unlocked;
    // After a bad call is read too: one before it may fail to route, and comes first.
    if (own) route_until(*own, finished);
    for (std::thread& t : pool) t.join();
  }
  if (failed_at < count) throw Error(fmt::format("call {}: {}", failed_at, failure));
  if (read_error) std::rethrow_exception(read_error);
}

std::shared_ptr<CallBatch> prepare(const EngineHandle& e, py::handle calls) {
  ReadCalls read(calls);
  std::size_t bad_at = 0;
  std::exception_ptr read_error = read.read_all(&bad_at);
  auto batch = std::make_shared<CallBatch>();
  batch->engine = e.engine;
  batch->scenarios.reserve(bad_at);
  {
    py::gil_scoped_release unlocked;
    InstantCache instants;
    for (std::size_t i = 0; i < bad_at; ++i) {
      try {
        build_scenario(read.chunk(i), read.spec(i), e, batch->scenarios.emplace_back(), &instants);
      } catch (const Error& ex) {
        throw Error(fmt::format("call {}: {}", i, ex.what()));
      }
    }
  }
  if (read_error) std::rethrow_exception(read_error);
  return batch;
}

py::object simulate_many(const EngineHandle& e, py::handle calls, std::size_t threads,
                         py::handle state, bool with_trace) {
  // A prepared batch: no Python work per call at all.
  const CallBatch* batch = nullptr;
  std::optional<ReadCalls> read;
  if (py::isinstance<CallBatch>(calls)) {
    batch = &calls.cast<const CallBatch&>();
    if (batch->engine != e.engine) {
      throw py::value_error("simulate_many: the batch was prepared by another tenant");
    }
  } else {
    read.emplace(calls, kRing);
  }
  std::size_t count = batch ? batch->scenarios.size() : read->count;
  ReadCalls* source = read ? &*read : nullptr;
  // The call's scenario: prepared, or built from what was read (in the worker's Scenario).
  auto scenario = [&](std::size_t i, Worker& w) -> const Scenario& {
    if (batch) return batch->scenarios[i];
    build_scenario(read->chunk(i), read->spec(i), e, w.scenario, &w.instants);
    return w.scenario;
  };
  RoutingState* shared = state_of(state);
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  if (shared != nullptr && threads > 1) {
    throw py::value_error(
        "simulate_many: a shared routing state carries from call to call, so those calls run "
        "in order on one thread; pass threads=1, or state=None for independent calls");
  }
  threads = std::max<std::size_t>(1, std::min(threads, (count + kBlock - 1) / kBlock));

  if (with_trace) {
    std::vector<Trace> traces(count);
    run_pipeline(e, count, source, threads, shared,
                 [&](std::size_t i, Worker& w, RoutingState& st) {
                   traces[i] = w.simulator.trace(scenario(i, w), st);
                 });
    py::list out;
    for (const Trace& t : traces) out.append(trace_to_python(t));
    return out;
  }
  auto outcomes = std::make_shared<Outcomes>();
  outcomes->engine = e.engine;
  outcomes->items.resize(count);
  outcomes->dialled.resize(count);
  run_pipeline(e, count, source, threads, shared, [&](std::size_t i, Worker& w, RoutingState& st) {
    const Scenario& s = scenario(i, w);
    outcomes->keep(i, w.simulator.run(s, st), s);
  });
  return py::cast(outcomes);
}

// Seconds per call of the C++ fast path alone (Simulator::run on scenarios built beforehand,
// one thread, best of `repeat`), and of building the scenarios plus running them: the
// baselines the Python figures are compared with.
py::tuple time_fast_path(const EngineHandle& e, py::handle calls, int repeat) {
  ReadCalls read(calls);
  std::size_t bad_at = 0;
  if (std::exception_ptr error = read.read_all(&bad_at)) std::rethrow_exception(error);
  if (read.count == 0) throw py::value_error("time_fast_path needs at least one call");
  using Clock = std::chrono::steady_clock;
  double best_run = 1e300;
  double best_build_run = 1e300;
  std::uint64_t checksum = 0;
  {
    py::gil_scoped_release unlocked;
    std::vector<Scenario> scenarios;
    scenarios.reserve(read.count);
    for (std::size_t i = 0; i < read.count; ++i) {
      build_scenario(read.chunk(i), read.spec(i), e, scenarios.emplace_back());
    }
    Simulator simulator(e.engine);
    for (const Scenario& s : scenarios) {  // warm up
      RoutingState st;
      checksum += simulator.run(s, st).t;
    }
    for (int r = 0; r < std::max(1, repeat); ++r) {
      auto t0 = Clock::now();
      for (const Scenario& s : scenarios) {
        RoutingState st;
        checksum += simulator.run(s, st).t;
      }
      auto t1 = Clock::now();
      // Building each scenario from the call's text exactly as simulate_many's threads do
      // (the same InstantCache, the same reused Scenario), then running it.
      InstantCache instants;
      Scenario scenario;
      for (std::size_t i = 0; i < read.count; ++i) {
        RoutingState st;
        build_scenario(read.chunk(i), read.spec(i), e, scenario, &instants);
        checksum += simulator.run(scenario, st).t;
      }
      auto t2 = Clock::now();
      best_run = std::min(best_run, std::chrono::duration<double>(t1 - t0).count());
      best_build_run = std::min(best_build_run, std::chrono::duration<double>(t2 - t1).count());
    }
  }
  auto n = static_cast<double>(read.count);
  return py::make_tuple(best_run / n, best_build_run / n, checksum);
}

ScheduleIndex schedule_index(const EngineHandle& e, ScheduleIndex i) {
  if (i >= e.engine->schedules().size()) throw py::index_error("no such schedule");
  return i;
}

}  // namespace

void bind_engine(py::module_& m) {
  py::class_<Outcomes, std::shared_ptr<Outcomes>>(m, "Outcomes")
      .def("__len__", [](const Outcomes& o) { return o.items.size(); })
      .def("get", &Outcomes::get)
      .def("tally", &Outcomes::tally)
      .def("all", [](const Outcomes& o) {
        py::list out;
        for (const CallOutcome& c : o.items) out.append(Outcomes::to_tuple(c));
        return out;
      });

  py::class_<CallBatch, std::shared_ptr<CallBatch>>(m, "CallBatch")
      .def("__len__", [](const CallBatch& b) { return b.scenarios.size(); });

  py::class_<EngineHandle, std::shared_ptr<EngineHandle>>(m, "Engine")
      .def("prepare", &prepare, py::arg("calls"))
      .def_property_readonly("tenant_name",
                             [](const EngineHandle& e) { return std::string(e.engine->tenant_name()); })
      .def_property_readonly("timezone",
                             [](const EngineHandle& e) { return std::string(e.engine->timezone()); })
      .def("simulate", [](const EngineHandle& e, py::handle call, py::handle state) {
        OneCall one = read_one_call(call);
        RoutingState* shared = state_of(state);
        Trace trace;
        {
          py::gil_scoped_release unlocked;
          RoutingState fresh;
          Scenario scenario;
          build_scenario(one.chunk, one.spec(), e, scenario);
          trace = Simulator(e.engine).trace(scenario, shared ? *shared : fresh);
        }
        return trace_to_python(trace);
      }, py::arg("call"), py::arg("state") = py::none())
      .def("simulate_many", &simulate_many, py::arg("calls"), py::arg("threads") = 1,
           py::arg("state") = py::none(), py::arg("trace") = false)
      .def("time_fast_path", &time_fast_path, py::arg("calls"), py::arg("repeat") = 3)
      .def("schedules", [](const EngineHandle& e) {
        py::list out;  // (index, name, timezone)
        const ScheduleSet& set = e.engine->schedules();
        for (ScheduleIndex i = 0; i < set.size(); ++i) {
          out.append(py::make_tuple(i, std::string(set.name(i)), std::string(set.timezone(i))));
        }
        return out;
      })
      .def("schedule_matches", [](const EngineHandle& e, ScheduleIndex i, std::int64_t at) {
        return e.engine->schedules().matches(schedule_index(e, i), Instant{std::chrono::seconds{at}});
      })
      .def("schedule_next_change", [](const EngineHandle& e, ScheduleIndex i, std::int64_t after,
                                      std::int64_t horizon) -> std::optional<std::int64_t> {
        auto next = e.engine->schedules().next_change(schedule_index(e, i),
                                                       Instant{std::chrono::seconds{after}},
                                                       std::chrono::seconds{horizon});
        if (!next) return std::nullopt;
        return next->time_since_epoch().count();
      });

  m.def("parse_instant", [](const std::string& text, const std::string& zone, bool fold) {
    std::string error;
    auto at = detail::parse_instant(text, zone, &error,
                                    fold ? detail::Fold::after : detail::Fold::before);
    if (!at) throw Error(error);
    return static_cast<std::int64_t>(at->time_since_epoch().count());
  }, py::arg("text"), py::arg("zone"), py::arg("fold") = false,
  "ISO 8601 text -> seconds since 1970 UTC; without an offset, local time in `zone`, read "
  "next to a clock change as datetime.fold says (PEP 495).");
  m.def("pad_right", [](const std::string& text, std::size_t width) {
    return fmt::format("{:<{}}", text, width);
  }, py::arg("text"), py::arg("width"),
  "`text` padded with spaces to `width` columns as fmt counts them (wide East Asian "
  "characters take two), so that Python renders trace text exactly as the CLI does.");
  m.def("format_instant", [](std::int64_t at, const std::string& zone) {
    return detail::format_instant(Instant{std::chrono::seconds{at}}, zone);
  }, "Seconds since 1970 UTC -> ISO 8601 local time in `zone` with its offset.");
}

}  // namespace callplan::python
