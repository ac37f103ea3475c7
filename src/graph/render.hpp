// Internal: what part of a FlowGraph to draw, and the renderers for each format.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "callplan/graph.hpp"
#include "graph/flow_graph.hpp"

namespace callplan::graph_detail {

struct View {
  const FlowGraph* graph = nullptr;
  std::vector<bool> nodes;  // drawn nodes, by index
  std::vector<bool> edges;  // drawn edges, by index (both ends are drawn)
  std::string title;        // the drawing's caption
  std::string view = "plans";  // "plans" or "reverse"
  std::size_t target = static_cast<std::size_t>(-1);  // reverse view: the user's node
  std::vector<RingPath> paths;  // reverse view
};

// Forward view; `plan` empty: every plan. Throws callplan::Error for an unknown plan.
View forward_view(const FlowGraph& graph, const std::string& plan);
// Reverse view of a graph built with all_extensions. Throws callplan::Error for an unknown user.
View reverse_view(const FlowGraph& graph, const std::string& extension, std::size_t path_limit);

// Whether the view draws a node of `plan` (the plan's cluster or subgraph is drawn at all).
inline bool draws_plan(const View& view, const std::string& plan) {
  const FlowGraph& g = *view.graph;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (view.nodes[i] && g.nodes[i].plan == plan) return true;
  }
  return false;
}

std::string render_dot(const View& view);
std::string render_mermaid(const View& view);
std::string render_json(const View& view);
std::string render_text(const View& view);

}  // namespace callplan::graph_detail
