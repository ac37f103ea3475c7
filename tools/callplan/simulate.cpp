// `callplan simulate TENANT --to X [...]` — route one call on a virtual clock and print its
// trace (SPEC section 5). The tool only translates options; routing is the engine's and the
// simulator's (src/route, src/simulate).
//
// Exit codes (SPEC 4): 0 routed (whatever the outcome), 1 the tenant has errors (printed in
// gcc form, as `callplan check --format gcc`), 2 bad options or unreadable files.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "callplan/check.hpp"
#include "callplan/engine.hpp"
#include "callplan/report.hpp"
#include "callplan/simulate.hpp"
#include "commands.hpp"
#include "sim_args.hpp"

namespace callplan::cli {
namespace {

int run(const SimulateOptions& options) {
  CheckedTenant tenant = load_and_check(options.tenant, {.prompts = &tool_prompt_meter()});  // throws Error: exit 2 in main
  if (has_errors(tenant.issues)) {
    fmt::print(stderr, "{}", format_gcc({FileReport{options.tenant, tenant.issues,
                                                    &tenant.tenant.sources}}));
    fmt::print(stderr, "callplan: `{}` has errors; fix them before simulating calls\n",
               options.tenant);
    return kExitFindings;
  }
  std::shared_ptr<const Engine> engine = Engine::compile(tenant.tenant, tenant.issues);
  std::vector<std::string> notes;
  Scenario scenario = build_scenario(options, *engine, notes);
  for (const std::string& note : notes) fmt::print(stderr, "callplan: note: {}\n", note);

  RoutingState state;
  if (!options.state_in.empty()) state = read_state_file(options.state_in);
  Simulator simulator(engine);
  Trace trace = simulator.trace(scenario, state);
  if (!options.state_out.empty()) write_state_file(options.state_out, state);

  if (options.format == "json") {
    fmt::print("{}\n", trace.to_json());
  } else {
    fmt::print("{}", trace.to_text());
  }
  return kExitOk;
}

}  // namespace

void add_simulate_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SimulateOptions>();
  CLI::App* cmd = app.add_subcommand("simulate", "Route one call through a tenant and print its trace");
  cmd->add_option("tenant", o->tenant, "Tenant file (YAML)")->required();
  cmd->add_option("--to", o->to, "Dialled number or extension")->required();
  cmd->add_option("--from", o->from,
                  "Caller: an external number (default anonymous), an extension or a device id");
  cmd->add_option("--at", o->at,
                  "ISO 8601 instant, e.g. 2026-11-30T10:00 (tenant's zone) or with +01:00; "
                  "default now");
  cmd->add_option("--presence", o->presence,
                  "EXT=STATE,... with STATE available, offline, busy or dnd");
  cmd->add_option("--answer", o->answer,
                  "X@S,... X answers S seconds after it starts ringing; X=busy rejects");
  cmd->add_option("--digits", o->digits, "Digits pressed in menus, one per prompt (_ = none)");
  cmd->add_option("--hangup-after", o->hangup_after, "The caller gives up after S seconds");
  cmd->add_option("--seed", o->seed, "Seed for the random strategy");
  cmd->add_option("--state", o->state_in, "Routing state (round-robin positions) to start from");
  cmd->add_option("--state-out", o->state_out, "Write the routing state after the call here");
  cmd->add_option("--format", o->format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([o, &exit_code] { exit_code = run(*o); });
}

}  // namespace callplan::cli
