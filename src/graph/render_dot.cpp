// Graphviz DOT. Every plan is a cluster, laid out left to right as a timeline; entries sit
// on the left. Quoted ids and escaped labels keep any plan id or label valid DOT.
#include <fmt/format.h>

#include "graph/render.hpp"

namespace callplan::graph_detail {
namespace {

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string label_of(const FlowNode& node) {
  std::string label = node.title;
  for (const std::string& d : node.details) label += "\n" + d;
  return label;
}

// Shape and colour by what the node is: entries as arrows, conditions as diamonds, endings
// as rounded grey boxes, ringing steps in green.
std::string attributes(const FlowNode& node, bool target) {
  std::string shape = "box";
  std::string fill = "#ffffff";
  std::string style = "filled";
  switch (node.kind) {
    case NodeKind::number:
    case NodeKind::extension: shape = "cds"; fill = "#dbeafe"; break;
    case NodeKind::plan: shape = "folder"; fill = "#f1f5f9"; break;
    case NodeKind::end: shape = "box"; fill = "#e5e7eb"; style = "rounded,filled"; break;
    case NodeKind::user:
    case NodeKind::external: shape = "box"; fill = target ? "#fde68a" : "#ffffff";
      style = target ? "filled,bold" : "filled"; break;
    case NodeKind::step:
      if (node.step_kind == "time_condition") { shape = "diamond"; fill = "#fef9c3"; }
      else if (node.step_kind == "menu") { shape = "hexagon"; fill = "#fef9c3"; }
      else if (node.step_kind == "ring_group" || node.step_kind == "transfer") {
        fill = "#dcfce7";
      } else if (node.terminal) { style = "rounded,filled"; fill = "#e5e7eb"; }
      break;
  }
  std::string attrs = fmt::format("label={}, shape={}, style={}, fillcolor={}",
                                  quote(label_of(node)), shape, quote(style), quote(fill));
  if (node.kind == NodeKind::step) attrs += fmt::format(", tooltip={}", quote(node.key));
  return attrs;
}

}  // namespace

std::string render_dot(const View& view) {
  const FlowGraph& g = *view.graph;
  std::string out = "digraph callplan {\n";
  out += fmt::format(
      "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, label={}];\n",
      quote(view.title));
  out += "  node [fontname=\"Helvetica\", fontsize=10];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#475569\"];\n";

  auto emit_node = [&](std::size_t i, std::string_view indent) {
    out += fmt::format("{}{} [{}];\n", indent, quote(g.nodes[i].key),
                       attributes(g.nodes[i], i == view.target));
  };
  // Entries and ring targets outside the clusters.
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (view.nodes[i] && g.nodes[i].plan.empty()) emit_node(i, "  ");
  }
  for (std::size_t c = 0; c < g.plan_order.size(); ++c) {
    const std::string& plan = g.plan_order[c];
    if (!draws_plan(view, plan)) continue;
    out += fmt::format("  subgraph {} {{\n", quote(fmt::format("cluster_{}", c)));
    out += fmt::format("    label={}; style=\"rounded\"; color=\"#94a3b8\";\n",
                       quote(fmt::format("plan {}", plan)));
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      if (view.nodes[i] && g.nodes[i].plan == plan) emit_node(i, "    ");
    }
    out += "  }\n";
  }
  for (std::size_t e = 0; e < g.edges.size(); ++e) {
    if (!view.edges[e]) continue;
    const FlowEdge& edge = g.edges[e];
    std::string attrs;
    auto add = [&](std::string a) { attrs += (attrs.empty() ? "" : ", ") + a; };
    if (!edge.label.empty()) add(fmt::format("label={}", quote(edge.label)));
    if (edge.kind == EdgeKind::go_to || edge.kind == EdgeKind::personal_plan) add("style=dashed");
    if (edge.kind == EdgeKind::rings) add("color=\"#16a34a\", penwidth=2");
    if (edge.loop) add("color=\"#dc2626\", fontcolor=\"#dc2626\", penwidth=2");
    out += fmt::format("  {} -> {}{};\n", quote(g.nodes[edge.from].key), quote(g.nodes[edge.to].key),
                       attrs.empty() ? "" : fmt::format(" [{}]", attrs));
  }
  out += "}\n";
  return out;
}

}  // namespace callplan::graph_detail
