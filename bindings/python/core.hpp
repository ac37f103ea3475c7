// Shared pieces of the callplan._core extension: the thin pybind11 shims over the C++ API.
//
// Everything pythonic (datetimes, objects with docstrings, pickling, pretty printing) lives in
// the pure-Python package bindings/python/callplan/; the shims only move data across and
// release the GIL around routing (DESIGN.md: re2's _re2.cc + re2.py).
#pragma once

#include <cstdint>
#include <functional>
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
#include "scenario/call_scenario.hpp"

namespace callplan::python {

namespace py = pybind11;

// A compiled engine plus the scenario builder of every host (src/scenario) with Python's
// argument names, built once.
struct EngineHandle {
  explicit EngineHandle(std::shared_ptr<const Engine> e)
      : engine(std::move(e)), build(*engine, detail::kPythonNames) {}
  std::shared_ptr<const Engine> engine;  // before `build`, which refers to it
  detail::ScenarioBuilder build;
};

// Where a piece of a call's text is: an offset into its CallChunk's buffer (which grows while
// calls are read, so views are made only once reading is done).
struct TextRef {
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
};

struct PresenceSpec {
  TextRef extension;
  TextRef state;
};

struct AnswerSpec {
  TextRef target;
  bool busy = false;
  std::uint32_t after_seconds = 0;
};

// One call as the Python caller described it, copied out of its row while the GIL is held, so
// that parsing and routing can run on worker threads without it. No allocation of
// its own: its text and its presence and answer entries live in its CallChunk.
struct CallSpec {
  bool has_from = false;  // false: "anonymous"
  TextRef from;
  TextRef to;
  TextRef at;                         // ISO 8601 text (CLI `--at` syntax); see epoch
  bool at_fold = false;               // `at` came from a naive datetime with fold=1 (PEP 495)
  std::optional<std::int64_t> epoch;  // an aware datetime, as seconds since 1970 UTC
  // Entries [begin, begin + count) of CallChunk::presence and ::answers, from a mapping or
  // from the CLI text forms "002=busy,003=dnd" and "001@5,002=busy".
  std::uint32_t presence_begin = 0;
  std::uint32_t presence_count = 0;
  std::uint32_t answer_begin = 0;
  std::uint32_t answer_count = 0;
  TextRef digits;
  std::optional<std::uint32_t> hangup_after;
  std::optional<std::uint64_t> seed;
};

// A run of calls read from Python: the specs and one buffer for all their text. Filled by
// the thread holding the GIL, then only read (by any thread). Cache-line aligned: chunks sit
// side by side in a deque, and the one being filled must not share a line with the one being
// routed.
struct alignas(64) CallChunk {
  std::size_t first = 0;  // the batch's index of specs[0]
  std::vector<CallSpec> specs;
  std::string chars;
  std::vector<PresenceSpec> presence;
  std::vector<AnswerSpec> answers;

  std::string_view text(TextRef t) const { return {chars.data() + t.offset, t.size}; }
  std::string_view from(const CallSpec& c) const {
    return c.has_from ? text(c.from) : std::string_view("anonymous");
  }
  TextRef add_text(const char* data, std::size_t size) {  // throws callplan::Error past 4 GiB
    if (size > 0xFFFFFFFFu - chars.size()) text_overflow();
    TextRef ref{static_cast<std::uint32_t>(chars.size()), static_cast<std::uint32_t>(size)};
    chars.append(data, size);
    return ref;
  }
  [[noreturn]] static void text_overflow();
  void reserve(std::size_t calls);
  void clear();  // keeps the memory
};

// Reads calls given as rows into a CallChunk: the type conversion of the shim (str to UTF-8,
// int to seconds, a mapping to entries, a datetime to an instant), with the messages of
// `callplan simulate`'s checks and the Python argument names. A row is the tuple
//
//   (to, from_, at, presence, answer, digits, hangup_after, seed)
//
// that the pure-Python package makes of a callplan.Call or a call dict (bindings/python/
// callplan/_calls.py); None is "not given" except for `to`. Needs the GIL.
class RowReader {
 public:
  RowReader() = default;
  RowReader(const RowReader&) = delete;
  RowReader& operator=(const RowReader&) = delete;
  // Appends the call to `chunk`, or throws TypeError / callplan::Error (the chunk then holds
  // the calls appended before, intact). Without `has_to`, the row's `to` is not read (the
  // call had none: only its other fields are checked).
  void read(py::handle row, CallChunk& chunk, bool has_to = true);
  // Python code ran since the last row (the package's, reading the next calls): an entry
  // mapping seen before may have changed, so nothing read before is shared after. Called at
  // each new chunk (FedBatch::add); it also lets go of the remembered texts.
  void forget() {
    forget_entries();
    texts_.clear();
  }

