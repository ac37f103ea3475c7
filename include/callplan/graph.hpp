// callplan/graph.hpp — draw a tenant's call plans, or every path that can ring one user.
//
//   callplan::CheckedTenant t = callplan::load_and_check("acme.yaml");
//   std::string dot = callplan::render_graph(t.tenant, {}, callplan::GraphFormat::dot);
//   std::string why = callplan::render_graph(t.tenant, {.to = "003"}, callplan::GraphFormat::text);
//   for (const callplan::RingPath& p : callplan::ring_paths(t.tenant, "003")) ...
//
// The forward view (SPEC 7) draws numbers -> plans -> steps as a left-to-right timeline:
// branches are labelled (`open`/`closed` with the schedule's name, menu digits, `no answer`),
// ring groups show strategy, time-out and members, transfers into personal plans and gotos are
// edges into the plan they enter, and the steps of a loop (SPEC 3.7) are drawn red. The
// reverse view (`to`) keeps only what can ring that user: every entry (tenant number, or an
// extension dialled directly), schedule branch, menu digit, transfer, goto and ring group on
// a path to the user's phone, found by reverse reachability on a Boost.Graph of the plans.
// See docs/graph.md.
//
// Output is deterministic: it depends only on the tenant (file order), never on addresses or
// hash order. Draw a checked tenant: references the checker would reject are left out.
// Pure functions of their arguments; safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "callplan/export.hpp"
#include "callplan/model.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

enum class GraphFormat : std::uint8_t {
  dot,      // Graphviz DOT (`dot -Tsvg` renders it)
  mermaid,  // a Mermaid flowchart (GitHub renders it in Markdown)
  json,     // {"tenant", "view", "nodes", "edges"[, "target", "paths"]}
  text,     // reverse view only: one line per path
};

struct GraphOptions {
  std::string plan;  // forward view: only this plan, the entries into it and its exits
  std::string to;    // an extension: the reverse view for that user
};

// Renders the view `options` asks for. Throws callplan::Error when `options.plan` is not a
// plan or `options.to` not a user of the tenant (with a "did you mean" hint), when both are
// set, or when `text` is asked for the forward view.
std::string render_graph(const Tenant& tenant, const GraphOptions& options, GraphFormat format);

// One way a call can ring a user: an entry, then every node passed on the way, in order.
struct RingPath {
  struct Hop {
    std::string via;   // the edge taken into this hop: "open (office_hours)", "1", "no answer"...
    std::string node;  // the node reached: "plan main", "main/2 Ring group: Sales" ...
    std::string path;  // the step path ("main/0/else/1") when the node is a step
  };
  std::string entry;  // "+31 88 123 4567 (Main line)" or "extension 002 (Bram Jansen)"
  std::vector<Hop> hops;  // the last hop is the ring of the user
};

// Every simple path (no node twice) from an entry to a ring of `extension`, entries in file
// order (numbers, then extensions), depth first in step order. At most `limit` paths.
// Throws callplan::Error when no user has `extension`.
std::vector<RingPath> ring_paths(const Tenant& tenant, std::string_view extension,
                                 std::size_t limit = 10000);

// A phone number for people: "+31881234567" -> "+31 88 123 4567", "+31612345678" ->
// "+31 6 1234 5678". Numbers of other countries, and anything not in E.164, come back
// unchanged.
std::string display_number(std::string_view number);

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
