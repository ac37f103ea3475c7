// Calls described in Python (keyword arguments, dicts, callplan.Call objects) -> Scenario.
//
// Two halves on purpose: read_call() copies strings and numbers out of Python objects and
// needs the GIL; build_scenario() parses and validates them and does not, so simulate_many
// runs it on its worker threads. Validation is the CLI's (`callplan simulate`): the same
// checks, the same messages, with Python argument names instead of option names.
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "core.hpp"
#include "diagnostics/make_issue.hpp"
#include "plantest/instant.hpp"

namespace callplan::python {
namespace {

constexpr std::array<std::string_view, 8> kCallKeys = {
    "to", "from", "from_", "at", "presence", "answer", "digits", "hangup_after"};
constexpr std::array<std::string_view, 4> kStates = {"available", "offline", "busy", "dnd"};

std::string type_name(py::handle value) { return py::str(py::type::handle_of(value).attr("__name__")); }

std::string as_string(py::handle value, std::string_view what) {
  if (!PyUnicode_Check(value.ptr())) {
    throw py::type_error(fmt::format("{} must be a str, not {}", what, type_name(value)));
  }
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(value.ptr(), &size);
  if (data == nullptr) throw py::error_already_set();
  return std::string(data, static_cast<std::size_t>(size));
}

std::uint64_t as_count(py::handle value, std::string_view what) {
  if (!PyLong_Check(value.ptr()) || PyBool_Check(value.ptr())) {
    throw py::type_error(fmt::format("{} must be an int, not {}", what, type_name(value)));
  }
  unsigned long long n = PyLong_AsUnsignedLongLong(value.ptr());
  if (PyErr_Occurred()) {
    PyErr_Clear();
    throw Error(fmt::format("{}: {} is not a whole number >= 0", what,
                            std::string(py::str(value))));
  }
  return n;
}

std::uint32_t as_seconds(py::handle value, std::string_view what) {
  std::uint64_t n = as_count(value, what);
  if (n > 0xFFFFFFFFu) throw Error(fmt::format("{}: {} seconds is too long", what, n));
  return static_cast<std::uint32_t>(n);
}

// `at`: ISO text as the CLI takes it; a naive datetime is local time in the tenant's zone,
// written as text so that DST gaps and repeats are resolved exactly as for `--at`; an aware
// one is an instant.
void read_at(py::handle value, CallSpec& spec) {
  if (value.is_none()) return;
  if (PyUnicode_Check(value.ptr())) {
    spec.at = as_string(value, "at");
    return;
  }
  // datetime.datetime, looked up once and kept for the life of the process.
  static PyObject* datetime_type =
      py::object(py::module_::import("datetime").attr("datetime")).release().ptr();
  int is_datetime = PyObject_IsInstance(value.ptr(), datetime_type);
  if (is_datetime < 0) throw py::error_already_set();
  if (is_datetime == 0) {
    // A date means its midnight, local time in the tenant's zone.
    static PyObject* date_type = py::object(py::module_::import("datetime").attr("date")).release().ptr();
    int is_date = PyObject_IsInstance(value.ptr(), date_type);
    if (is_date < 0) throw py::error_already_set();
    if (is_date == 0) {
      throw py::type_error(fmt::format("at must be a datetime, a date or an ISO 8601 str, not {}",
                                       type_name(value)));
    }
    auto field = [&](const char* name) { return value.attr(name).cast<int>(); };
    spec.at = fmt::format("{:04}-{:02}-{:02}T00:00:00", field("year"), field("month"),
                          field("day"));
    return;
  }
  py::object offset = value.attr("utcoffset")();
  if (offset.is_none()) {
    auto field = [&](const char* name) { return value.attr(name).cast<int>(); };
    spec.at = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", field("year"), field("month"),
                          field("day"), field("hour"), field("minute"), field("second"));
    return;
  }
  double ts = value.attr("timestamp")().cast<double>();
  spec.epoch = static_cast<std::int64_t>(std::floor(ts));
}

void read_presence(py::handle value, CallSpec& spec) {
  if (value.is_none()) return;
  if (PyUnicode_Check(value.ptr())) {
    spec.presence_text = as_string(value, "presence");
    return;
  }
  if (!PyDict_Check(value.ptr()) && !py::hasattr(value, "items")) {
    throw py::type_error(fmt::format("presence must be a mapping {{extension: state}}, not {}",
                                     type_name(value)));
  }
  py::dict items = PyDict_Check(value.ptr()) ? py::reinterpret_borrow<py::dict>(value)
                                             : py::dict(py::reinterpret_borrow<py::object>(value));
  for (auto [ext, state] : items) {
    spec.presence.emplace_back(as_string(ext, "presence extension"),
                               as_string(state, "presence state"));
  }
}

void read_answers(py::handle value, CallSpec& spec) {
  if (value.is_none()) return;
  if (PyUnicode_Check(value.ptr())) {
    spec.answer_text = as_string(value, "answer");
    return;
  }
  if (!PyDict_Check(value.ptr()) && !py::hasattr(value, "items")) {
    throw py::type_error(fmt::format(
        "answer must be a mapping {{target: seconds or \"busy\"}}, not {}", type_name(value)));
  }
  py::dict items = PyDict_Check(value.ptr()) ? py::reinterpret_borrow<py::dict>(value)
                                             : py::dict(py::reinterpret_borrow<py::object>(value));
  for (auto [target, how] : items) {
    ScriptedAnswer a;
    a.target = as_string(target, "answer target");
    if (PyUnicode_Check(how.ptr())) {
      std::string word = as_string(how, "answer");
      if (word != "busy") {
        throw Error(fmt::format("answer: `{}` for {} is neither a number of seconds nor \"busy\"",
                                word, a.target));
      }
      a.busy = true;
    } else {
      a.after_seconds = as_seconds(how, "answer seconds");
    }
    spec.answers.push_back(std::move(a));
  }
}

void read_field(std::string_view key, py::handle value, CallSpec& spec) {
  if (key == "to") {
    spec.to = as_string(value, "to");
  } else if (key == "from" || key == "from_") {
    if (!value.is_none()) spec.from = as_string(value, "from_");
  } else if (key == "at") {
    read_at(value, spec);
  } else if (key == "presence") {
    read_presence(value, spec);
  } else if (key == "answer") {
    read_answers(value, spec);
  } else if (key == "digits") {
    if (!value.is_none()) spec.digits = as_string(value, "digits");
  } else if (key == "hangup_after") {
    if (!value.is_none()) spec.hangup_after = as_seconds(value, "hangup_after");
  } else if (key == "seed") {
    if (!value.is_none()) spec.seed = as_count(value, "seed");
  } else {
    std::vector<std::string_view> keys(kCallKeys.begin(), kCallKeys.end());
    keys.push_back("seed");
    std::string hint = detail::did_you_mean(key, keys);
    throw py::type_error(fmt::format("a call has no field `{}`{}", key,
                                     hint.empty() ? "" : " (" + hint + ")"));
  }
}

[[noreturn]] void fail(const detail::TargetProblem& problem) {
  throw Error(problem.hint.empty() ? problem.message
                                   : fmt::format("{} ({})", problem.message, problem.hint));
}

std::vector<std::pair<std::string, std::string>> split_presence(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      std::size_t eq = item.find('=');
      if (eq == std::string_view::npos) {
        throw Error(fmt::format("presence: `{}` is not EXT=STATE (e.g. 002=busy)", item));
      }
      out.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    }
    start = end + 1;
  }
  return out;
}

