// Internal: the plans of a tenant as a directed graph (Boost.Graph), for the loop check and
// for graph questions such as "which numbers can ring extension 002" (`callplan graph --to`).
//
// Nodes are plans (the first definition of each id). An edge is a step that continues in
// another plan: a `goto`, or a `transfer` that follows a user's personal plan when that user
// has one (`users[].plan`; the default personal plan only rings and leaves no edge). Edges
// inside a time_condition branch or a menu option are tagged conditional: whether the call
// takes them depends on the time or on digits.
//
//   PlanGraph g = PlanGraph::build(tenant);
//   for (const PlanGraph::Cycle& c : g.cycles()) ...
//
// A PlanGraph points into the tenant it was built from (plans, steps): keep the tenant alive
// and unchanged while using it. Immutable after build; safe to share between threads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "callplan/model.hpp"

namespace callplan::check_detail {

enum class PlanEdgeKind : std::uint8_t { go_to, personal_plan };

struct PlanEdge {
  std::size_t from = 0;  // plan index
  std::size_t to = 0;    // plan index
  PlanEdgeKind kind = PlanEdgeKind::go_to;
  bool conditional = false;    // inside a time_condition branch or menu option
  const Step* step = nullptr;  // the goto or transfer
  std::string path;            // SPEC 5 step path, "main/0/else/1"
  std::string extension;       // personal_plan: the user whose plan is entered
};

class PlanGraph {
 public:
  // Vertex v is plan v; every edge carries its index into edges().
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                      boost::no_property,
                                      boost::property<boost::edge_index_t, std::size_t>>;

  struct Cycle {
    // One edge per hop, in order: edges[0].from -> ... -> edges.back().to == edges[0].from.
    // Where several steps lead from one plan to the next, the hop is represented by the first
    // unconditional one (else the first one).
    std::vector<std::size_t> edges;
    bool conditional = false;  // some hop happens only at certain times or digits
  };

  static PlanGraph build(const Tenant& tenant);

  std::size_t size() const { return plans_.size(); }
  const Plan& plan(std::size_t index) const { return *plans_[index]; }
  std::optional<std::size_t> find(std::string_view id) const;
  const std::vector<PlanEdge>& edges() const { return edges_; }
  const Graph& graph() const { return graph_; }

  // Plans a call entering `plan` can continue in (including `plan`).
  std::vector<bool> reachable_from(std::size_t plan) const;
  // Plans from which a call can continue into `plan` (including `plan`).
  std::vector<bool> reaching(std::size_t plan) const;

  // Every elementary cycle once, starting at its plan that comes first in the file.
  std::vector<Cycle> cycles() const;

 private:
  std::vector<const Plan*> plans_;
  std::vector<PlanEdge> edges_;
  Graph graph_;
};

// "main -> sales -> main"
std::string describe_cycle(const PlanGraph& graph, const PlanGraph::Cycle& cycle);

}  // namespace callplan::check_detail
