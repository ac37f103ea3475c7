#include "graph/flow_graph.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <type_traits>

#include <fmt/format.h>

#include "callplan/graph.hpp"
#include "check/plan_graph.hpp"
#include "graph/display.hpp"
#include "model/words.hpp"

namespace callplan::graph_detail {

std::string_view to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::number: return "number";
    case NodeKind::extension: return "extension";
    case NodeKind::plan: return "plan";
    case NodeKind::step: return "step";
    case NodeKind::end: return "end";
    case NodeKind::user: return "user";
    case NodeKind::external: return "external";
  }
  return "step";
}

std::string_view to_string(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::enters: return "enters";
    case EdgeKind::next: return "next";
    case EdgeKind::go_to: return "goto";
    case EdgeKind::personal_plan: return "personal_plan";
    case EdgeKind::rings: return "rings";
  }
  return "next";
}

std::size_t FlowGraph::find(std::string_view key) const {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].key == key) return i;
  }
  return nodes.size();
}

namespace {

// An edge still looking for the node it leads to: the timeline continues from `node` with
// whatever comes next (the next step, the step after a branch, or the end of the plan).
struct Exit {
  std::size_t node;
  std::string label;
};

class Builder {
 public:
  Builder(const Tenant& tenant, const BuildOptions& options)
      : tenant_(tenant), options_(options), people_(tenant) {
    for (const Plan& p : tenant.plans) plans_.emplace(p.id.value, &p);
    for (const User& u : tenant.users) users_.emplace(u.extension.value, &u);
    // Steps that close a plan loop: drawn red, and the call goes on after them (the step is
    // skipped with a `loop` event when the plan was already entered).
    const auto plan_graph = check_detail::PlanGraph::build(tenant);
    for (const auto& cycle : plan_graph.cycles()) {
      for (std::size_t e : cycle.edges) loop_steps_.insert(plan_graph.edges()[e].path);
    }
  }

  FlowGraph build() {
    g_.tenant_name = tenant_.info.name.value;
    for (const Number& n : tenant_.numbers) {
      std::size_t node = add(fmt::format("number:{}", n.number.value), NodeKind::number, "", "",
                             display_number(n.number.value), n.label.empty()
                                                                 ? std::vector<std::string>{}
                                                                 : std::vector{n.label});
      pending_entries_.push_back({node, n.plan.value});
    }
    for (const User& u : tenant_.users) {
      if (!u.plan.value.empty() || options_.all_extensions) {
        std::size_t node = add(fmt::format("extension:{}", u.extension.value),
                               NodeKind::extension, "", "",
                               fmt::format("Extension {}", u.extension.value),
                               {people_.user(u.extension.value)});
        pending_extension_entries_.push_back({node, u.extension.value});
      }
    }
    std::set<std::string, std::less<>> drawn;
    for (const Plan& p : tenant_.plans) {
      if (!drawn.insert(p.id.value).second) continue;  // duplicate id: CP203
      add_plan(p.id.value, p.label, p.steps);
    }
    for (const auto& [node, plan] : pending_entries_) {
      std::size_t head = plan_head(plan);
      if (head != npos()) connect(node, head, EdgeKind::enters, "");
    }
    for (const auto& [node, extension] : pending_extension_entries_) {
      std::size_t head = personal_plan_head(extension);
      if (head != npos()) connect(node, head, EdgeKind::enters, "");
    }
    // Default personal plans are drawn after the tenant's plans, in the order first needed.
    while (!wanted_personal_.empty()) {
      std::string extension = wanted_personal_.front();
      wanted_personal_.erase(wanted_personal_.begin());
      add_default_personal_plan(extension);
    }
    for (const auto& [from, to_plan, kind, label, loop] : pending_plan_edges_) {
      std::size_t head = plan_head(to_plan);
      if (head == npos()) continue;
      g_.edges.push_back({from, head, kind, label, loop});
    }
    return std::move(g_);
  }

 private:
  std::size_t npos() const { return static_cast<std::size_t>(-1); }

  std::size_t add(std::string key, NodeKind kind, std::string plan, std::string step_kind,
                  std::string title, std::vector<std::string> details) {
    g_.nodes.push_back({std::move(key), kind, std::move(plan), std::move(step_kind),
                        std::move(title), std::move(details), false});
    return g_.nodes.size() - 1;
  }

  void connect(std::size_t from, std::size_t to, EdgeKind kind, std::string label,
               bool loop = false) {
    g_.edges.push_back({from, to, kind, std::move(label), loop});
  }

  std::size_t plan_head(std::string_view plan) const {
    std::size_t i = g_.find(fmt::format("plan:{}", plan));
    return i == g_.nodes.size() ? npos() : i;
  }

