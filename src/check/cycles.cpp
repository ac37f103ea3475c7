#include "check/cycles.hpp"

#include <algorithm>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>

namespace callplan::check_detail {

namespace {

using Digraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

std::vector<int> component_of(const std::vector<std::vector<std::size_t>>& successors) {
  Digraph g(successors.size());
  for (std::size_t v = 0; v < successors.size(); ++v) {
    for (std::size_t w : successors[v]) boost::add_edge(v, w, g);
  }
  std::vector<int> component(successors.size());
  boost::strong_components(g, component.data());
  return component;
}

// Depth-first search for paths back to `root` through nodes > root in root's component
// (each cycle is found exactly once: from its smallest node).
class CycleSearch {
 public:
  CycleSearch(const std::vector<std::vector<std::size_t>>& successors,
              const std::vector<int>& component, std::size_t limit,
              std::vector<std::vector<std::size_t>>& out)
      : succ_(successors), component_(component), limit_(limit), out_(out),
        on_path_(successors.size(), false) {}

  void from(std::size_t root) {
    root_ = root;
    path_.assign(1, root);
    on_path_[root] = true;
    extend(root);
    on_path_[root] = false;
  }

 private:
  void extend(std::size_t v) {
    std::vector<std::size_t> next = succ_[v];
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    for (std::size_t w : next) {
      if (out_.size() >= limit_) return;
      if (w == root_) {
        out_.push_back(path_);
      } else if (w > root_ && !on_path_[w] && component_[w] == component_[root_]) {
        on_path_[w] = true;
        path_.push_back(w);
        extend(w);
        path_.pop_back();
        on_path_[w] = false;
      }
    }
  }

  const std::vector<std::vector<std::size_t>>& succ_;
  const std::vector<int>& component_;
  std::size_t limit_;
  std::vector<std::vector<std::size_t>>& out_;
  std::vector<bool> on_path_;
  std::vector<std::size_t> path_;
  std::size_t root_ = 0;
};

}  // namespace

std::vector<std::vector<std::size_t>> elementary_cycles(
    const std::vector<std::vector<std::size_t>>& successors, std::size_t limit) {
  std::vector<std::vector<std::size_t>> cycles;
  if (successors.empty()) return cycles;
  std::vector<int> component = component_of(successors);
  CycleSearch search(successors, component, limit, cycles);
  for (std::size_t root = 0; root < successors.size() && cycles.size() < limit; ++root) {
    search.from(root);
  }
  return cycles;
}

}  // namespace callplan::check_detail
