// Calls described in Python (keyword arguments, dicts, callplan.Call objects) -> Scenario.
//
// Two halves on purpose: CallReader copies strings and numbers out of Python objects and
// needs the GIL; build_scenario() parses and validates them and does not, so simulate_many
// runs it on its worker threads. Validation is the CLI's (`callplan simulate`): the same
// checks, the same messages, with Python argument names instead of option names.
//
// The reader is the part of simulate_many that cannot run in parallel, so it is written for
// speed: callplan.Call's slots are read by offset, text is copied into one buffer per chunk
// of calls (no allocation per call), and no Python object is made or called for the common
// types (str, int, dict, datetime). Anything else takes the general (slower) path with the
// same results and messages.
#include <array>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "core.hpp"
#include "diagnostics/make_issue.hpp"
#include "plantest/instant.hpp"
#include "simulate/option_text.hpp"

// CPython's own headers after core.hpp: pybind11 includes Python.h first, as they require.
#include <datetime.h>
#include <structmember.h>

namespace callplan::python {
namespace {

constexpr std::array<std::string_view, 8> kCallKeys = {
    "to", "from", "from_", "at", "presence", "answer", "digits", "hangup_after"};

// callplan.Call's fields, in the order they are read (and errors are reported).
constexpr std::size_t kFields = 8;
constexpr std::array<const char*, kFields> kFieldNames = {
    "to", "from_", "at", "presence", "answer", "digits", "hangup_after", "seed"};

const char* ascii_data(PyObject* v);
std::string_view utf8(PyObject* value, std::string_view what);

enum : std::size_t { kTo, kFrom, kAt, kPresence, kAnswer, kDigits, kHangupAfter, kSeed };

// The field names as interned str objects, made once (dict keys written in code are the
// same objects, so most keys are recognised by address).
const std::array<PyObject*, kFields>& field_names() {
  static const std::array<PyObject*, kFields> names = [] {
    std::array<PyObject*, kFields> out{};
    for (std::size_t i = 0; i < kFields; ++i) out[i] = PyUnicode_InternFromString(kFieldNames[i]);
    return out;
  }();
  return names;
}

// Which field a call dict's key names; TypeError (with a hint) for anything else.
std::size_t field_of_key(PyObject* key) {
  const auto& names = field_names();
  for (std::size_t i = 0; i < kFields; ++i) {
    if (key == names[i]) return i;
  }
  std::string_view name = utf8(key, "a call's field name");
  if (name == "from") return kFrom;
  for (std::size_t i = 0; i < kFields; ++i) {
    if (name == kFieldNames[i]) return i;
  }
  std::vector<std::string_view> keys(kCallKeys.begin(), kCallKeys.end());
  keys.push_back("seed");
  std::string hint = detail::did_you_mean(name, keys);
  throw py::type_error(fmt::format("a call has no field `{}`{}", name,
                                   hint.empty() ? "" : " (" + hint + ")"));
}

// callplan.Call as registered by the package: the type (a strong reference, for the life of
// the process), the slot descriptors found in it and their offsets in an instance.
struct CallType {
  PyObject* type = nullptr;
  std::array<PyObject*, kFields> descriptors{};
  std::array<Py_ssize_t, kFields> offsets{};
};
CallType g_call_type;

// Are the registered slot descriptors still the class's attributes (nobody replaced one with
// a property)? Checked once per batch: then slots can be read by offset.
bool call_type_intact() {
  if (g_call_type.type == nullptr) return false;
  PyObject* dict = reinterpret_cast<PyTypeObject*>(g_call_type.type)->tp_dict;
  for (std::size_t i = 0; i < kFields; ++i) {
    if (PyDict_GetItemString(dict, kFieldNames[i]) != g_call_type.descriptors[i]) return false;
  }
  return true;
}

std::string type_name(py::handle value) { return py::str(py::type::handle_of(value).attr("__name__")); }

// The UTF-8 of a str (any str subclass too, e.g. callplan.Presence); a view into the object.
[[gnu::noinline]] std::string_view utf8_slow(PyObject* value, std::string_view what) {
  if (!PyUnicode_Check(value)) {
    throw py::type_error(fmt::format("{} must be a str, not {}", what, type_name(value)));
  }
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(value, &size);
  if (data == nullptr) throw py::error_already_set();
  return {data, static_cast<std::size_t>(size)};
}

std::string_view utf8(PyObject* value, std::string_view what) {
  if (const char* data = ascii_data(value)) {  // the common case: its bytes are its UTF-8
    return {data, static_cast<std::size_t>(PyUnicode_GET_LENGTH(value))};
  }
  return utf8_slow(value, what);
}

[[gnu::always_inline]] inline TextRef as_text(PyObject* value, std::string_view what,
                                             CallChunk& chunk) {
  std::string_view text = utf8(value, what);
  return chunk.add_text(text.data(), text.size());
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

// The datetime C API's macros use C casts: wrapped once here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
bool is_exact_datetime(PyObject* v) { return PyDateTime_CheckExact(v); }
bool is_exact_date(PyObject* v) { return PyDate_CheckExact(v); }
bool is_timedelta(PyObject* v) { return PyDelta_Check(v); }
PyObject* datetime_type() { return reinterpret_cast<PyObject*>(PyDateTimeAPI->DateTimeType); }
PyObject* date_type() { return reinterpret_cast<PyObject*>(PyDateTimeAPI->DateType); }
PyObject* tzinfo_of(PyObject* v) {  // borrowed; Py_None when naive
  auto* dt = reinterpret_cast<PyDateTime_DateTime*>(v);
  return dt->hastzinfo ? dt->tzinfo : Py_None;
}
struct Fields {
  int year, month, day, hour = 0, minute = 0, second = 0, microsecond = 0;
  bool fold = false;  // PEP 495: the second of a repeated local time
};
Fields date_fields(PyObject* v) {
  return {PyDateTime_GET_YEAR(v), PyDateTime_GET_MONTH(v), PyDateTime_GET_DAY(v)};
}
Fields datetime_fields(PyObject* v) {
  return {PyDateTime_GET_YEAR(v),        PyDateTime_GET_MONTH(v),
          PyDateTime_GET_DAY(v),         PyDateTime_DATE_GET_HOUR(v),
          PyDateTime_DATE_GET_MINUTE(v), PyDateTime_DATE_GET_SECOND(v),
          PyDateTime_DATE_GET_MICROSECOND(v), PyDateTime_DATE_GET_FOLD(v) != 0};
}
std::int64_t timedelta_us(PyObject* v) {
  return (static_cast<std::int64_t>(PyDateTime_DELTA_GET_DAYS(v)) * 86400 +
          PyDateTime_DELTA_GET_SECONDS(v)) *
             1000000 +
         PyDateTime_DELTA_GET_MICROSECONDS(v);
}
// The characters of an exact, compact, ASCII-only str (most text), else null.
const char* ascii_data(PyObject* v) {
  if (!PyUnicode_CheckExact(v) || !PyUnicode_IS_COMPACT_ASCII(v)) return nullptr;
  return static_cast<const char*>(PyUnicode_DATA(v));
}
bool import_datetime() {
  PyDateTime_IMPORT;
  return PyDateTimeAPI != nullptr;
}
#pragma GCC diagnostic pop

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "YYYY-MM-DDTHH:MM:SS" into the chunk's text: local time in the tenant's zone, resolved by
// the worker exactly as `--at` text (DST gaps and repeats).
TextRef local_text(int year, int month, int day, int hour, int minute, int second,
                   CallChunk& chunk) {
  char buf[20];
  auto two = [](char* p, int v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  two(buf, year / 100);
  two(buf + 2, year % 100);
  buf[4] = '-';
  two(buf + 5, month);
  buf[7] = '-';
  two(buf + 8, day);
  buf[10] = 'T';
  two(buf + 11, hour);
  buf[13] = ':';
  two(buf + 14, minute);
  buf[16] = ':';
  two(buf + 17, second);
  return chunk.add_text(buf, 19);
}

// `at` given as a datetime or date of any other type than exactly datetime.datetime: read
// through Python attributes (subclasses may override them).
void read_at_generic(py::handle value, CallSpec& spec, CallChunk& chunk) {
  int is_datetime = PyObject_IsInstance(value.ptr(), datetime_type());
  if (is_datetime < 0) throw py::error_already_set();
  auto field = [&](const char* name) { return value.attr(name).cast<int>(); };
  if (is_datetime == 0) {
    // A date means its midnight, local time in the tenant's zone.
    int is_date = PyObject_IsInstance(value.ptr(), date_type());
    if (is_date < 0) throw py::error_already_set();
    if (is_date == 0) {
      throw py::type_error(fmt::format("at must be a datetime, a date or an ISO 8601 str, not {}",
                                       type_name(value)));
    }
    spec.at = local_text(field("year"), field("month"), field("day"), 0, 0, 0, chunk);
    return;
  }
  py::object offset = value.attr("utcoffset")();
  if (offset.is_none()) {
    spec.at = local_text(field("year"), field("month"), field("day"), field("hour"),
                         field("minute"), field("second"), chunk);
    spec.at_fold = field("fold") != 0;
    return;
  }
  double ts = value.attr("timestamp")().cast<double>();
  spec.epoch = static_cast<std::int64_t>(std::floor(ts));
}

// `at`: ISO text as the CLI takes it; a naive datetime is local time in the tenant's zone,
// written as text so that DST gaps and repeats are resolved exactly as for `--at`; an aware
// one is an instant.
void read_at(PyObject* value, CallSpec& spec, CallChunk& chunk, bool& pure) {
  if (value == Py_None) return;
  if (PyUnicode_Check(value)) {
    spec.at = as_text(value, "at", chunk);
    return;
  }
  if (is_exact_datetime(value)) {
    PyObject* tz = tzinfo_of(value);
    py::object offset = py::none();
    if (tz != Py_None) {
      pure = false;  // tzinfo.utcoffset is Python code
      offset = py::reinterpret_steal<py::object>(PyObject_CallMethod(value, "utcoffset", nullptr));
      if (!offset) throw py::error_already_set();
    }
    Fields f = datetime_fields(value);
    if (offset.is_none()) {
      spec.at = local_text(f.year, f.month, f.day, f.hour, f.minute, f.second, chunk);
      spec.at_fold = f.fold;
      return;
    }
    // datetime.timestamp() of an aware datetime, computed as CPython does (microseconds since
    // the epoch, divided as floats) without making the intermediate objects.
    if (!is_timedelta(offset.ptr())) {
      throw py::type_error("at: utcoffset() must return a timedelta");
    }
    std::int64_t local_us =
        (days_from_civil(f.year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day)) *
             86400 +
         f.hour * 3600 + f.minute * 60 + f.second) *
            1000000 +
        f.microsecond;
    double ts = static_cast<double>(local_us - timedelta_us(offset.ptr())) / 1e6;
    spec.epoch = static_cast<std::int64_t>(std::floor(ts));
    return;
  }
  if (is_exact_date(value)) {
    Fields f = date_fields(value);
    spec.at = local_text(f.year, f.month, f.day, 0, 0, 0, chunk);
    return;
  }
  pure = false;
  read_at_generic(value, spec, chunk);
}

[[noreturn]] void fail(const detail::TargetProblem& problem) { throw Error(problem.text()); }

void add_presence(std::string_view ext, std::string_view state, const EngineHandle& e,
                  Scenario& s) {
  if (auto problem = e.check.extension(ext, "presence")) fail(*problem);
  auto presence = detail::scripted_presence(state);
  if (!presence) fail(detail::unknown_state(state, ext, "presence"));
  s.presence.emplace_back(std::string(ext), *presence);
}

}  // namespace

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

// Appends a {key: value} mapping's entries to `entries` through `add` and sets [begin,
// begin + count) to them, or shares the previous call's entries when `mapping` is the same
// dict, unchanged. Mappings other than dicts are read through their items() (Python code:
// nothing read before can be shared after it).
template <class Entries, class Add>
void CallReader::read_entries(PyObject* mapping, SharedEntries& last, const Entries& entries,
                              std::uint32_t& begin, std::uint32_t& count, const char* expected,
                              Add add) {
  bool dict = PyDict_Check(mapping);
  if (dict && mapping == last.dict) {
    begin = last.begin;
    count = last.count;
    return;
  }
  if (!dict && !py::hasattr(mapping, "items")) {
    throw py::type_error(fmt::format("{}, not {}", expected, type_name(py::handle(mapping))));
  }
  begin = static_cast<std::uint32_t>(entries.size());
  if (dict) {
    PyObject* key = nullptr;
    PyObject* item = nullptr;
    Py_ssize_t pos = 0;
    while (PyDict_Next(mapping, &pos, &key, &item)) add(key, item);
  } else {
    forget();
    py::dict items(py::reinterpret_borrow<py::object>(mapping));
    for (auto [key, item] : items) add(key.ptr(), item.ptr());
  }
  count = static_cast<std::uint32_t>(entries.size()) - begin;
  if (dict) last = {mapping, begin, count};
}

namespace {

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

void CallReader::read_presence(PyObject* value, CallSpec& spec, CallChunk& chunk) {
  if (value == Py_None) return;
  if (PyUnicode_Check(value)) {
    read_presence_text(utf8(value, "presence"), spec, chunk);
    return;
  }
  read_entries(value, last_presence_, chunk.presence, spec.presence_begin, spec.presence_count,
               "presence must be a mapping {extension: state} or the CLI text "
               "\"002=busy,003=dnd\"",
               [&](PyObject* ext, PyObject* state) {
                 PresenceSpec p;
                 p.extension = as_text(ext, "presence extension", chunk);
                 p.state = as_text(state, "presence state", chunk);
                 chunk.presence.push_back(p);
               });
}

void CallReader::read_answers(PyObject* value, CallSpec& spec, CallChunk& chunk) {
  if (value == Py_None) return;
  if (PyUnicode_Check(value)) {
    read_answer_text(utf8(value, "answer"), spec, chunk);
    return;
  }
  read_entries(value, last_answer_, chunk.answers, spec.answer_begin, spec.answer_count,
               "answer must be a mapping {target: seconds or \"busy\"} or the CLI text "
               "\"001@5,002=busy\"",
               [&](PyObject* target, PyObject* how) {
                 AnswerSpec a;
                 a.target = as_text(target, "answer target", chunk);
                 // Errors name the target: `answer: 001: -5 is not a whole number >= 0`.
                 auto what = [&] { return fmt::format("answer: {}", chunk.text(a.target)); };
                 if (PyUnicode_Check(how)) {
                   std::string_view word = utf8(how, "answer");
                   if (word != "busy") {
                     throw Error(fmt::format(
                         "{}: `{}` is neither a number of seconds nor \"busy\"", what(), word));
                   }
                   a.busy = true;
                 } else if (PyLong_CheckExact(how)) {
                   unsigned long long n = PyLong_AsUnsignedLongLong(how);
                   if ((n == static_cast<unsigned long long>(-1) && PyErr_Occurred()) ||
                       n > 0xFFFFFFFFu) {
                     PyErr_Clear();
                     as_seconds(how, what());  // raises the right error
                   }
                   a.after_seconds = static_cast<std::uint32_t>(n);
                 } else if (PyLong_Check(how) && !PyBool_Check(how)) {
                   a.after_seconds = as_seconds(how, what());
                 } else {
                   throw py::type_error(fmt::format(
                       "{}: {} must be a whole number of seconds (int) or \"busy\", not {}",
                       what(), std::string(py::repr(how)), type_name(how)));
                 }
                 chunk.answers.push_back(a);
               });
}

[[gnu::noinline]] void CallReader::read_field(std::size_t field, PyObject* v, CallSpec& spec,
                                              CallChunk& chunk) {
  switch (field) {
    case kTo:
      spec.to = as_text(v, "to", chunk);
      break;
    case kFrom:
      if (v != Py_None) {
        spec.from = as_text(v, "from_", chunk);
        spec.has_from = true;
      }
      break;
    case kAt: {
      bool pure = true;
      read_at(v, spec, chunk, pure);
      if (!pure) forget();
      break;
    }
    case kPresence:
      read_presence(v, spec, chunk);
      break;
    case kAnswer:
      read_answers(v, spec, chunk);
      break;
    case kDigits:
      if (v != Py_None) spec.digits = as_text(v, "digits", chunk);
      break;
    case kHangupAfter:
      if (v != Py_None) spec.hangup_after = as_seconds(v, "hangup_after");
      break;
    case kSeed:
      if (v != Py_None) spec.seed = as_count(v, "seed");
      break;
    default:
      break;
  }
}

CallReader::CallReader() : call_type_(call_type_intact() ? g_call_type.type : nullptr) {}

void CallReader::read(py::handle call, CallChunk& chunk) {
  CallSpec spec;
  bool have_to = false;
  PyObject* obj = call.ptr();
  if (PyDict_Check(obj)) {
    PyObject* key = nullptr;
    PyObject* value = nullptr;
    Py_ssize_t pos = 0;
    bool have_from = false;
    while (PyDict_Next(obj, &pos, &key, &value)) {
      std::size_t field = field_of_key(key);
      if (field == kFrom) {
        if (have_from) {
          throw py::type_error(
              "a call has both `from` and `from_` (the same field, the caller): give one");
        }
        have_from = true;
      }
      read_field(field, value, spec, chunk);
      have_to = have_to || field == kTo;
    }
  } else if (call_type_ != nullptr && reinterpret_cast<PyObject*>(Py_TYPE(obj)) == call_type_) {
    // A callplan.Call: its slots, read where they are (an unset slot is a missing field),
    // text inline; the rest as read_field reads it. Same order, same errors.
    auto slot = [obj](std::size_t field) {
      return *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(obj) +
                                           g_call_type.offsets[field]);
    };
    if (PyObject* v = slot(kTo)) {
      spec.to = as_text(v, "to", chunk);
      have_to = true;
    }
    if (PyObject* v = slot(kFrom); v != nullptr && v != Py_None) {
      spec.from = as_text(v, "from_", chunk);
      spec.has_from = true;
    }
    if (PyObject* v = slot(kAt); v != nullptr && v != Py_None) {
      if (const char* data = ascii_data(v)) {
        spec.at = chunk.add_text(data, static_cast<std::size_t>(PyUnicode_GET_LENGTH(v)));
      } else {
        read_field(kAt, v, spec, chunk);
      }
    }
    if (PyObject* v = slot(kPresence); v != nullptr && v != Py_None) {
      read_presence(v, spec, chunk);
    }
    if (PyObject* v = slot(kAnswer); v != nullptr && v != Py_None) read_answers(v, spec, chunk);
    if (PyObject* v = slot(kDigits); v != nullptr && v != Py_None) {
      spec.digits = as_text(v, "digits", chunk);
    }
    for (std::size_t f : {std::size_t{kHangupAfter}, std::size_t{kSeed}}) {
      if (PyObject* v = slot(f); v != nullptr && v != Py_None) read_field(f, v, spec, chunk);
    }
  } else {
    // Any object with these attributes (a subclass of Call too: it may define properties).
    forget();
    for (std::size_t i = 0; i < kFields; ++i) {
      // One lookup per field (no hasattr + getattr).
      PyObject* value = PyObject_GetAttr(obj, field_names()[i]);
      if (value == nullptr) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError)) throw py::error_already_set();
        PyErr_Clear();
        continue;
      }
      py::object owned = py::reinterpret_steal<py::object>(value);
      read_field(i, owned.ptr(), spec, chunk);
      have_to = have_to || i == kTo;
    }
    forget();  // the getters were Python code, and may have changed what was read before
  }
  if (!have_to) {
    throw py::type_error(fmt::format("a call needs `to` (the dialled number or extension); got {}",
                                     std::string(py::repr(call))));
  }
  chunk.specs.push_back(spec);
}

