// The compiled engine: one simulated call with its trace, many calls on several threads
// without the GIL (callplan::BatchRun; the fast path: outcomes only), schedules, and a pure
// C++ timing of the fast path for the benchmark (bench/python/simulate_many_bench.py).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <exception>
#include <map>
#include <optional>
#include <span>
#include <thread>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include "callplan/batch.hpp"
#include "callplan/error.hpp"
#include "callplan/simulate.hpp"
#include "core.hpp"
#include "schedule/instant.hpp"

namespace callplan::python {
namespace {

// Outcomes of simulate_many, kept in C++ until asked for: 100,000 calls do not make 100,000
// Python objects unless the caller looks at each. Strings view into the engine or the run.
struct Outcomes {
  std::shared_ptr<const Engine> engine;
  std::shared_ptr<BatchRun> run;
  std::span<const CallOutcome> items;

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

// The number of routing threads for `threads` as simulate_many takes it (0: one per CPU).
std::size_t thread_count(std::size_t threads, RoutingState* shared) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  if (shared != nullptr && threads > 1) {
    throw py::value_error(
        "simulate_many: a shared routing state carries from call to call, so those calls run "
        "in order on one thread; pass threads=1, or state=None for independent calls");
  }
  return threads;
}

// When more calls than this wait to be routed, the feeding thread routes too (without the
// GIL) until no more do: the calls read and not yet routed stay a few MB.
constexpr std::size_t kMaxWaiting = 8 * 1024;

// What simulate_many returns: Outcomes, or the traces.
py::object results(const std::shared_ptr<const Engine>& engine,
                   const std::shared_ptr<BatchRun>& run, bool with_trace) {
  if (with_trace) {
    py::list out;
    for (const Trace& t : run->take_traces()) out.append(trace_to_python(t));
    return out;
  }
  auto outcomes = std::make_shared<Outcomes>();
  outcomes->engine = engine;
  outcomes->run = run;
  outcomes->items = run->outcomes();
  return py::cast(outcomes);
}

// Waits for a BatchRun without the GIL; its first failed call as callplan.Error "call N: ...".
void finish(BatchRun& run) {
  try {
    py::gil_scoped_release unlocked;
    run.finish();
  } catch (const BatchError& e) {
    throw Error(fmt::format("call {}: {}", e.call(), e.what()));
  }
}

// A batch fed from Python (callplan/_calls.py): rows of calls added chunk by chunk under the
// GIL and routed meanwhile by a BatchRun (include/callplan/batch.hpp) on its threads, which
// build each call's scenario from the converted rows without the GIL. In "prepare" mode the
// scenarios are built and kept instead (Tenant.prepare).
//
// Errors name the first bad call (the lowest index) whatever failed: converting its row
// (TypeError, Error), a check of the package's (fail()), building or routing it (Error).
class FedBatch {
 public:
  enum class Mode { outcomes, traces, prepare };

  FedBatch(std::shared_ptr<EngineHandle> engine, std::size_t count, std::size_t threads,
           py::handle state, const std::string& mode)
      : engine_(std::move(engine)), count_(count), chunk_of_(count) {
    if (mode == "prepare") {
      mode_ = Mode::prepare;
      prepared_ = std::make_shared<CallBatch>();
      prepared_->engine = engine_->engine;
      prepared_->scenarios.reserve(count);  // a Scenario is never moved
      instants_.resize(1);
      return;
    }
    mode_ = mode == "traces" ? Mode::traces : Mode::outcomes;
    RoutingState* shared = state_of(state);
    state_owner_ = py::reinterpret_borrow<py::object>(state);
    BatchOptions options;
    options.threads = thread_count(threads, shared);
    options.state = shared;
    options.trace = mode_ == Mode::traces;
    instants_.resize(std::min(options.threads, std::max<std::size_t>(1, count)));
    // The routing threads get the addresses they need by value, never through `this`: the
    // feeding thread writes FedBatch's members (read_, the reader's caches) with every row,
    // and routing threads reading the same cache lines made two threads barely faster than
    // one (1.2x, with 1.6x the CPU). Neither vector is resized after this point.
    const CallChunk* const* chunk_of = chunk_of_.data();
    InstantCache* instants = instants_.data();
    const EngineHandle* handle = engine_.get();
    run_ = std::make_shared<BatchRun>(
        engine_->engine, count,
        [chunk_of, instants, handle](std::size_t i, std::size_t worker,
                                     Scenario& scratch) -> const Scenario& {
          const CallChunk& chunk = *chunk_of[i];
          build_scenario(chunk, chunk.specs[i - chunk.first], *handle, scratch,
                         &instants[worker]);
          return scratch;
        },
        options);
  }

