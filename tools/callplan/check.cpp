// `callplan check FILE...`: load and check tenants, report every problem (SPEC section 4).
//
// Output goes to stdout in every format, as linters do (eslint, ruff, yamllint): the report is
// what the command produces, so it can be piped and redirected like any other output. Only
// problems with the command itself (unreadable files, internal errors) go to stderr.
// See docs/cli.md.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>

#include "callplan/check.hpp"
#include "callplan/error.hpp"
#include "callplan/report.hpp"
#include "check/companies.hpp"
#include "commands.hpp"

namespace callplan::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> files;
  std::string format = "human";
  std::string color = "auto";
  bool strict = false;
  bool separate = false;  // the files are not companies served together: no CP600-CP603
};

// --color auto: colours only for a terminal, and never when NO_COLOR is set to a non-empty
// value (https://no-color.org). `always` and `never` override both.
bool use_color(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return isatty(fileno(stdout)) != 0;
}

int run_check(const CheckOptions& options) {
  const ReportFormat format = parse_report_format(options.format).value_or(ReportFormat::human);

  // The reports borrow each tenant's SourceMap, so the tenants live until the report is out.
  std::vector<std::unique_ptr<CheckedTenant>> tenants;
  std::vector<FileReport> reports;
  bool unreadable = false;
  bool internal = false;
  for (const std::string& path : options.files) {
    try {
      auto checked = std::make_unique<CheckedTenant>(load_and_check(path, {.prompts = &tool_prompt_meter()}));
      reports.push_back(FileReport{path, checked->issues, &checked->tenant.sources});
      tenants.push_back(std::move(checked));
    } catch (const Error& e) {
      // The loader says "cannot read PATH: reason"; the other files are still checked.
      fmt::print(stderr, "callplan: {}\n", e.what());
      unreadable = true;
    } catch (const std::exception& e) {
      fmt::print(stderr, "callplan: internal error while checking {}: {}\n", path, e.what());
      internal = true;
    }
  }

  // Several files are companies served together (SPEC 11): a number, SIP username or login
  // that an earlier file already claims is reported at the later file (CP600-CP602).
  // A file named twice is one company (as `serve` takes it), compared once.
  if (tenants.size() > 1 && !options.separate) {
    std::vector<const Tenant*> companies;
    std::vector<std::size_t> report_of;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < tenants.size(); ++i) {
      if (!seen.insert(std::filesystem::path(reports[i].file).lexically_normal().string()).second)
        continue;
      companies.push_back(&tenants[i]->tenant);
      report_of.push_back(i);
    }
    std::vector<Issues> conflicts = check_companies(companies);
    for (std::size_t c = 0; c < companies.size(); ++c) {
      std::size_t i = report_of[c];
      Issues& issues = tenants[i]->issues;
      issues.insert(issues.end(), conflicts[c].begin(), conflicts[c].end());
      std::stable_sort(issues.begin(), issues.end(), [](const Issue& a, const Issue& b) {
        return std::tie(a.location.file, a.location.line, a.location.column, a.code) <
               std::tie(b.location.file, b.location.line, b.location.column, b.code);
      });
      reports[i].issues = issues;
    }
  }

  fmt::print("{}", format_report(reports, ReportOptions{format, use_color(options.color)}));
  std::fflush(stdout);

  bool findings = false;
  for (const FileReport& r : reports) {
    findings = findings || has_errors(r.issues) ||
               (options.strict && count(r.issues, Severity::warning) != 0);
  }
  // The worst outcome wins: a run that could not check everything is not a clean "findings".
  if (internal) return kExitInternal;
  if (unreadable) return kExitUsage;
  return findings ? kExitFindings : kExitOk;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Load and check tenant files; report every problem with its location");
  cmd->add_option("FILE", options->files, "Tenant files (YAML) to check")->required();
  cmd->add_option("-f,--format", options->format,
                  "Output format: human (default), gcc, json, sarif, github")
      ->check(CLI::IsMember({"human", "gcc", "json", "sarif", "github"}));
  cmd->add_flag("--strict", options->strict, "Exit 1 on warnings too, not only on errors");
  cmd->add_flag("--separate", options->separate,
                "The files are not companies served together (e.g. versions of one company): "
                "do not report numbers, SIP usernames, logins or MACs they share (CP600-CP603)");
  cmd->add_option("--color", options->color,
                  "Colours in human output: auto (terminal and no NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->footer(
      "Exit status: 0 no errors (warnings allowed), 1 errors (or warnings with --strict),\n"
      "2 usage problems or unreadable files, 3 internal error.");
  cmd->callback([options, &exit_code] { exit_code = run_check(*options); });
}

}  // namespace callplan::cli