void register_call_type(py::handle type) {
  if (!PyType_Check(type.ptr())) throw py::type_error("register_call_type() needs a class");
  CallType found;
  PyObject* dict = reinterpret_cast<PyTypeObject*>(type.ptr())->tp_dict;
  for (std::size_t i = 0; i < kFields; ++i) {
    PyObject* d = PyDict_GetItemString(dict, kFieldNames[i]);
    if (d == nullptr || Py_TYPE(d) != &PyMemberDescr_Type) {
      throw py::type_error(fmt::format("register_call_type(): `{}` is not a slot", kFieldNames[i]));
    }
    const PyMemberDef* member = reinterpret_cast<PyMemberDescrObject*>(d)->d_member;
    if (member->type != T_OBJECT_EX) {
      throw py::type_error(fmt::format("register_call_type(): `{}` is not an object slot",
                                       kFieldNames[i]));
    }
    Py_INCREF(d);
    found.descriptors[i] = d;
    found.offsets[i] = member->offset;
  }
  Py_INCREF(type.ptr());
  found.type = type.ptr();
  // Registered once per process (the package does it on import); a later registration
  // replaces it and keeps the old references (they are few, and may still be in use).
  g_call_type = found;
}

namespace {

inline void prefetch(const void* p) { __builtin_prefetch(p, 0, 3); }

inline void prefetch_object(const PyObject* o, std::size_t bytes) {
  const char* p = reinterpret_cast<const char*>(o);
  for (std::size_t at = 0; at < bytes; at += 64) prefetch(p + at);
}

// The table of an exact dict (its entries follow the header for small dicts).
inline void prefetch_dict_table(PyObject* d) {
  if (d == nullptr || !PyDict_CheckExact(d)) return;
  const char* keys = reinterpret_cast<const char*>(reinterpret_cast<PyDictObject*>(d)->ma_keys);
  prefetch(keys);
  prefetch(keys + 64);
}

constexpr std::size_t kAheadObject = 12;  // the call object
constexpr std::size_t kAheadFields = 6;   // what its slots point to
constexpr std::size_t kAheadTables = 3;   // the tables of its dicts

}  // namespace