  // Converts `rows` (the next calls) and hands them to the routing threads; with one thread,
  // routes them. False when a call failed: the caller stops reading and calls finish().
  bool add(const py::list& rows) {
    if (settled_) throw py::value_error("the batch is finished");
    if (read_ + rows.size() > count_) throw py::value_error("more calls than announced");
    // Routing threads read a chunk until the batch ends; a prepared batch has built the
    // calls of its one chunk before the next rows come (and reuses its memory).
    if (prepared_ != nullptr && !chunks_.empty()) chunks_.back().clear();
    CallChunk& chunk = prepared_ != nullptr && !chunks_.empty() ? chunks_.back()
                                                                : chunks_.emplace_back();
    chunk.first = read_;
    chunk.reserve(rows.size());
    reader_.forget();  // the package's Python code ran since the last rows (and a new chunk)
    std::exception_ptr error;
    for (py::handle row : rows) {
      std::size_t i = read_;
      try {
        reader_.read(row, chunk);
      } catch (...) {
        error = prefixed(i, std::current_exception());
        break;
      }
      chunk_of_[i] = &chunk;
      ++read_;
    }
    if (run_) {
      run_->publish(read_);
      py::gil_scoped_release unlocked;
      run_->route(run_->threads() == 1 ? 0 : kMaxWaiting);
    } else {
      build_prepared();
    }
    if (error) {
      settle();  // a call before the bad one that failed to be built or routed comes first
      std::rethrow_exception(error);
    }
    return run_ ? !run_->failed() : !prepare_error_;
  }

  // The package found call `index` (the next one) bad: it has no `to`, an unknown field, both
  // `from` and `from_`. Reads what it has in `row` first (a bad value there is reported, as it
  // comes first), then raises TypeError(message), unless an earlier call failed.
  [[noreturn]] void fail(std::size_t index, py::handle row, bool has_to,
                         const std::string& message) {
    std::exception_ptr error;
    try {
      CallChunk scratch;
      reader_.read(row, scratch, has_to);
      throw py::type_error(message);
    } catch (...) {
      error = prefixed(index, std::current_exception());
    }
    settle();
    std::rethrow_exception(error);
  }

  // Everything added is routed (or built): raises the first failed call's Error.
  void settle() {
    if (settled_) return;
    settled_ = true;
    if (run_) {
      finish(*run_);
      return;
    }
    build_prepared();
    if (prepare_error_) std::rethrow_exception(prepare_error_);
  }

  // The result, once every call was added: Outcomes, the traces, or the prepared CallBatch.
  py::object finish_batch() {
    settle();
    if (read_ != count_) throw py::value_error("fewer calls than announced");
    if (prepared_) return py::cast(prepared_);
    return results(engine_->engine, run_, mode_ == Mode::traces);
  }

 private:
  // Prepare mode: builds the scenarios of the calls read since the last time (one chunk),
  // without the GIL, while the chunk's text is still in the cache; stops at the first that
  // fails (calls are built in order: it is the lowest index).
  void build_prepared() {
    if (prepare_error_) return;
    py::gil_scoped_release unlocked;
    for (std::size_t i = prepared_->scenarios.size(); i < read_; ++i) {
      try {
        build_scenario(*chunk_of_[i], chunk_of_[i]->specs[i - chunk_of_[i]->first], *engine_,
                       prepared_->scenarios.emplace_back(), &instants_.front());
      } catch (const Error& ex) {
        prepare_error_ = std::make_exception_ptr(Error(fmt::format("call {}: {}", i, ex.what())));
        return;
      }
    }
  }

  // The error of call `i` as simulate_many reports it: "call 17: ..." (same type).
  static std::exception_ptr prefixed(std::size_t i, std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const py::type_error& e) {
      return std::make_exception_ptr(py::type_error(fmt::format("call {}: {}", i, e.what())));
    } catch (const Error& e) {
      return std::make_exception_ptr(Error(fmt::format("call {}: {}", i, e.what())));
    } catch (...) {
      return std::current_exception();  // the user's Python code raised (a tzinfo...)
    }
  }

