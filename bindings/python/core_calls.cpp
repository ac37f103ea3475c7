// Calls as rows (see RowReader in core.hpp) -> CallSpec -> Scenario.
//
// Two halves on purpose: RowReader converts a row's Python values (str, int, mappings,
// datetimes) into C++ text and numbers and needs the GIL; build_scenario() parses and
// validates them and does not, so simulate_many runs it on its routing threads. Validation
// is the CLI's (`callplan simulate`): the same checks, the same messages, with Python
// argument names instead of option names. Which object a call is (a Call, a dict, anything
// with the attributes) is the pure-Python package's business (callplan/_calls.py); this file
// sees rows only, and reads them through pybind11 and the documented C API.
#include <array>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include "callplan/error.hpp"
#include "core.hpp"
#include "diagnostics/make_issue.hpp"
#include "schedule/instant.hpp"
#include "scenario/call_scenario.hpp"
#include "scenario/call_text.hpp"

namespace callplan::python {
namespace {

// A row's fields, in the order they are read (and errors are reported).
enum : std::size_t { kTo, kFrom, kAt, kPresence, kAnswer, kDigits, kHangupAfter, kSeed, kFields };

std::string type_name(py::handle value) {
  return py::str(py::type::handle_of(value).attr("__name__"));
}

// The UTF-8 of a str (a subclass too, e.g. callplan.Presence); a view into the object.
std::string_view utf8(py::handle value, std::string_view what) {
  if (!PyUnicode_Check(value.ptr())) {
    throw py::type_error(fmt::format("{} must be a str, not {}", what, type_name(value)));
  }
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(value.ptr(), &size);
  if (data == nullptr) throw py::error_already_set();
  return {data, static_cast<std::size_t>(size)};
}

// A whole number 0..max: TypeError for another type than int, callplan::Error (naming
// `what`) for a negative or too large one.
std::uint64_t as_count(py::handle value, std::string_view what,
                       std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
  if (!PyLong_Check(value.ptr()) || PyBool_Check(value.ptr())) {
    throw py::type_error(fmt::format("{} must be an int, not {}", what, type_name(value)));
  }
  unsigned long long n = PyLong_AsUnsignedLongLong(value.ptr());
  bool overflow = n == static_cast<unsigned long long>(-1) && PyErr_Occurred();
  if (overflow) PyErr_Clear();
  if (overflow || n > max) {
    std::string text = py::str(value);
    if (text.starts_with('-')) {
      throw Error(fmt::format("{}: {} is not a whole number >= 0", what, text));
    }
    throw Error(fmt::format("{}: {} is too large (at most {})", what, text, max));
  }
  return n;
}

std::uint32_t as_seconds(py::handle value, std::string_view what) {
  return static_cast<std::uint32_t>(as_count(value, what, 0xFFFFFFFFu));
}

// datetime.datetime and datetime.date, looked up once (kept for the life of the process: a
// static py::object would be released after the interpreter is gone).
PyObject* datetime_class(const char* name) {
  return py::object(py::module_::import("datetime").attr(name)).release().ptr();
}

// "YYYY-MM-DDTHH:MM:SS" into the chunk's text: local time in the tenant's zone, resolved by
// the routing thread exactly as `--at` text (DST gaps and repeats).
TextRef local_text(py::handle value, bool with_time, CallChunk& chunk) {
  auto field = [&](const char* name) { return value.attr(name).cast<int>(); };
  std::string text = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", field("year"),
                                 field("month"), field("day"), with_time ? field("hour") : 0,
                                 with_time ? field("minute") : 0, with_time ? field("second") : 0);
  return chunk.add_text(text.data(), text.size());
}

// The CLI text forms "002=busy,003=dnd" and "001@5,002=busy", split as `callplan simulate`
// splits them (the same items, the same messages), into the chunk's entries like a mapping's.
void read_presence_text(std::string_view text, CallSpec& spec, CallChunk& chunk) {
  spec.presence_begin = static_cast<std::uint32_t>(chunk.presence.size());
  for (auto [extension, state] : detail::split_presence_text(text, "presence")) {
    chunk.presence.push_back({chunk.add_text(extension.data(), extension.size()),
                              chunk.add_text(state.data(), state.size())});
  }
  spec.presence_count = static_cast<std::uint32_t>(chunk.presence.size()) - spec.presence_begin;
}

void read_answer_text(std::string_view text, CallSpec& spec, CallChunk& chunk) {
  spec.answer_begin = static_cast<std::uint32_t>(chunk.answers.size());
  for (const detail::AnswerItem& item : detail::split_answer_text(text, "answer")) {
    chunk.answers.push_back({chunk.add_text(item.target.data(), item.target.size()), item.busy,
                             item.after_seconds});
  }
  spec.answer_count = static_cast<std::uint32_t>(chunk.answers.size()) - spec.answer_begin;
}

}  // namespace

