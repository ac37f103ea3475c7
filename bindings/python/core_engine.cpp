// The compiled engine: one simulated call with its trace, many calls on several threads
// without the GIL (the fast path: outcomes only), schedules, and a pure C++ timing of the
// fast path for the benchmark (bench/python/simulate_many_bench.py).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
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
  for (const TraceRecord& r : trace.events) labels.append(r.label);
  return py::make_tuple(trace.to_json(-1), trace.to_text(), labels);
}

RoutingState* state_of(py::handle state) {
  return state.is_none() ? nullptr : &state.cast<RoutingState&>();
}

std::vector<CallSpec> read_calls(py::handle calls) {
  std::vector<CallSpec> specs;
  if (py::hasattr(calls, "__len__")) specs.reserve(py::len(calls));
  std::size_t i = 0;
  for (py::handle call : py::iter(calls)) {
    try {
      specs.push_back(read_call(call));
    } catch (const py::type_error& e) {
      throw py::type_error(fmt::format("call {}: {}", i, e.what()));
    } catch (const Error& e) {
      throw Error(fmt::format("call {}: {}", i, e.what()));
    }
    ++i;
  }
  return specs;
}

// Runs `work(i, simulator, state)` for every call on `threads` threads (the caller's thread is
// one of them), handing out calls in blocks so that threads stay busy. The first failing
// call (lowest index) is rethrown as callplan::Error naming it.
template <class Work>
void run_parallel(const EngineHandle& e, std::size_t count, std::size_t threads,
                  RoutingState* shared_state, Work work) {
  constexpr std::size_t kBlock = 256;
  std::atomic<std::size_t> next{0};
  std::mutex failure_mutex;
  std::size_t failed_at = count;
  std::string failure;

  auto worker = [&] {
    Simulator simulator(e.engine);
    InstantCache instants;
    RoutingState fresh;
    for (;;) {
      std::size_t begin = next.fetch_add(kBlock);
      if (begin >= count) return;
      std::size_t end = std::min(count, begin + kBlock);
      for (std::size_t i = begin; i < end; ++i) {
        try {
          if (shared_state != nullptr) {
            work(i, simulator, *shared_state, instants);
          } else {
            fresh = RoutingState{};  // every call starts from a fresh state
            work(i, simulator, fresh, instants);
          }
        } catch (const std::exception& ex) {
          std::lock_guard lock(failure_mutex);
          if (i < failed_at) {
            failed_at = i;
            failure = ex.what();
          }
          next.store(count);  // stop handing out work
          return;
        }
      }
    }
  };
  {
    py::gil_scoped_release unlocked;
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool) t.join();
  }
  if (failed_at < count) throw Error(fmt::format("call {}: {}", failed_at, failure));
}

std::shared_ptr<CallBatch> prepare(const EngineHandle& e, py::handle calls) {
  std::vector<CallSpec> specs = read_calls(calls);
  auto batch = std::make_shared<CallBatch>();
  batch->engine = e.engine;
  batch->scenarios.reserve(specs.size());
  py::gil_scoped_release unlocked;
  InstantCache instants;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    try {
      batch->scenarios.push_back(build_scenario(specs[i], e, &instants));
    } catch (const Error& ex) {
      throw Error(fmt::format("call {}: {}", i, ex.what()));
    }
  }
  return batch;
}

py::object simulate_many(const EngineHandle& e, py::handle calls, std::size_t threads,
                         py::handle state, bool with_trace) {
  // A prepared batch: no Python work per call at all.
  const CallBatch* batch = nullptr;
  std::vector<CallSpec> specs;
  if (py::isinstance<CallBatch>(calls)) {
    batch = &calls.cast<const CallBatch&>();
    if (batch->engine != e.engine) {
      throw py::value_error("simulate_many: the batch was prepared by another tenant");
    }
  } else {
    specs = read_calls(calls);
  }
  std::size_t count = batch ? batch->scenarios.size() : specs.size();
  auto scenario = [&](std::size_t i, InstantCache& instants) -> Scenario {
    return build_scenario(specs[i], e, &instants);
  };
  RoutingState* shared = state_of(state);
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  if (shared != nullptr && threads > 1) {
    throw py::value_error(
        "simulate_many: a shared routing state carries from call to call, so those calls run "
        "in order on one thread; pass threads=1, or state=None for independent calls");
  }
  threads = std::max<std::size_t>(1, std::min(threads, (count + 255) / 256));

  if (with_trace) {
    std::vector<Trace> traces(count);
    run_parallel(e, count, threads, shared,
                 [&](std::size_t i, Simulator& sim, RoutingState& st, InstantCache& instants) {
                   traces[i] = batch ? sim.trace(batch->scenarios[i], st)
                                     : sim.trace(scenario(i, instants), st);
                 });
    py::list out;
    for (const Trace& t : traces) out.append(trace_to_python(t));
    return out;
  }
  auto outcomes = std::make_shared<Outcomes>();
  outcomes->engine = e.engine;
  outcomes->items.resize(count);
  outcomes->dialled.resize(count);
  run_parallel(e, count, threads, shared,
               [&](std::size_t i, Simulator& sim, RoutingState& st, InstantCache& instants) {
                 if (batch) {
                   outcomes->keep(i, sim.run(batch->scenarios[i], st), batch->scenarios[i]);
                 } else {
                   const Scenario built = scenario(i, instants);
                   outcomes->keep(i, sim.run(built, st), built);
                 }
               });
  return py::cast(outcomes);
}

// Seconds per call of the C++ fast path alone (Simulator::run on scenarios built beforehand,
// one thread, best of `repeat`), and of building the scenarios plus running them: the
// baselines the Python figures are compared with.
py::tuple time_fast_path(const EngineHandle& e, py::handle calls, int repeat) {
  std::vector<CallSpec> specs = read_calls(calls);
  if (specs.empty()) throw py::value_error("time_fast_path needs at least one call");
  using Clock = std::chrono::steady_clock;
  double best_run = 1e300;
  double best_build_run = 1e300;
  std::uint64_t checksum = 0;
  {
    py::gil_scoped_release unlocked;
    std::vector<Scenario> scenarios;
    scenarios.reserve(specs.size());
    for (const CallSpec& s : specs) scenarios.push_back(build_scenario(s, e));
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
      InstantCache instants;
      for (const CallSpec& spec : specs) {
        RoutingState st;
        checksum += simulator.run(build_scenario(spec, e, &instants), st).t;
      }
      auto t2 = Clock::now();
      best_run = std::min(best_run, std::chrono::duration<double>(t1 - t0).count());
      best_build_run = std::min(best_build_run, std::chrono::duration<double>(t2 - t1).count());
    }
  }
  auto n = static_cast<double>(specs.size());
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
        CallSpec spec = read_call(call);
        RoutingState* shared = state_of(state);
        Trace trace;
        {
          py::gil_scoped_release unlocked;
          RoutingState fresh;
          Scenario scenario = build_scenario(spec, e);
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

  m.def("parse_instant", [](const std::string& text, const std::string& zone) {
    std::string error;
    auto at = detail::parse_instant(text, zone, &error);
    if (!at) throw Error(error);
    return static_cast<std::int64_t>(at->time_since_epoch().count());
  }, "ISO 8601 text -> seconds since 1970 UTC; without an offset, local time in `zone`.");
  m.def("format_instant", [](std::int64_t at, const std::string& zone) {
    return detail::format_instant(Instant{std::chrono::seconds{at}}, zone);
  }, "Seconds since 1970 UTC -> ISO 8601 local time in `zone` with its offset.");
}

}  // namespace callplan::python
