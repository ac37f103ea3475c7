// CP400/CP401: plans that enter each other in a cycle (SPEC 3.7). At call time the engine
// skips the looping step, which is never what the author meant, so every cycle that can happen
// is reported once, with the whole cycle and a note at each step that closes a hop.
#include <fmt/format.h>

#include "check/plan_graph.hpp"
#include "check/rules.hpp"

namespace callplan::check_detail {

namespace {

std::string describe_hop(const PlanGraph& graph, const PlanEdge& edge) {
  std::string_view from = graph.plan(edge.from).id.value;
  std::string_view to = graph.plan(edge.to).id.value;
  if (edge.kind == PlanEdgeKind::go_to) {
    return fmt::format("`{}` goes to `{}` here ({}{})", from, to, edge.path,
                       edge.conditional ? ", depending on time or digits" : "");
  }
  return fmt::format("`{}` transfers to user {}, whose personal plan is `{}`, here ({}{})", from,
                     edge.extension, to, edge.path,
                     edge.conditional ? ", depending on time or digits" : "");
}

}  // namespace

void check_loops(Context& cx) {
  PlanGraph graph = PlanGraph::build(cx.tenant());
  for (const PlanGraph::Cycle& cycle : graph.cycles()) {
    const PlanEdge& first = graph.edges()[cycle.edges.front()];
    std::string text = describe_cycle(graph, cycle);
    Issue& issue = cycle.conditional
                       ? cx.report("CP401",
                                   fmt::format("plans can loop, depending on time or digits: {}",
                                               text),
                                   first.step->where)
                       : cx.report("CP400", fmt::format("plans loop: {}", text), first.step->where);
    for (std::size_t e : cycle.edges) {
      const PlanEdge& edge = graph.edges()[e];
      cx.note(issue, describe_hop(graph, edge), edge.step->where);
    }
    issue.hints.push_back(
        cycle.conditional
            ? "a call that comes round again skips the looping step; make sure that is meant"
            : "a call would go round for ever (the engine skips the looping step); end one of "
              "the plans with voicemail or hangup instead");
  }
}

}  // namespace callplan::check_detail