TextRef RowReader::text(py::handle value, std::string_view what, CallChunk& chunk) {
  if (const TextRef* known = texts_.find(value.ptr(), chunk)) return *known;
  std::string_view utf8_text = utf8(value, what);
  TextRef ref = chunk.add_text(utf8_text.data(), utf8_text.size());
  texts_.remember(value.ptr(), chunk, ref);
  return ref;
}

void CallChunk::text_overflow() { throw Error("a batch of calls holds more than 4 GiB of text"); }

void CallChunk::clear() {
  specs.clear();
  chars.clear();
  presence.clear();
  answers.clear();
}

void CallChunk::reserve(std::size_t calls) {
  specs.reserve(calls);
  chars.reserve(calls * 64);
  presence.reserve(calls);
  answers.reserve(calls);
}

// `at`: ISO text as the CLI takes it; a naive datetime is local time in the tenant's zone,
// written as text so that DST gaps and repeats are resolved exactly as for `--at` (`fold`
// says which of a repeated time, PEP 495); an aware one is its instant (the second
// timestamp() falls in); a date is its midnight.
void RowReader::read_at(py::handle value, CallSpec& spec, CallChunk& chunk) {
  if (value.is_none()) return;
  if (PyUnicode_Check(value.ptr())) {
    spec.at = text(value, "at", chunk);
    return;
  }
  static PyObject* const datetime = datetime_class("datetime");
  static PyObject* const date = datetime_class("date");
  int is_datetime = PyObject_IsInstance(value.ptr(), datetime);
  if (is_datetime < 0) throw py::error_already_set();
  if (is_datetime == 0) {
    int is_date = PyObject_IsInstance(value.ptr(), date);
    if (is_date < 0) throw py::error_already_set();
    if (is_date == 0) {
      throw py::type_error(fmt::format("at must be a datetime, a date or an ISO 8601 str, not {}",
                                       type_name(value)));
    }
    spec.at = local_text(value, false, chunk);
    return;
  }
  forget_entries();  // utcoffset() may be Python code (a tzinfo of the user's)
  if (value.attr("utcoffset")().is_none()) {
    spec.at = local_text(value, true, chunk);
    spec.at_fold = value.attr("fold").cast<int>() != 0;
    return;
  }
  spec.epoch = static_cast<std::int64_t>(std::floor(value.attr("timestamp")().cast<double>()));
}

// Appends a {key: value} mapping's entries through `add` and sets [begin, begin + count) to
// them, or shares the previous call's entries when `mapping` is the same dict, unchanged.
// Mappings other than dicts are read through their items() (Python code: nothing read
// before can be shared after it).
template <class Entries, class Add>
void RowReader::read_entries(py::handle mapping, SharedEntries& last, const Entries& entries,
                             std::uint32_t& begin, std::uint32_t& count, const char* expected,
                             Add add) {
  bool dict = PyDict_Check(mapping.ptr());
  if (dict && mapping.ptr() == last.mapping) {
    begin = last.begin;
    count = last.count;
    return;
  }
  if (!dict && !py::hasattr(mapping, "items")) {
    throw py::type_error(fmt::format("{}, not {}", expected, type_name(mapping)));
  }
  begin = static_cast<std::uint32_t>(entries.size());
  if (dict) {
    for (auto [key, item] : py::reinterpret_borrow<py::dict>(mapping)) add(key, item);
  } else {
    forget_entries();
    py::dict items(py::reinterpret_borrow<py::object>(mapping));
    for (auto [key, item] : items) add(key, item);
  }
  count = static_cast<std::uint32_t>(entries.size()) - begin;
  if (dict) last = {mapping.ptr(), begin, count};
}

void RowReader::read_presence(py::handle value, CallSpec& spec, CallChunk& chunk) {
  if (value.is_none()) return;
  if (PyUnicode_Check(value.ptr())) {
    read_presence_text(utf8(value, "presence"), spec, chunk);
    return;
  }
  read_entries(value, last_presence_, chunk.presence, spec.presence_begin, spec.presence_count,
               "presence must be a mapping {extension: state} or the CLI text "
               "\"002=busy,003=dnd\"",
               [&](py::handle ext, py::handle state) {
                 PresenceSpec p;
                 p.extension = text(ext, "presence extension", chunk);
                 p.state = text(state, "presence state", chunk);
                 chunk.presence.push_back(p);
               });
}

