// The public entry points of callplan/graph.hpp: build the flow graph, pick the view, render.
#include "callplan/graph.hpp"

#include "callplan/error.hpp"
#include "graph/flow_graph.hpp"
#include "graph/render.hpp"

namespace callplan {

std::string render_graph(const Tenant& tenant, const GraphOptions& options, GraphFormat format) {
  using namespace graph_detail;
  if (!options.plan.empty() && !options.to.empty()) {
    throw Error("--plan and --to cannot be combined: --to draws every plan that can ring the user");
  }
  const bool reverse = !options.to.empty();
  if (format == GraphFormat::text && !reverse) {
    throw Error("--format text lists the paths of the reverse view: use it with --to EXT");
  }
  FlowGraph graph = build_flow_graph(tenant, {.all_extensions = reverse});
  View view = reverse ? reverse_view(graph, options.to, 10000) : forward_view(graph, options.plan);
  switch (format) {
    case GraphFormat::dot: return render_dot(view);
    case GraphFormat::mermaid: return render_mermaid(view);
    case GraphFormat::json: return render_json(view);
    case GraphFormat::text: return render_text(view);
  }
  return render_dot(view);
}

std::vector<RingPath> ring_paths(const Tenant& tenant, std::string_view extension,
                                 std::size_t limit) {
  using namespace graph_detail;
  FlowGraph graph = build_flow_graph(tenant, {.all_extensions = true});
  return reverse_view(graph, std::string(extension), limit).paths;
}

}  // namespace callplan
