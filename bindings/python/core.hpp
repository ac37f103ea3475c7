// Shared pieces of the callplan._core extension: the thin pybind11 shims over the C++ API.
//
// Everything pythonic (datetimes, objects with docstrings, pickling, pretty printing) lives in
// the pure-Python package bindings/python/callplan/; the shims only move data across and
// release the GIL around routing (DESIGN.md: re2's _re2.cc + re2.py).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>

#include "callplan/engine.hpp"
#include "callplan/simulate.hpp"
#include "plantest/targets.hpp"

namespace callplan::python {

namespace py = pybind11;

// A compiled engine plus the target checker the CLI uses for `simulate` options, built once.
struct EngineHandle {
  explicit EngineHandle(std::shared_ptr<const Engine> e)
      : engine(std::move(e)), check(*engine) {}
  std::shared_ptr<const Engine> engine;
  detail::TargetCheck check;
};

// One call as the Python caller described it, copied out of Python objects while the GIL is
// held, so that parsing and routing can run on worker threads without it.
struct CallSpec {
  std::string from = "anonymous";
  std::string to;
  std::string at;                     // ISO 8601 text (CLI `--at` syntax); see has_epoch
  std::optional<std::int64_t> epoch;  // an aware datetime, as seconds since 1970 UTC
  std::vector<std::pair<std::string, std::string>> presence;  // extension -> state name
  std::string presence_text;          // or the CLI form "002=busy,003=dnd"
  std::vector<ScriptedAnswer> answers;
  std::string answer_text;            // or the CLI form "001@5,002=busy"
  std::string digits;
  std::optional<std::uint32_t> hangup_after;
  std::optional<std::uint64_t> seed;
};

// Reads a call from a dict ({"to": ..., "from": ..., "at": ...}) or an object with the same
// attributes (callplan.Call). Raises TypeError / ValueError-like callplan.Error on bad input.
CallSpec read_call(py::handle call);

// Local times already parsed, per worker thread of a batch: parsing ISO text and resolving
// it in the tenant's zone costs more than routing a call, and batches repeat instants (every
// hour of a week, the same instant under many scenarios). Bounded; one thread only.
class InstantCache {
 public:
  Instant parse(const std::string& text, std::string_view zone);  // throws callplan::Error

 private:
  static constexpr std::size_t kMaxEntries = 1 << 16;
  std::unordered_map<std::string, Instant> cache_;
};

// The scenario for `spec`, validated exactly as `callplan simulate` validates its options
// (same messages, with Python argument names). Throws callplan::Error. No GIL needed.
Scenario build_scenario(const CallSpec& spec, const EngineHandle& engine,
                        InstantCache* instants = nullptr);

// Issues as plain dicts (the Python package turns them into callplan.Issue objects).
py::list issues_to_python(const Issues& issues);

// Registration of each part of the module.
void bind_errors(py::module_& m);
void bind_tenant(py::module_& m);
void bind_state(py::module_& m);
void bind_engine(py::module_& m);
void bind_session(py::module_& m);

}  // namespace callplan::python
