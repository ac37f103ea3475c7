// Internal to the checker: elementary cycles of a small directed graph (plans, schedules).
#pragma once

#include <cstddef>
#include <vector>

namespace callplan::check_detail {

// successors[v] lists the nodes v has an edge to (duplicates allowed). Returns every
// elementary cycle once, as the nodes in order starting at the cycle's smallest node (a
// self-loop is {v}); cycles are sorted by that node, then in discovery order. The search is
// restricted to strongly connected components (Boost.Graph) and stops after `limit` cycles, so
// that a pathological tenant cannot make the checker run for ever.
std::vector<std::vector<std::size_t>> elementary_cycles(
    const std::vector<std::vector<std::size_t>>& successors, std::size_t limit = 64);

}  // namespace callplan::check_detail
