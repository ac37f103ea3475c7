// Mermaid flowchart (renders in GitHub Markdown). Node ids are indexes ("n3") because Mermaid
// ids cannot hold every character a plan id or path may have; labels are quoted with
// Mermaid's entity escapes.
#include <fmt/format.h>

#include "graph/render.hpp"

namespace callplan::graph_detail {
namespace {

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '\n': out += "<br/>"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '#': out += "#35;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string label_of(const FlowNode& node) {
  std::string label = escape(node.title);
  for (const std::string& d : node.details) label += "<br/>" + escape(d);
  return label;
}

// Mermaid shape delimiters by node kind.
std::pair<std::string_view, std::string_view> shape(const FlowNode& node) {
  switch (node.kind) {
    case NodeKind::number:
    case NodeKind::extension: return {">\"", "\"]"};
    case NodeKind::plan: return {"[[\"", "\"]]"};
    case NodeKind::end: return {"([\"", "\"])"};
    case NodeKind::user:
    case NodeKind::external: return {"[(\"", "\")]"};
    case NodeKind::step:
      if (node.step_kind == "time_condition") return {"{\"", "\"}"};
      if (node.step_kind == "menu") return {"{{\"", "\"}}"};
      if (node.terminal) return {"([\"", "\"])"};
      return {"[\"", "\"]"};
  }
  return {"[\"", "\"]"};
}

}  // namespace

std::string render_mermaid(const View& view) {
  const FlowGraph& g = *view.graph;
  std::string out = "flowchart LR\n";
  auto emit_node = [&](std::size_t i, std::string_view indent) {
    auto [open, close] = shape(g.nodes[i]);
    out += fmt::format("{}n{}{}{}{}\n", indent, i, open, label_of(g.nodes[i]), close);
  };
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (view.nodes[i] && g.nodes[i].plan.empty()) emit_node(i, "  ");
  }
  for (std::size_t c = 0; c < g.plan_order.size(); ++c) {
    const std::string& plan = g.plan_order[c];
    if (!draws_plan(view, plan)) continue;
    out += fmt::format("  subgraph c{}[\"plan {}\"]\n", c, escape(plan));
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      if (view.nodes[i] && g.nodes[i].plan == plan) emit_node(i, "    ");
    }
    out += "  end\n";
  }
  std::size_t link = 0;
  std::string styles;
  for (std::size_t e = 0; e < g.edges.size(); ++e) {
    if (!view.edges[e]) continue;
    const FlowEdge& edge = g.edges[e];
    const bool dashed = edge.kind == EdgeKind::go_to || edge.kind == EdgeKind::personal_plan;
    std::string_view arrow = dashed ? "-.->" : (edge.kind == EdgeKind::rings ? "==>" : "-->");
    out += fmt::format("  n{} {}{} n{}\n", edge.from, arrow,
                       edge.label.empty() ? "" : fmt::format("|\"{}\"|", escape(edge.label)),
                       edge.to);
    if (edge.loop) styles += fmt::format("  linkStyle {} stroke:#dc2626,stroke-width:2px\n", link);
    ++link;
  }
  out += styles;
  if (view.target < g.nodes.size()) {
    out += fmt::format("  style n{} fill:#fde68a,stroke:#92400e,stroke-width:2px\n", view.target);
  }
  return out;
}

}  // namespace callplan::graph_detail
