// Which part of the flow graph each view draws. The reverse view is a reachability question,
// answered with Boost.Graph: nodes from which the user's node can be reached (breadth-first
// search on the reversed graph) that a call can also reach from an entry (search forward from
// every number and extension).
#include <functional>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <fmt/format.h>

#include "callplan/error.hpp"
#include "diagnostics/make_issue.hpp"
#include "graph/render.hpp"

namespace callplan::graph_detail {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

class Discover : public boost::default_bfs_visitor {
 public:
  explicit Discover(std::vector<bool>& seen) : seen_(&seen) {}
  template <class Vertex, class G>
  void discover_vertex(Vertex v, const G&) const { (*seen_)[v] = true; }

 private:
  std::vector<bool>* seen_;
};

template <class G>
void discover(const G& g, std::size_t start, std::vector<bool>& seen) {
  if (seen[start]) return;  // already found from an earlier start: its region is marked
  std::vector<boost::default_color_type> colors(boost::num_vertices(g));
  boost::breadth_first_search(
      g, start,
      boost::visitor(Discover(seen)).color_map(boost::make_iterator_property_map(
          colors.begin(), boost::get(boost::vertex_index, g))));
}

bool is_entry(const FlowNode& n) { return n.kind == NodeKind::number || n.kind == NodeKind::extension; }

std::string hop_name(const FlowNode& n) {
  switch (n.kind) {
    case NodeKind::number:
      return n.details.empty() ? n.title : fmt::format("{} ({})", n.title, n.details.front());
    case NodeKind::extension:
      return fmt::format("extension {}", n.details.empty() ? n.title : n.details.front());
    case NodeKind::plan: return fmt::format("plan {}", n.plan);
    case NodeKind::step: {
      std::string what = n.title;
      if (!n.details.empty() && n.step_kind != "ring_group") what += " " + n.details.front();
      if (n.step_kind == "ring_group" && !n.details.empty()) what += " (" + n.details.front() + ")";
      return fmt::format("{} {}", n.key, what);
    }
    case NodeKind::end: return "unanswered";
    case NodeKind::user:
    case NodeKind::external: return n.title;
  }
  return n.title;
}

std::vector<std::string_view> plan_ids(const FlowGraph& g) {
  std::vector<std::string_view> ids;
  for (const std::string& p : g.plan_order) {
    if (p.rfind("personal:", 0) != 0) ids.push_back(p);  // drawn, not written: no hint
  }
  return ids;
}

}  // namespace

View forward_view(const FlowGraph& g, const std::string& plan) {
  View v;
  v.graph = &g;
  v.nodes.assign(g.nodes.size(), false);
  v.edges.assign(g.edges.size(), false);
  v.title = fmt::format("{}: call plans", g.tenant_name);
  auto drawable = [&](const FlowNode& n) {
    return n.kind != NodeKind::user && n.kind != NodeKind::external;
  };
  if (plan.empty()) {
    for (std::size_t i = 0; i < g.nodes.size(); ++i) v.nodes[i] = drawable(g.nodes[i]);
  } else {
    std::size_t head = g.find(fmt::format("plan:{}", plan));
    if (head == g.nodes.size() || plan.rfind("personal:", 0) == 0) {
      auto ids = plan_ids(g);
      throw Error(fmt::format("--plan: no plan has id `{}`{}", plan,
                              callplan::detail::did_you_mean(plan, ids)));
    }
    v.title = fmt::format("{}: plan {}", g.tenant_name, plan);
    for (std::size_t i = 0; i < g.nodes.size(); ++i) v.nodes[i] = g.nodes[i].plan == plan;
    // The entries into the plan, and the heads of the plans it continues in (drawn alone).
    for (const FlowEdge& e : g.edges) {
      if (e.to == head && is_entry(g.nodes[e.from])) v.nodes[e.from] = true;
      if (g.nodes[e.from].plan == plan && g.nodes[e.to].kind == NodeKind::plan) v.nodes[e.to] = true;
    }
  }
  for (std::size_t e = 0; e < g.edges.size(); ++e) {
    v.edges[e] = v.nodes[g.edges[e].from] && v.nodes[g.edges[e].to] &&
                 g.edges[e].kind != EdgeKind::rings;
  }
  return v;
}

View reverse_view(const FlowGraph& g, const std::string& extension, std::size_t path_limit) {
  View v;
  v.graph = &g;
  v.view = "reverse";
  v.target = g.find(fmt::format("user:{}", extension));
  if (v.target == g.nodes.size()) {
    // A user nobody rings has no node yet; a user that does not exist is a mistake.
    std::vector<std::string_view> extensions;
    for (const FlowNode& n : g.nodes) {
      if (n.kind == NodeKind::extension) extensions.push_back(std::string_view(n.key).substr(10));
    }
    if (std::find(extensions.begin(), extensions.end(), extension) == extensions.end()) {
      throw Error(fmt::format("--to: no user has extension `{}`{}", extension,
                              callplan::detail::did_you_mean(extension, extensions)));
    }
  }
  Graph graph(g.nodes.size());
  for (const FlowEdge& e : g.edges) boost::add_edge(e.from, e.to, graph);

  std::vector<bool> reaching(g.nodes.size(), false);
  if (v.target < g.nodes.size()) discover(boost::make_reverse_graph(graph), v.target, reaching);
  std::vector<bool> reachable(g.nodes.size(), false);
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (is_entry(g.nodes[i]) && reaching[i]) discover(graph, i, reachable);
  }
  v.nodes.assign(g.nodes.size(), false);
  for (std::size_t i = 0; i < g.nodes.size(); ++i) v.nodes[i] = reaching[i] && reachable[i];
  v.edges.assign(g.edges.size(), false);
  for (std::size_t e = 0; e < g.edges.size(); ++e) {
    v.edges[e] = v.nodes[g.edges[e].from] && v.nodes[g.edges[e].to];
  }

  // Every simple path from an entry to the user, depth first in edge (file) order.
  std::vector<std::vector<std::size_t>> out(g.nodes.size());
  for (std::size_t e = 0; e < g.edges.size(); ++e) {
    if (v.edges[e]) out[g.edges[e].from].push_back(e);
  }
  std::vector<bool> on_path(g.nodes.size(), false);
  std::vector<std::size_t> stack;  // edges
  std::function<void(std::size_t, const std::string&)> walk = [&](std::size_t node,
                                                                  const std::string& entry) {
    if (v.paths.size() >= path_limit) return;
    if (node == v.target) {
      RingPath p;
      p.entry = entry;
      for (std::size_t e : stack) {
        const FlowNode& n = g.nodes[g.edges[e].to];
        p.hops.push_back({g.edges[e].label, hop_name(n), n.kind == NodeKind::step ? n.key : ""});
      }
      v.paths.push_back(std::move(p));
      return;
    }
    on_path[node] = true;
    for (std::size_t e : out[node]) {
      if (on_path[g.edges[e].to]) continue;
      stack.push_back(e);
      walk(g.edges[e].to, entry);
      stack.pop_back();
    }
    on_path[node] = false;
  };
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (v.nodes[i] && is_entry(g.nodes[i])) walk(i, hop_name(g.nodes[i]));
  }
  std::string who = v.target < g.nodes.size() ? g.nodes[v.target].title : extension;
  v.title = fmt::format("{}: {} path{} ring{} {}", g.tenant_name, v.paths.size(),
                        v.paths.size() == 1 ? "" : "s", v.paths.size() == 1 ? "s" : "", who);
  if (v.paths.size() >= path_limit) v.title += fmt::format(" (first {} shown)", path_limit);
  return v;
}

}  // namespace callplan::graph_detail