void add_presence(std::string_view ext, std::string_view state, const EngineHandle& e,
                  Scenario& s) {
  if (auto problem = e.check.extension(ext, "presence")) fail(*problem);
  auto presence = parse_presence(state);
  if (!presence || state == "no_device") {
    std::string hint = detail::did_you_mean(state, kStates);
    throw Error(fmt::format("presence: unknown state `{}` for {} ({}states: available, offline, "
                            "busy, dnd)",
                            state, ext, hint.empty() ? "" : hint + " "));
  }
  s.presence.emplace_back(std::string(ext), *presence);
}

}  // namespace

CallSpec read_call(py::handle call) {
  CallSpec spec;
  bool have_to = false;
  if (PyDict_Check(call.ptr())) {
    PyObject* key = nullptr;
    PyObject* value = nullptr;
    Py_ssize_t pos = 0;
    while (PyDict_Next(call.ptr(), &pos, &key, &value)) {
      std::string name = as_string(key, "a call's field name");
      read_field(name, value, spec);
      have_to = have_to || name == "to";
    }
  } else {
    // A callplan.Call (or any object with these attributes).
    // Interned names, made once: this runs for every call of a batch.
    static const std::array<std::pair<const char*, PyObject*>, 8> kNames = [] {
      std::array<std::pair<const char*, PyObject*>, 8> names{};
      const char* fields[] = {"to", "from_", "at", "presence", "answer", "digits",
                              "hangup_after", "seed"};
      for (std::size_t i = 0; i < names.size(); ++i) {
        names[i] = {fields[i], PyUnicode_InternFromString(fields[i])};
      }
      return names;
    }();
    for (const auto& [name, key] : kNames) {
      // One lookup per field (no hasattr + getattr).
      PyObject* value = PyObject_GetAttr(call.ptr(), key);
      if (value == nullptr) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError)) throw py::error_already_set();
        PyErr_Clear();
        continue;
      }
      py::object owned = py::reinterpret_steal<py::object>(value);
      read_field(name, owned, spec);
      have_to = have_to || std::string_view(name) == "to";
    }
  }
  if (!have_to) {
    throw py::type_error(fmt::format("a call needs `to` (the dialled number or extension); got {}",
                                     std::string(py::repr(call))));
  }
  return spec;
}

