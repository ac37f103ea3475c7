// callplan._core: the compiled half of `import callplan`. Thin shims only; the Python API is
// the pure-Python package next to it (callplan/__init__.py).
#include "core.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "Thin C++ shims of callplan; use the `callplan` package, not this module.";
  using namespace callplan::python;
  bind_errors(m);
  bind_state(m);
  bind_tenant(m);
  bind_engine(m);
  bind_session(m);
  bind_calls(m);
}