void CallReader::prefetch_stage(PyObject* const* calls, std::size_t count, std::size_t i) const {
  if (i + kAheadObject < count) prefetch_object(calls[i + kAheadObject], 96);
  if (i + kAheadFields < count) {
    PyObject* o = calls[i + kAheadFields];
    if (call_type_ != nullptr && reinterpret_cast<PyObject*>(Py_TYPE(o)) == call_type_) {
      for (std::size_t f = 0; f < kFields; ++f) {
        PyObject* v =
            *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(o) + g_call_type.offsets[f]);
        if (v != nullptr) prefetch_object(v, 64);
      }
    } else if (PyDict_CheckExact(o)) {
      prefetch_dict_table(o);
    }
  }
  if (i + kAheadTables < count) {
    PyObject* o = calls[i + kAheadTables];
    if (call_type_ != nullptr && reinterpret_cast<PyObject*>(Py_TYPE(o)) == call_type_) {
      for (std::size_t f : {std::size_t{kPresence}, std::size_t{kAnswer}}) {
        prefetch_dict_table(
            *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(o) + g_call_type.offsets[f]));
      }
    }
  }
}

OneCall read_one_call(py::handle call) {
  OneCall one;
  CallReader reader;
  reader.read(call, one.chunk);
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

void build_scenario(const CallChunk& chunk, const CallSpec& c, const EngineHandle& e,
                    Scenario& s, InstantCache* instants) {
  const Engine& engine = *e.engine;
  std::string_view from = chunk.from(c);
  std::string_view to = chunk.text(c.to);
  if (auto problem = e.check.caller(from, "from_")) fail(*problem);
  // A well-formed number or extension the tenant does not have is routed, and rejected by
  // the engine (SPEC 3.1), as `callplan simulate` does (the CLI adds a note on stderr).
  if (auto problem = e.check.callee(to, from, "to"); problem && !problem->routable) fail(*problem);
  s.from.assign(from);
  s.to.assign(to);

  std::string_view at = chunk.text(c.at);
  if (c.epoch) {
    s.at = Instant{std::chrono::seconds{*c.epoch}};
  } else if (at.empty()) {
    s.at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  } else if (instants != nullptr && !c.at_fold) {
    s.at = instants->parse(at, engine.timezone());
  } else {
    std::string error;
    auto instant = detail::parse_instant(at, engine.timezone(), &error,
                                         c.at_fold ? detail::Fold::after : detail::Fold::before);
    if (!instant) throw Error(fmt::format("at: {}", error));
    s.at = *instant;
  }
  s.presence.clear();
  for (std::uint32_t i = 0; i < c.presence_count; ++i) {
    const PresenceSpec& p = chunk.presence[c.presence_begin + i];
    add_presence(chunk.text(p.extension), chunk.text(p.state), e, s);
  }

  s.answers.clear();
  for (std::uint32_t i = 0; i < c.answer_count; ++i) {
    const AnswerSpec& a = chunk.answers[c.answer_begin + i];
    ScriptedAnswer& out = s.answers.emplace_back();
    out.target.assign(chunk.text(a.target));
    out.busy = a.busy;
    out.after_seconds = a.after_seconds;
  }
  for (const ScriptedAnswer& a : s.answers) {
    if (auto problem = e.check.target(a.target, "answer")) fail(*problem);
  }
  std::string_view digits = chunk.text(c.digits);
  if (digits.find_first_not_of("0123456789*#_") != std::string_view::npos) {
    throw Error(fmt::format("digits: `{}` may hold only 0-9, *, # and _ (no key for that prompt)",
                            digits));
  }
  s.digits.assign(digits);
  s.hangup_after = c.hangup_after;
  s.seed = c.seed;
}

void bind_calls(py::module_& m) {
  if (!import_datetime()) throw py::error_already_set();
  m.def("register_call_type", &register_call_type, py::arg("type"),
        "Lets simulate_many read callplan.Call's slots directly (the package calls it once).");
}

}  // namespace callplan::python
