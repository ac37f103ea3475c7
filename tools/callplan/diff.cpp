// `callplan diff OLD NEW [--from DATE --days N] [--format human|json|markdown] [--exit-code]` —
// what a change to a tenant changes for callers (callplan/diff.hpp, docs/diff.md).
//
// Exit codes (SPEC 4, git-diff style with --exit-code): 0 done (and, with --exit-code, no
// routing changed), 1 routing changed (--exit-code only) or a version has errors, 2 bad
// options or unreadable files.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "callplan/check.hpp"
#include "callplan/diff.hpp"
#include "callplan/engine.hpp"
#include "callplan/error.hpp"
#include "callplan/report.hpp"
#include "callplan/simulate.hpp"
#include "commands.hpp"

namespace callplan::cli {
namespace {

struct DiffCliOptions {
  std::string before;
  std::string after;
  std::string from;
  std::uint32_t days = 7;
  std::string format = "human";
  bool exit_code = false;
  bool every_call = false;
};

bool report_errors(const std::string& path, const CheckedTenant& t) {
  if (!has_errors(t.issues)) return false;
  fmt::print(stderr, "{}", format_gcc({FileReport{path, t.issues, &t.tenant.sources}}));
  fmt::print(stderr, "callplan: `{}` has errors; fix them before comparing\n", path);
  return true;
}

int run(const DiffCliOptions& o) {
  CheckedTenant before = load_and_check(o.before, {.prompts = &tool_prompt_meter()});  // throws Error: exit 2 in main
  CheckedTenant after = load_and_check(o.after, {.prompts = &tool_prompt_meter()});
  bool errors = report_errors(o.before, before);
  errors = report_errors(o.after, after) || errors;
  if (errors) return kExitFindings;

  DiffOptions options;
  options.days = o.days;
  options.every_call = o.every_call;
  if (!o.from.empty()) {
    // A date alone is that day's midnight; times without an offset are the new tenant's zone.
    std::string text = o.from.size() == 10 ? o.from + "T00:00" : o.from;
    auto engine = Engine::compile(after.tenant, after.issues);
    try {
      options.from = parse_call_instant(text, *engine);
    } catch (const Error& e) {
      throw Error(fmt::format("--from `{}`: not a date or date-time; write 2026-11-30 or "
                              "2026-11-30T08:00 (local time in {}) or add an offset",
                              o.from, engine->timezone()));
    }
  }
  TenantDiff diff = diff_tenants(before.tenant, after.tenant, options);
  diff.before_name = o.before;
  diff.after_name = o.after;
  DiffFormat format = DiffFormat::human;
  if (o.format == "json") format = DiffFormat::json;
  if (o.format == "markdown") format = DiffFormat::markdown;
  fmt::print("{}", format_diff(diff, format));
  return o.exit_code && diff.routing_changed() ? kExitFindings : kExitOk;
}

}  // namespace

void add_diff_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DiffCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "diff", "Show how routing differs between two versions of a tenant");
  cmd->add_option("old", o->before, "The tenant as it is (YAML)")->required();
  cmd->add_option("new", o->after, "The tenant as it would be (YAML)")->required();
  cmd->add_option("--from", o->from,
                  "Start of the compared window: a date (midnight) or ISO 8601 date-time, local "
                  "in the new tenant's zone; default the next Monday 00:00");
  cmd->add_option("--days", o->days, "Length of the window in days (default 7)")
      ->check(CLI::Range(1, 366));
  cmd->add_option("--format", o->format, "human (default), json or markdown")
      ->check(CLI::IsMember({"human", "json", "markdown"}));
  cmd->add_flag("--exit-code", o->exit_code, "Exit with 1 when routing changed (like git diff)");
  cmd->add_flag("--every-call", o->every_call,
                "Route every call, also those the change cannot reach (same result, slower; "
                "for comparing)");
  cmd->callback([o, &exit_code] { exit_code = run(*o); });
}

}  // namespace callplan::cli
