// `callplan graph TENANT [--plan ID | --to EXT] [--format dot|mermaid|json|svg|text]` — draw the
// call plans (SPEC section 7) or every path that can ring one user. Drawing is the library's
// (callplan/graph.hpp); this file reads options and, for svg, runs Graphviz `dot`.
//
// Exit codes (SPEC 4): 0 drawn, 1 the tenant has errors, 2 bad options, unreadable files, or
// svg without Graphviz installed (with an install hint).
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "callplan/check.hpp"
#include "callplan/error.hpp"
#include "callplan/graph.hpp"
#include "callplan/report.hpp"
#include "commands.hpp"

namespace callplan::cli {
namespace {

struct GraphCliOptions {
  std::string tenant;
  std::string plan;
  std::string to;
  std::string format = "dot";
  std::string output;
};

// The first executable `name` on PATH, like the shell would find it.
std::optional<std::string> find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::string dirs = path;
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return std::nullopt;
}

// Runs `dot -Tsvg` on `dot_text` without a shell (no quoting problems with odd paths): the
// DOT goes through a temporary file, the SVG comes back through a pipe.
std::string run_graphviz(const std::string& dot_path, const std::string& dot_text) {
  char tmp[] = "/tmp/callplan-graph-XXXXXX";
  int fd = ::mkstemp(tmp);
  if (fd < 0) throw Error("cannot create a temporary file for Graphviz");
  std::unique_ptr<char, void (*)(char*)> cleanup(tmp, [](char* p) { ::unlink(p); });
  if (::write(fd, dot_text.data(), dot_text.size()) != static_cast<ssize_t>(dot_text.size())) {
    ::close(fd);
    throw Error("cannot write the temporary DOT file for Graphviz");
  }
  ::close(fd);
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw Error("cannot start Graphviz `dot` (pipe)");
  pid_t pid = ::fork();
  if (pid < 0) throw Error("cannot start Graphviz `dot` (fork)");
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    ::execl(dot_path.c_str(), "dot", "-Tsvg", tmp, static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::string svg;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    svg.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Error(fmt::format("Graphviz `{}` failed to render the graph", dot_path));
  }
  return svg;
}

int run(const GraphCliOptions& o) {
  GraphFormat format = GraphFormat::dot;
  if (o.format == "mermaid") format = GraphFormat::mermaid;
  if (o.format == "json") format = GraphFormat::json;
  if (o.format == "text") format = GraphFormat::text;

  std::optional<std::string> dot_path;
  if (o.format == "svg") {
    // Before any work: the user wants to know at once that the tool is missing.
    dot_path = find_on_path("dot");
    if (!dot_path) {
      fmt::print(stderr,
                 "callplan: --format svg needs Graphviz `dot`, which is not on PATH.\n"
                 "  install it:  sudo apt-get install graphviz   (Debian, Ubuntu)\n"
                 "               sudo dnf install graphviz       (Fedora)\n"
                 "               brew install graphviz           (macOS)\n"
                 "  or write DOT and render it elsewhere:  callplan graph {} --format dot\n",
                 o.tenant);
      return kExitUsage;
    }
  }
  CheckedTenant tenant = load_and_check(o.tenant);  // throws Error: exit 2 in main
  if (has_errors(tenant.issues)) {
    fmt::print(stderr, "{}", format_gcc({FileReport{o.tenant, tenant.issues,
                                                    &tenant.tenant.sources}}));
    fmt::print(stderr, "callplan: `{}` has errors; fix them before drawing it\n", o.tenant);
    return kExitFindings;
  }
  std::string text = render_graph(tenant.tenant, {o.plan, o.to}, format);
  if (dot_path) text = run_graphviz(*dot_path, text);
  if (o.output.empty()) {
    fmt::print("{}", text);
  } else {
    std::ofstream out(o.output, std::ios::binary);
    out << text;
    if (!out) throw Error(fmt::format("cannot write `{}`", o.output));
  }
  return kExitOk;
}

}  // namespace

void add_graph_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<GraphCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "graph", "Draw the call plans, or with --to every path that rings one user");
  cmd->add_option("tenant", o->tenant, "Tenant file (YAML)")->required();
  cmd->add_option("--plan", o->plan, "Draw only this plan (with its entries and exits)");
  cmd->add_option("--to", o->to, "Reverse view: every path through which this extension rings");
  cmd->add_option("--format", o->format,
                  "dot (default), mermaid, json, svg (runs Graphviz dot), text (--to only)")
      ->check(CLI::IsMember({"dot", "mermaid", "json", "svg", "text"}));
  cmd->add_option("-o,--output", o->output, "Write to this file instead of standard output");
  cmd->callback([o, &exit_code] { exit_code = run(*o); });
}

}  // namespace callplan::cli
