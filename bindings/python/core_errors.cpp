// callplan::Error -> callplan.Error (with its issues as callplan.Issue objects), and the Issue
// conversion every other shim uses.
#include <pybind11/stl.h>

#include "callplan/error.hpp"
#include "core.hpp"

namespace callplan::python {
namespace {

py::dict location_to_python(py::dict d, const Location& at) {
  d["file"] = at.file;
  d["line"] = at.line;
  d["column"] = at.column;
  return d;
}

}  // namespace

py::list issues_to_python(const Issues& issues) {
  py::list out;
  for (const Issue& i : issues) {
    py::dict d;
    d["severity"] = std::string(to_string(i.severity));
    d["code"] = i.code;
    d["message"] = i.message;
    location_to_python(d, i.location);
    py::list notes;
    for (const Note& n : i.notes) {
      py::dict nd;
      nd["message"] = n.message;
      notes.append(location_to_python(nd, n.location));
    }
    d["notes"] = notes;
    d["hints"] = py::cast(i.hints);
    out.append(d);
  }
  return out;
}

void bind_errors(py::module_& m) {
  // The exception classes are pure Python (callplan/_errors.py) so that they have docstrings,
  // pickling and `issues` as objects; they are looked up when the first error is raised.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      try {
        py::object make = py::module_::import("callplan._errors").attr("_from_core");
        py::object exc = make(std::string(e.what()), issues_to_python(e.issues()));
        PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
      } catch (py::error_already_set&) {
        // Only when _core is used without its package: still a clear error.
        PyErr_SetString(PyExc_RuntimeError, e.what());
      }
    }
  });
  m.def("issue_kinds", [] {
    py::list out;
    for (const IssueKind& k : issue_kinds()) {
      out.append(py::make_tuple(std::string(k.code), std::string(k.name),
                                std::string(to_string(k.severity)), std::string(k.summary)));
    }
    return out;
  }, "Every issue code: (code, name, severity, summary).");
}

}  // namespace callplan::python