  // The plan a call dialled to `extension` (or transferred to it following its personal plan)
  // enters: the user's own plan, or their default personal plan (drawn on demand).
  std::size_t personal_plan_head(std::string_view extension) {
    auto user = users_.find(extension);
    if (user == users_.end()) return npos();
    if (!user->second->plan.value.empty()) return plan_head(user->second->plan.value);
    std::string id = fmt::format("personal:{}", extension);
    std::size_t head = plan_head(id);
    if (head != npos()) return head;
    add_default_personal_plan(std::string(extension));
    return plan_head(id);
  }

  std::size_t user_node(std::string_view extension) {
    std::string key = fmt::format("user:{}", extension);
    std::size_t i = g_.find(key);
    if (i != g_.nodes.size()) return i;
    return add(key, NodeKind::user, "", "", people_.user(extension), {});
  }

  std::size_t ring_target(std::string_view written) {
    if (is_extension(written)) return user_node(written);
    std::string key = fmt::format("external:{}", written);
    std::size_t i = g_.find(key);
    if (i != g_.nodes.size()) return i;
    return add(key, NodeKind::external, "", "", display_number(written), {});
  }

  void add_plan(const std::string& id, const std::string& label, const StepList& steps) {
    g_.plan_order.push_back(id);
    std::size_t head = add(fmt::format("plan:{}", id), NodeKind::plan, id, "",
                           fmt::format("Plan {}", id),
                           label.empty() ? std::vector<std::string>{} : std::vector{label});
    std::vector<Exit> exits = add_steps(id, steps, id, {{head, ""}});
    if (!exits.empty()) {
      std::size_t end = add(fmt::format("end:{}", id), NodeKind::end, id, "", "Unanswered",
                            {"the timeline ran out"});
      for (const Exit& e : exits) connect(e.node, end, EdgeKind::next, e.label);
    }
  }

  // SPEC 3.2: ring the user's devices for 30 s, then their voicemail when it is on.
  void add_default_personal_plan(const std::string& extension) {
    std::string id = fmt::format("personal:{}", extension);
    if (plan_head(id) != npos()) return;
    auto user = users_.find(extension);
    if (user == users_.end()) return;
    StepList steps;
    Step ring;
    ring.body = Transfer{{extension}, {false}, {kDefaultTimeoutSeconds}, {"caller"}};
    steps.push_back(std::move(ring));
    if (user->second->voicemail.value) {
      Step vm;
      vm.body = Voicemail{{extension}};
      steps.push_back(std::move(vm));
    }
    add_plan(id, fmt::format("default personal plan of {}", people_.user(extension)), steps);
  }

