// `callplan test FILE... [--format human|junit]` — run plan-test files (SPEC section 6).
//
// human: one PASS/FAIL line per test; under each failure what differed and the call's trace;
// the last line is exactly "N passed, M failed". junit: JUnit XML on stdout for CI, problems
// on stderr. Exit 0 when every test passed, 1 when a test failed or a test file (or its
// tenant) has errors, 2 when a test file cannot be read.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "callplan/plan_test.hpp"
#include "callplan/report.hpp"
#include "commands.hpp"
#include "plan_test_junit.hpp"

namespace callplan::cli {
namespace {

struct TestOptions {
  std::vector<std::string> files;
  std::string format = "human";
};

std::string indent(std::string_view text, std::string_view prefix) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out += fmt::format("{}{}\n", prefix, text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Test-file problems with the source line and caret; the tenant's (already located in the
// tenant's files) in the one-line gcc form, as `callplan check --format gcc` prints them.
void print_issues(std::FILE* out, const PlanTestLoad& load, const Issues& run_issues) {
  if (!load.issues.empty()) {
    fmt::print(out, "{}", format_human({FileReport{load.suite.path, load.issues,
                                                   &load.suite.sources}}));
  }
  if (!run_issues.empty()) {
    std::vector<FileReport> files;
    Issues here, tenant;
    for (const Issue& i : run_issues) (i.location.file == load.suite.path ? here : tenant).push_back(i);
    if (!here.empty())
      fmt::print(out, "{}", format_human({FileReport{load.suite.path, here, &load.suite.sources}}));
    if (!tenant.empty()) fmt::print(out, "{}", format_gcc({FileReport{load.suite.tenant_path, tenant}}));
  }
}

int run(const TestOptions& options) {
  const bool junit = options.format == "junit";
  std::FILE* out = junit ? stderr : stdout;
  std::vector<PlanTestFileResult> results;
  std::size_t passed = 0, failed = 0;
  bool problems = false;

  for (const std::string& path : options.files) {
    PlanTestLoad load;
    try {
      load = load_plan_tests(path);
    } catch (const Error& e) {
      fmt::print(stderr, "callplan: {}\n", e.what());
      return kExitUsage;
    }
    PlanTestFileResult result{path, load.issues, {}};
    PlanTestRun run;
    if (!has_errors(load.issues)) run = run_plan_tests(load.suite, &tool_prompt_meter());
    result.issues.insert(result.issues.end(), run.issues.begin(), run.issues.end());
    result.outcomes = run.outcomes;
    if (has_errors(result.issues)) problems = true;
    print_issues(junit ? stderr : stdout, load, run.issues);

    if (options.files.size() > 1 && !junit) fmt::print(out, "{}:\n", path);
    for (const PlanTestOutcome& o : run.outcomes) {
      if (o.passed) {
        ++passed;
        if (!junit) fmt::print(out, "PASS {}\n", o.name);
        continue;
      }
      ++failed;
      if (junit) continue;
      fmt::print(out, "FAIL {} ({}:{}:{})\n", o.name, o.location.file, o.location.line,
                 o.location.column);
      for (const std::string& d : o.differences) fmt::print(out, "  {}\n", d);
      if (!o.trace_text.empty()) fmt::print(out, "  trace:\n{}", indent(o.trace_text, "    "));
    }
    results.push_back(std::move(result));
  }

  if (junit) {
    fmt::print("{}", plan_tests_junit(results));
  } else {
    fmt::print("{} passed, {} failed\n", passed, failed);
  }
  std::fflush(stdout);
  return failed > 0 || problems ? kExitFindings : kExitOk;
}

}  // namespace

void add_test_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<TestOptions>();
  CLI::App* cmd = app.add_subcommand("test", "Run plan-test files: simulated calls with expected outcomes");
  cmd->add_option("files", options->files, "Plan-test files (YAML)")->required();
  cmd->add_option("--format", options->format, "Output: human (default) or junit (JUnit XML)")
      ->check(CLI::IsMember({"human", "junit"}));
  cmd->callback([options, &exit_code] { exit_code = run(*options); });
}

}  // namespace callplan::cli