void RowReader::read_answers(py::handle value, CallSpec& spec, CallChunk& chunk) {
  if (value.is_none()) return;
  if (PyUnicode_Check(value.ptr())) {
    read_answer_text(utf8(value, "answer"), spec, chunk);
    return;
  }
  read_entries(value, last_answer_, chunk.answers, spec.answer_begin, spec.answer_count,
               "answer must be a mapping {target: seconds or \"busy\"} or the CLI text "
               "\"001@5,002=busy\"",
               [&](py::handle target, py::handle how) {
                 AnswerSpec a;
                 a.target = text(target, "answer target", chunk);
                 // Errors name the target: `answer: 001: -5 is not a whole number >= 0`.
                 auto what = [&] { return fmt::format("answer: {}", chunk.text(a.target)); };
                 if (PyUnicode_Check(how.ptr())) {
                   std::string_view word = utf8(how, "answer");
                   if (word != "busy") {
                     throw Error(fmt::format(
                         "{}: `{}` is neither a number of seconds nor \"busy\"", what(), word));
                   }
                   a.busy = true;
                 } else if (PyLong_Check(how.ptr()) && !PyBool_Check(how.ptr())) {
                   // The common case without making the error's text (what()).
                   unsigned long long n = PyLong_AsUnsignedLongLong(how.ptr());
                   if ((n == static_cast<unsigned long long>(-1) && PyErr_Occurred()) ||
                       n > 0xFFFFFFFFu) {
                     PyErr_Clear();
                     as_seconds(how, what());  // raises the right error
                   }
                   a.after_seconds = static_cast<std::uint32_t>(n);
                 } else {
                   throw py::type_error(fmt::format(
                       "{}: {} must be a whole number of seconds (int) or \"busy\", not {}",
                       what(), std::string(py::repr(how)), type_name(how)));
                 }
                 chunk.answers.push_back(a);
               });
}

void RowReader::read(py::handle row, CallChunk& chunk, bool has_to) {
  if (!PyTuple_Check(row.ptr()) || PyTuple_Size(row.ptr()) != kFields) {
    throw py::type_error(fmt::format("a call row must be a tuple of {} fields, not {}", kFields,
                                     type_name(row)));
  }
  // Checked above: a tuple of kFields items.
  auto field = [&](std::size_t i) {
    return py::handle(PyTuple_GET_ITEM(row.ptr(), static_cast<Py_ssize_t>(i)));
  };
  CallSpec spec;
  if (has_to) spec.to = text(field(kTo), "to", chunk);
  if (py::handle v = field(kFrom); !v.is_none()) {
    spec.from = text(v, "from_", chunk);
    spec.has_from = true;
  }
  read_at(field(kAt), spec, chunk);
  read_presence(field(kPresence), spec, chunk);
  read_answers(field(kAnswer), spec, chunk);
  if (py::handle v = field(kDigits); !v.is_none()) spec.digits = text(v, "digits", chunk);
  if (py::handle v = field(kHangupAfter); !v.is_none()) {
    spec.hangup_after = as_seconds(v, "hangup_after");
  }
  if (py::handle v = field(kSeed); !v.is_none()) spec.seed = as_count(v, "seed");
  chunk.specs.push_back(spec);
}

OneCall read_one_call(py::handle row) {
  OneCall one;
  RowReader reader;
  reader.read(row, one.chunk);
  return one;
}

Instant InstantCache::parse(std::string_view text, std::string_view zone) {
  if (auto it = cache_.find(text); it != cache_.end()) return it->second;
  std::string error;
  auto instant = detail::parse_instant(text, zone, &error);
  if (!instant) throw Error(fmt::format("at: {}", error));
  if (cache_.size() >= kMaxEntries) cache_.clear();
  cache_.emplace(std::string(text), *instant);
  return *instant;
}

// The scenario module's ScenarioBuilder with Python's argument names does every check, as for
// the CLI and plan tests; only what a Python value adds stays here: an aware datetime's
// instant (epoch), and the routing thread's cache of parsed instants.
void build_scenario(const CallChunk& chunk, const CallSpec& c, const EngineHandle& e,
                    Scenario& s, InstantCache* instants) {
  const detail::ScenarioBuilder& build = e.build;
  // A well-formed number or extension the tenant does not have is routed, and rejected by
  // the engine (SPEC 3.1), as `callplan simulate` does (the CLI adds a note on stderr).
  build.call(s, chunk.from(c), chunk.text(c.to));

  std::string_view at = chunk.text(c.at);
  if (c.epoch) {
    s.at = Instant{std::chrono::seconds{*c.epoch}};
  } else if (!at.empty() && instants != nullptr && !c.at_fold) {
    s.at = instants->parse(at, e.engine->timezone());
  } else {
    build.at(s, at, c.at_fold ? detail::Fold::after : detail::Fold::before);
  }
  s.presence.clear();
  for (std::uint32_t i = 0; i < c.presence_count; ++i) {
    const PresenceSpec& p = chunk.presence[c.presence_begin + i];
    build.presence(s, chunk.text(p.extension), chunk.text(p.state));
  }
  s.answers.clear();
  for (std::uint32_t i = 0; i < c.answer_count; ++i) {
    const AnswerSpec& a = chunk.answers[c.answer_begin + i];
    build.answer(s, chunk.text(a.target), a.busy, a.after_seconds);
  }
  build.digits(s, chunk.text(c.digits));
  s.hangup_after = c.hangup_after;
  s.seed = c.seed;
}

void bind_calls(py::module_& m) {
  m.def("did_you_mean", [](const std::string& word, const std::vector<std::string>& candidates) {
    std::vector<std::string_view> views(candidates.begin(), candidates.end());
    return detail::did_you_mean(word, views);
  }, py::arg("word"), py::arg("candidates"),
  "The hint the CLI gives for a misspelt word (\"did you mean `to`?\"), or \"\".");
}

}  // namespace callplan::python