 private:
  // Python code ran while reading a row (a user's tzinfo, a mapping's items()): the shared
  // entries may be stale. Remembered texts stay right: a str never changes.
  void forget_entries() { last_presence_.mapping = last_answer_.mapping = nullptr; }

  // Text already copied into the chunk being filled, by the str object it came from. The
  // calls of a batch mostly share their strings (the same `from_`, numbers, extensions and
  // presence words: the same str objects), and copying each one again was about a third of
  // the shim's work per call. Direct-mapped, a few dozen slots; each slot holds a reference
  // to its str, so the object cannot be freed and its address reused while the slot names
  // it (a str's text never changes). Emptied by forget() and when another chunk is read
  // into: a TextRef is an offset into one chunk.
  class TextCache {
   public:
    TextCache() = default;
    TextCache(const TextCache&) = delete;
    TextCache& operator=(const TextCache&) = delete;
    ~TextCache() { clear(); }
    // The text of `str` already in `chunk`, or nullptr.
    const TextRef* find(PyObject* str, const CallChunk& chunk) const {
      const Slot& slot = slots_[index(str)];
      return slot.str == str && chunk_ == &chunk ? &slot.ref : nullptr;
    }
    void remember(PyObject* str, const CallChunk& chunk, TextRef ref) {
      if (chunk_ != &chunk) {
        clear();
        chunk_ = &chunk;
      }
      Slot& slot = slots_[index(str)];
      Py_INCREF(str);
      Py_XDECREF(slot.str);
      slot = {str, ref};
    }
    void clear() {
      if (chunk_ == nullptr) return;  // nothing remembered
      for (Slot& slot : slots_) {
        Py_XDECREF(slot.str);
        slot.str = nullptr;
      }
      chunk_ = nullptr;
    }

   private:
    struct Slot {
      PyObject* str = nullptr;
      TextRef ref;
    };
    static constexpr std::size_t kSlots = 64;
    // Objects are 16-byte aligned: the bits above those pick the slot.
    static std::size_t index(PyObject* str) {
      const auto bits = reinterpret_cast<std::uintptr_t>(str);
      return ((bits >> 4) ^ (bits >> 10)) & (kSlots - 1);
    }
    Slot slots_[kSlots];
    const CallChunk* chunk_ = nullptr;
  };
  // The UTF-8 of `value` (a str) in `chunk`, copied once per chunk: TypeError naming `what`
  // for another type.
  TextRef text(py::handle value, std::string_view what, CallChunk& chunk);

  // The previous call's presence / answer dict, when its entries can be shared: the same
  // dict object, with no Python code run since it was read (so it cannot have changed).
  struct SharedEntries {
    PyObject* mapping = nullptr;
    std::uint32_t begin = 0, count = 0;
  };

  void read_at(py::handle value, CallSpec& spec, CallChunk& chunk);
  void read_presence(py::handle value, CallSpec& spec, CallChunk& chunk);
  void read_answers(py::handle value, CallSpec& spec, CallChunk& chunk);
  template <class Entries, class Add>
  void read_entries(py::handle mapping, SharedEntries& last, const Entries& entries,
                    std::uint32_t& begin, std::uint32_t& count, const char* expected, Add add);
  SharedEntries last_presence_;
  SharedEntries last_answer_;
  TextCache texts_;
};

// Local times already parsed, per worker thread of a batch: parsing ISO text and resolving
// it in the tenant's zone costs more than routing a call, and batches repeat instants (every
// hour of a week, the same instant under many scenarios). Bounded; one thread only.
class InstantCache {
 public:
  Instant parse(std::string_view text, std::string_view zone);  // throws callplan::Error

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static constexpr std::size_t kMaxEntries = 1 << 16;
  std::unordered_map<std::string, Instant, Hash, std::equal_to<>> cache_;
};

// Fills `out` with the scenario for `spec` (reusing its strings and vectors), validated
// exactly as `callplan simulate` validates its options (same messages, with Python argument
// names). Throws callplan::Error. No GIL needed.
void build_scenario(const CallChunk& chunk, const CallSpec& spec, const EngineHandle& engine,
                    Scenario& out, InstantCache* instants = nullptr);

// One call read from its row and built (simulate, CallSession.start): needs the GIL for the
// reading.
struct OneCall {
  CallChunk chunk;
  const CallSpec& spec() const { return chunk.specs.front(); }
};
OneCall read_one_call(py::handle row);

// Issues as plain dicts (the Python package turns them into callplan.Issue objects).
py::list issues_to_python(const Issues& issues);

// Registration of each part of the module.
void bind_errors(py::module_& m);
void bind_tenant(py::module_& m);
void bind_state(py::module_& m);
void bind_engine(py::module_& m);
void bind_session(py::module_& m);
void bind_calls(py::module_& m);

}  // namespace callplan::python
