// JSON for tools: the drawn nodes and edges with their stable keys, and in the reverse view
// every path. Keys in a fixed order (ordered_json) so that output is byte-for-byte stable.
#include <nlohmann/json.hpp>

#include "graph/render.hpp"

namespace callplan::graph_detail {

std::string render_json(const View& view) {
  using nlohmann::ordered_json;
  const FlowGraph& g = *view.graph;
  ordered_json out;
  out["tenant"] = g.tenant_name;
  out["view"] = view.view;
  if (view.target < g.nodes.size()) out["target"] = g.nodes[view.target].key;
  ordered_json nodes = ordered_json::array();
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (!view.nodes[i]) continue;
    const FlowNode& n = g.nodes[i];
    ordered_json j;
    j["id"] = n.key;
    j["kind"] = std::string(to_string(n.kind));
    if (!n.step_kind.empty()) j["step"] = n.step_kind;
    if (!n.plan.empty()) j["plan"] = n.plan;
    j["title"] = n.title;
    j["details"] = n.details;
    nodes.push_back(std::move(j));
  }
  out["nodes"] = std::move(nodes);
  ordered_json edges = ordered_json::array();
  for (std::size_t e = 0; e < g.edges.size(); ++e) {
    if (!view.edges[e]) continue;
    const FlowEdge& edge = g.edges[e];
    ordered_json j;
    j["from"] = g.nodes[edge.from].key;
    j["to"] = g.nodes[edge.to].key;
    j["kind"] = std::string(to_string(edge.kind));
    j["label"] = edge.label;
    j["loop"] = edge.loop;
    edges.push_back(std::move(j));
  }
  out["edges"] = std::move(edges);
  if (view.view == "reverse") {
    ordered_json paths = ordered_json::array();
    for (const RingPath& p : view.paths) {
      ordered_json j;
      j["entry"] = p.entry;
      ordered_json hops = ordered_json::array();
      for (const RingPath::Hop& h : p.hops) {
        ordered_json hop;
        hop["via"] = h.via;
        hop["node"] = h.node;
        if (!h.path.empty()) hop["step"] = h.path;
        hops.push_back(std::move(hop));
      }
      j["hops"] = std::move(hops);
      paths.push_back(std::move(j));
    }
    out["paths"] = std::move(paths);
  }
  return out.dump(2) + "\n";
}

std::string render_text(const View& view) {
  std::string out = view.title + "\n";
  if (view.paths.empty()) return out + "  no path rings this user\n";
  for (const RingPath& p : view.paths) {
    out += "\n  " + p.entry + "\n";
    for (const RingPath::Hop& h : p.hops) {
      out += "    -> ";
      if (!h.via.empty()) out += "[" + h.via + "] ";
      out += h.node + "\n";
    }
  }
  return out;
}

}  // namespace callplan::graph_detail