  std::shared_ptr<EngineHandle> engine_;
  std::size_t count_;
  std::size_t read_ = 0;  // calls converted: [0, read_)
  Mode mode_ = Mode::outcomes;
  std::deque<CallChunk> chunks_;               // never moves a chunk
  std::vector<const CallChunk*> chunk_of_;     // each call's chunk, set before it is published
  RowReader reader_;
  std::vector<InstantCache> instants_;         // one per routing thread
  std::shared_ptr<BatchRun> run_;
  std::shared_ptr<CallBatch> prepared_;
  std::exception_ptr prepare_error_;  // prepare mode: the first call that failed to build
  py::object state_owner_;  // keeps the shared RoutingState alive while threads use it
  bool settled_ = false;
};

// A prepared batch: no Python work per call at all.
py::object simulate_prepared(const EngineHandle& e, const CallBatch& batch, std::size_t threads,
                             py::handle state, bool with_trace) {
  if (batch.engine != e.engine) {
    throw py::value_error("simulate_many: the batch was prepared by another tenant");
  }
  RoutingState* shared = state_of(state);
  BatchOptions options;
  options.threads = thread_count(threads, shared);
  options.state = shared;
  options.trace = with_trace;
  auto run = std::make_shared<BatchRun>(
      e.engine, batch.scenarios.size(),
      [&batch](std::size_t i, std::size_t, Scenario&) -> const Scenario& {
        return batch.scenarios[i];
      },
      options);
  run->publish(batch.scenarios.size());
  finish(*run);
  return results(e.engine, run, with_trace);
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Seconds per call of the C++ fast path alone (Simulator::run on scenarios built beforehand,
// one thread, best of `repeat`), and of building the scenarios plus running them: the
// baselines the Python figures are compared with. `rows` as FedBatch takes them. Each both
// in wall-clock time and in the thread's CPU time (on a busy machine, the part that does not
// depend on the neighbours).
py::tuple time_fast_path(const EngineHandle& e, const py::list& rows, int repeat) {
  if (rows.empty()) throw py::value_error("time_fast_path needs at least one call");
  CallChunk chunk;
  RowReader reader;
  chunk.reserve(rows.size());
  for (py::handle row : rows) reader.read(row, chunk);
  using Clock = std::chrono::steady_clock;
  double best_run = 1e300;
  double best_build_run = 1e300;
  double cpu_run = 1e300;
  double cpu_build_run = 1e300;
  std::uint64_t checksum = 0;
  {
    py::gil_scoped_release unlocked;
    std::vector<Scenario> scenarios;
    scenarios.reserve(chunk.specs.size());
    for (const CallSpec& spec : chunk.specs) {
      build_scenario(chunk, spec, e, scenarios.emplace_back());
    }
    Simulator simulator(e.engine);
    for (const Scenario& s : scenarios) {  // warm up
      RoutingState st;
      checksum += simulator.run(s, st).t;
    }
    for (int r = 0; r < std::max(1, repeat); ++r) {
      double c0 = thread_cpu_seconds();
      auto t0 = Clock::now();
      for (const Scenario& s : scenarios) {
        RoutingState st;
        checksum += simulator.run(s, st).t;
      }
      auto t1 = Clock::now();
      double c1 = thread_cpu_seconds();
      // Building each scenario from the call's text exactly as simulate_many's threads do
      // (the same InstantCache, the same reused Scenario), then running it.
      InstantCache instants;
      Scenario scenario;
      for (const CallSpec& spec : chunk.specs) {
        RoutingState st;
        build_scenario(chunk, spec, e, scenario, &instants);
        checksum += simulator.run(scenario, st).t;
      }
      auto t2 = Clock::now();
      double c2 = thread_cpu_seconds();
      cpu_run = std::min(cpu_run, c1 - c0);
      cpu_build_run = std::min(cpu_build_run, c2 - c1);
      best_run = std::min(best_run, std::chrono::duration<double>(t1 - t0).count());
      best_build_run = std::min(best_build_run, std::chrono::duration<double>(t2 - t1).count());
    }
  }
  auto n = static_cast<double>(chunk.specs.size());
  return py::make_tuple(best_run / n, best_build_run / n, checksum, cpu_run / n,
                        cpu_build_run / n);
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

  py::class_<FedBatch>(m, "FedBatch")
      .def("add", &FedBatch::add, py::arg("rows"))
      .def("fail", &FedBatch::fail, py::arg("index"), py::arg("row"), py::arg("has_to"),
           py::arg("message"))
      .def("settle", &FedBatch::settle)
      .def("finish", &FedBatch::finish_batch);

  py::class_<EngineHandle, std::shared_ptr<EngineHandle>>(m, "Engine")
      .def_property_readonly("tenant_name",
                             [](const EngineHandle& e) { return std::string(e.engine->tenant_name()); })
      .def_property_readonly("timezone",
                             [](const EngineHandle& e) { return std::string(e.engine->timezone()); })
      .def("simulate", [](const EngineHandle& e, py::handle row, py::handle state) {
        OneCall one = read_one_call(row);
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
      }, py::arg("row"), py::arg("state") = py::none())
      .def("feed", [](const std::shared_ptr<EngineHandle>& e, std::size_t count,
                      std::size_t threads, py::handle state, const std::string& mode) {
        return std::make_unique<FedBatch>(e, count, threads, state, mode);
      }, py::arg("count"), py::arg("threads"), py::arg("state"), py::arg("mode"),
      "A batch of `count` calls to be added as rows: mode \"outcomes\", \"traces\" or "
      "\"prepare\".")
      .def("simulate_prepared", &simulate_prepared, py::arg("batch"), py::arg("threads"),
           py::arg("state"), py::arg("trace"))
      .def("time_fast_path", &time_fast_path, py::arg("rows"), py::arg("repeat") = 3)
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
  m.def("format_instant", [](std::int64_t at, const std::string& zone) {
    return detail::format_instant(Instant{std::chrono::seconds{at}}, zone);
  }, "Seconds since 1970 UTC -> ISO 8601 local time in `zone` with its offset.");
}

}  // namespace callplan::python
