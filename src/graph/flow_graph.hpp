// Internal: the call flow of a tenant as nodes and edges, before it is drawn.
//
// One FlowGraph serves every output format and both views: the renderers (render.hpp) only
// lay it out, and the reverse view (`--to`) selects the part of it that can ring a user.
// Nodes and edges are added in tenant file order, so every output is deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "callplan/model.hpp"

namespace callplan::graph_detail {

enum class NodeKind : std::uint8_t {
  number,     // a tenant number: an entry
  extension,  // an extension dialled directly: an entry into its user's personal plan
  plan,       // the head of a plan (or of a default personal plan "personal:001")
  step,       // one step of a timeline
  end,        // the timeline ran out: the call ends unanswered
  user,       // a user's phones, rung by a step (drawn in the reverse view)
  external,   // an external number rung by a step (never drawn; kept for completeness)
};
std::string_view to_string(NodeKind kind);

struct FlowNode {
  std::string key;        // stable id: "number:+31881234567", "plan:main", "main/0/else/1"
  NodeKind kind = NodeKind::step;
  std::string plan;       // the plan the node belongs to (plan, step, end nodes)
  std::string step_kind;  // steps: "transfer", "ring_group", ... as in YAML
  std::string title;      // first line: "Ring group: Sales"
  std::vector<std::string> details;  // further lines
  bool terminal = false;  // a step that ends the call (voicemail, hangup)
};

enum class EdgeKind : std::uint8_t {
  enters,         // number or extension -> plan
  next,           // timeline order, or into a branch
  go_to,          // goto -> plan
  personal_plan,  // transfer -> the personal plan it follows
  rings,          // ringing step -> user / external number
};
std::string_view to_string(EdgeKind kind);

struct FlowEdge {
  std::size_t from = 0;
  std::size_t to = 0;
  EdgeKind kind = EdgeKind::next;
  std::string label;  // "no answer", "open (office_hours)", "1", ...
  bool loop = false;  // part of a plan loop (SPEC 3.7)
};

struct FlowGraph {
  std::string tenant_name;
  std::vector<FlowNode> nodes;
  std::vector<FlowEdge> edges;
  std::vector<std::string> plan_order;  // plan ids in drawing order (clusters)

  std::size_t find(std::string_view key) const;  // nodes.size() when absent
};

struct BuildOptions {
  // Entries for every extension and the default personal plan of every user (the reverse
  // view needs them all); otherwise only extensions with their own plan get an entry, and
  // default personal plans are drawn only where a transfer follows one.
  bool all_extensions = false;
};

FlowGraph build_flow_graph(const Tenant& tenant, const BuildOptions& options);

}  // namespace callplan::graph_detail
