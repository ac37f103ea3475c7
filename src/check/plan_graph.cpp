#include "check/plan_graph.hpp"

#include <map>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "check/context.hpp"
#include "check/cycles.hpp"

namespace callplan::check_detail {

namespace {

// Marks every vertex a breadth-first search from `start` discovers.
class Discover : public boost::default_bfs_visitor {
 public:
  explicit Discover(std::vector<bool>& seen) : seen_(&seen) {}
  template <class Vertex, class G>
  void discover_vertex(Vertex v, const G&) const {
    (*seen_)[v] = true;
  }

 private:
  std::vector<bool>* seen_;
};

template <class G>
std::vector<bool> discovered_from(const G& g, std::size_t start, std::size_t n) {
  std::vector<bool> seen(n, false);
  if (start >= n) return seen;
  std::vector<boost::default_color_type> colors(n);
  boost::breadth_first_search(
      g, start,
      boost::visitor(Discover(seen)).color_map(boost::make_iterator_property_map(
          colors.begin(), boost::get(boost::vertex_index, g))));
  return seen;
}

}  // namespace

PlanGraph PlanGraph::build(const Tenant& tenant) {
  PlanGraph g;
  std::map<std::string, std::size_t, std::less<>> index;
  for (const Plan& p : tenant.plans) {
    if (index.emplace(p.id.value, g.plans_.size()).second) g.plans_.push_back(&p);
  }
  std::map<std::string, const User*, std::less<>> users;
  for (const User& u : tenant.users) users.emplace(u.extension.value, &u);

  for (std::size_t from = 0; from < g.plans_.size(); ++from) {
    const Plan& plan = *g.plans_[from];
    for_each_step(plan.steps, plan.id.value, false,
                  [&](const Step& step, const std::string& path, bool conditional) {
                    PlanEdge edge{from, 0, PlanEdgeKind::go_to, conditional, &step, path, {}};
                    std::string_view target;
                    if (const auto* go = std::get_if<Goto>(&step.body)) {
                      target = go->plan.value;
                    } else if (const auto* t = std::get_if<Transfer>(&step.body)) {
                      if (!t->follow_personal_plan.value || !is_extension(t->to.value)) return;
                      auto user = users.find(t->to.value);
                      if (user == users.end() || user->second->plan.value.empty()) return;
                      edge.kind = PlanEdgeKind::personal_plan;
                      edge.extension = t->to.value;
                      target = user->second->plan.value;
                    } else {
                      return;
                    }
                    auto to = index.find(target);
                    if (to == index.end()) return;  // unknown plan: CP211
                    edge.to = to->second;
                    g.edges_.push_back(std::move(edge));
                  });
  }
  g.graph_ = Graph(g.plans_.size());
  for (std::size_t e = 0; e < g.edges_.size(); ++e) {
    boost::add_edge(g.edges_[e].from, g.edges_[e].to, e, g.graph_);
  }
  return g;
}

std::optional<std::size_t> PlanGraph::find(std::string_view id) const {
  for (std::size_t i = 0; i < plans_.size(); ++i) {
    if (plans_[i]->id.value == id) return i;
  }
  return std::nullopt;
}

std::vector<bool> PlanGraph::reachable_from(std::size_t plan) const {
  return discovered_from(graph_, plan, plans_.size());
}

std::vector<bool> PlanGraph::reaching(std::size_t plan) const {
  return discovered_from(boost::make_reverse_graph(graph_), plan, plans_.size());
}

std::vector<PlanGraph::Cycle> PlanGraph::cycles() const {
  std::vector<std::vector<std::size_t>> successors(plans_.size());
  // The representative edge of each hop: the first unconditional one, else the first one.
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> hop;
  for (std::size_t e = 0; e < edges_.size(); ++e) {
    const PlanEdge& edge = edges_[e];
    successors[edge.from].push_back(edge.to);
    auto [it, inserted] = hop.emplace(std::pair{edge.from, edge.to}, e);
    if (!inserted && edges_[it->second].conditional && !edge.conditional) it->second = e;
  }
  std::vector<Cycle> result;
  for (const std::vector<std::size_t>& nodes : elementary_cycles(successors)) {
    Cycle cycle;
    for (std::size_t k = 0; k < nodes.size(); ++k) {
      std::size_t e = hop.at({nodes[k], nodes[(k + 1) % nodes.size()]});
      cycle.edges.push_back(e);
      cycle.conditional = cycle.conditional || edges_[e].conditional;
    }
    result.push_back(std::move(cycle));
  }
  return result;
}

std::string describe_cycle(const PlanGraph& graph, const PlanGraph::Cycle& cycle) {
  std::vector<std::string_view> names;
  for (std::size_t e : cycle.edges) names.push_back(graph.plan(graph.edges()[e].from).id.value);
  if (!cycle.edges.empty()) {
    names.push_back(graph.plan(graph.edges()[cycle.edges.front()].from).id.value);
  }
  return fmt::format("{}", fmt::join(names, " -> "));
}

}  // namespace callplan::check_detail