Instant InstantCache::parse(const std::string& text, std::string_view zone) {
  if (auto it = cache_.find(text); it != cache_.end()) return it->second;
  std::string error;
  auto instant = detail::parse_instant(text, zone, &error);
  if (!instant) throw Error(fmt::format("at: {}", error));
  if (cache_.size() >= kMaxEntries) cache_.clear();
  cache_.emplace(text, *instant);
  return *instant;
}

Scenario build_scenario(const CallSpec& c, const EngineHandle& e, InstantCache* instants) {
  const Engine& engine = *e.engine;
  Scenario s;
  if (auto problem = e.check.caller(c.from, "from_")) fail(*problem);
  if (auto problem = e.check.callee(c.to, c.from, "to")) fail(*problem);
  s.from = c.from;
  s.to = c.to;

  if (c.epoch) {
    s.at = Instant{std::chrono::seconds{*c.epoch}};
  } else if (c.at.empty()) {
    s.at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  } else if (instants != nullptr) {
    s.at = instants->parse(c.at, engine.timezone());
  } else {
    std::string error;
    auto instant = detail::parse_instant(c.at, engine.timezone(), &error);
    if (!instant) throw Error(fmt::format("at: {}", error));
    s.at = *instant;
  }
  for (const auto& [ext, state] : split_presence(c.presence_text)) add_presence(ext, state, e, s);
  for (const auto& [ext, state] : c.presence) add_presence(ext, state, e, s);

  if (!c.answer_text.empty()) {
    try {
      s.answers = parse_answer_list(c.answer_text);
    } catch (const Error& err) {
      throw Error(fmt::format("answer: {}", err.what()));
    }
  }
  s.answers.insert(s.answers.end(), c.answers.begin(), c.answers.end());
  for (const ScriptedAnswer& a : s.answers) {
    if (auto problem = e.check.target(a.target, "answer")) fail(*problem);
  }
  if (c.digits.find_first_not_of("0123456789*#_") != std::string::npos) {
    throw Error(fmt::format("digits: `{}` may hold only 0-9, *, # and _ (no key for that prompt)",
                            c.digits));
  }
  s.digits = c.digits;
  s.hangup_after = c.hangup_after;
  s.seed = c.seed;
  return s;
}

}  // namespace callplan::python
