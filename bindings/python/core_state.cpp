// RoutingState: round-robin positions and the random generator's state, carried from call to
// call. Pickling and the pythonic wrapper are in callplan/_state.py.
#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include "callplan/session.hpp"
#include "core.hpp"

namespace callplan::python {

void bind_state(py::module_& m) {
  py::class_<RoutingState>(m, "RoutingState")
      .def(py::init<>())
      .def(py::init<std::uint64_t>(), py::arg("seed"))
      .def("to_json", &RoutingState::to_json)
      .def_static("from_json", [](const std::string& text) { return RoutingState::from_json(text); })
      .def("round_robin", [](const RoutingState& s, const std::string& group) {
        auto member = s.round_robin(group);
        return member ? std::optional<std::string>(std::string(*member)) : std::nullopt;
      })
      .def("set_round_robin", &RoutingState::set_round_robin)
      .def("round_robin_positions", [](const RoutingState& s) {
        py::dict out;
        for (const auto& [group, member] : s.round_robin_positions()) out[py::str(group)] = member;
        return out;
      })
      .def_property_readonly("random_state", &RoutingState::random_state)
      .def("set_seed", &RoutingState::set_seed)
      .def(py::self == py::self)
      .def("copy", [](const RoutingState& s) { return RoutingState(s); });
}

}  // namespace callplan::python