  std::vector<Exit> add_steps(const std::string& plan, const StepList& steps,
                              const std::string& path, std::vector<Exit> incoming) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
      incoming = add_step(plan, steps[i], fmt::format("{}/{}", path, i), std::move(incoming));
    }
    return incoming;
  }

  std::vector<Exit> add_step(const std::string& plan, const Step& step, const std::string& path,
                             std::vector<Exit> incoming) {
    const std::string kind(step_kind_name(step));
    std::size_t node = add(path, NodeKind::step, plan, kind, "", {});
    for (const Exit& e : incoming) connect(e.node, node, EdgeKind::next, e.label);
    auto titled = [&](std::string_view what) {
      g_.nodes[node].title = step.label.empty() ? std::string(what)
                                                : fmt::format("{}: {}", what, step.label);
    };
    // Built aside: adding nodes below (branches, ring targets) may move g_.nodes.
    std::vector<std::string> details;
    std::vector<Exit> exits;
    const bool loops = loop_steps_.count(path) != 0;

    std::visit(
        [&](const auto& body) {
          using T = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<T, Transfer>) {
            titled("Transfer");
            const std::string& to = body.to.value;
            if (is_extension(to) && body.follow_personal_plan.value) {
              details = {fmt::format("to {}", people_.user(to)), "follows the personal plan"};
              auto user = users_.find(to);
              if (user != users_.end() && !user->second->plan.value.empty()) {
                pending_plan_edges_.push_back({node, user->second->plan.value,
                                               EdgeKind::personal_plan,
                                               loops ? "personal plan (loop)" : "personal plan", loops});
              } else if (user != users_.end()) {
                std::string id = fmt::format("personal:{}", to);
                if (std::find(wanted_personal_.begin(), wanted_personal_.end(), to) ==
                        wanted_personal_.end() &&
                    plan_head(id) == npos()) {
                  wanted_personal_.push_back(to);
                }
                pending_plan_edges_.push_back(
                    {node, id, EdgeKind::personal_plan, "personal plan", false});
              }
              if (loops) exits.push_back({node, "loop: skipped"});
            } else {
              details = {fmt::format("to {}", people_.target(to)),
                         fmt::format("rings {}", seconds(body.timeout.value))};
              if (!is_extension(to) && body.caller_id.value != "caller") {
                details.push_back(fmt::format("shows {}", display_number(body.caller_id.value)));
              }
              connect(node, ring_target(to), EdgeKind::rings, "rings");
              exits.push_back({node, "no answer"});
            }
          } else if constexpr (std::is_same_v<T, RingGroup>) {
            titled("Ring group");
            std::string timing = fmt::format("{}, {} per step", strategy_words(body.strategy.value),
                                             seconds(body.timeout.value));
            if (body.strategy.value == Strategy::ring_all) {
              timing = fmt::format("ring all, {}", seconds(body.timeout.value));
            }
            if (body.max_duration.value > 0) {
              timing += fmt::format(", at most {}", seconds(body.max_duration.value));
            }
            details.push_back(std::move(timing));
            std::set<std::size_t> rung;
            for (const auto& member : body.members) {
              details.push_back(people_.target(member.value));
              std::size_t target = ring_target(member.value);
              if (rung.insert(target).second) connect(node, target, EdgeKind::rings, "rings");
            }
            exits.push_back({node, "no answer"});
          } else if constexpr (std::is_same_v<T, TimeCondition>) {
            titled("Time condition");
            const bool is_inline = body.schedule.value.find('/') != std::string::npos;
            const std::string name = is_inline ? "inline schedule" : body.schedule.value;
            details.push_back(name);
            std::string open = fmt::format("open ({})", name);
            std::string closed = fmt::format("closed ({})", name);
            if (body.then_steps) {
              auto out = add_steps(plan, *body.then_steps, path + "/then", {{node, open}});
              exits.insert(exits.end(), out.begin(), out.end());
            } else {
              exits.push_back({node, open});
            }
            if (body.else_steps) {
              auto out = add_steps(plan, *body.else_steps, path + "/else", {{node, closed}});
              exits.insert(exits.end(), out.begin(), out.end());
            } else {
              exits.push_back({node, closed});
            }
          } else if constexpr (std::is_same_v<T, Voicemail>) {
            titled("Voicemail");
            details.push_back(people_.user(body.user.value));
            g_.nodes[node].terminal = true;
          } else if constexpr (std::is_same_v<T, Announcement>) {
            titled("Announcement");
            details.push_back(body.audio.value.empty() ? fmt::format("\"{}\"", body.text.value)
                                                       : body.audio.value);
            exits.push_back({node, ""});
          } else if constexpr (std::is_same_v<T, Menu>) {
            titled("Menu");
            details.push_back(body.prompt.value.empty()
                                  ? fmt::format("\"{}\"", body.prompt_text.value)
                                  : body.prompt.value);
            details.push_back(fmt::format("waits {}, {} retries", seconds(body.timeout.value),
                                          body.retries.value));
            for (const MenuOption& option : body.options) {
              auto out = add_steps(plan, option.steps, fmt::format("{}/{}", path, option.digit.value),
                                   {{node, fmt::format("digit {}", option.digit.value)}});
              exits.insert(exits.end(), out.begin(), out.end());
            }
            if (body.invalid) {
              auto out = add_steps(plan, *body.invalid, path + "/invalid", {{node, "invalid digit"}});
              exits.insert(exits.end(), out.begin(), out.end());
              exits.push_back({node, "no digit"});
            } else {
              exits.push_back({node, "no digit / invalid"});
            }
          } else if constexpr (std::is_same_v<T, Goto>) {
            titled("Go to");
            details.push_back(fmt::format("plan {}", body.plan.value));
            pending_plan_edges_.push_back({node, body.plan.value, EdgeKind::go_to,
                                               loops ? "goto (loop)" : "goto", loops});
            if (loops) exits.push_back({node, "loop: skipped"});
          } else if constexpr (std::is_same_v<T, Hangup>) {
            titled("Hang up");
            g_.nodes[node].terminal = true;
          }
        },
        step.body);
    g_.nodes[node].details = std::move(details);
    return exits;
  }

  struct PlanEdgeToBe {
    std::size_t from;
    std::string plan;
    EdgeKind kind;
    std::string label;
    bool loop;
  };

  const Tenant& tenant_;
  BuildOptions options_;
  People people_;
  std::map<std::string, const Plan*, std::less<>> plans_;
  std::map<std::string, const User*, std::less<>> users_;
  std::set<std::string, std::less<>> loop_steps_;
  std::vector<std::pair<std::size_t, std::string>> pending_entries_;
  std::vector<std::pair<std::size_t, std::string>> pending_extension_entries_;
  std::vector<PlanEdgeToBe> pending_plan_edges_;
  std::vector<std::string> wanted_personal_;
  FlowGraph g_;
};

}  // namespace

FlowGraph build_flow_graph(const Tenant& tenant, const BuildOptions& options) {
  return Builder(tenant, options).build();
}

}  // namespace callplan::graph_detail
