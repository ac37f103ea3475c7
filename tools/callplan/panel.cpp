// `callplan panel TENANT... --listen URL`: the administration panel (SPEC 14, docs/panel.md),
// served by the shared HTTP server (src/http); and `callplan panel passwd LOGIN`, which sets a
// panel password from the command line (the first administrator's).
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "commands.hpp"
#include "panel/api.hpp"
#include "panel_server.hpp"
#include "state_dir.hpp"

namespace callplan::cli {
namespace {

struct PanelOptions {
  std::vector<std::string> tenants;
  std::string state_dir;
  PanelServerOptions server;
  std::string login;  // passwd
};

std::filesystem::path state_dir_of(const PanelOptions& o) {
  std::string dir = o.state_dir.empty() ? default_state_directory() : o.state_dir;
  if (dir.empty())
    throw Error("no state directory: give --state-dir (neither HOME nor XDG_STATE_HOME is set)");
  return dir;
}

// One line from standard input; without echo when it is a terminal.
std::string read_secret(const char* prompt) {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios old {};
  if (tty) {
    std::fprintf(stderr, "%s", prompt);
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void run_passwd(const PanelOptions& o, int& exit_code) {
  const auto login = panel::parse_login(o.login);
  if (!login) {
    fmt::print(stderr, "callplan: `{}` is not a panel login: <extension>@<tenant login>, e.g. 001@acme\n",
               o.login);
    exit_code = kExitUsage;
    return;
  }
  panel::AccountStore accounts(state_dir_of(o));
  const std::string password = read_secret("New password: ");
  if (::isatty(STDIN_FILENO) && read_secret("Again: ") != password) {
    fmt::print(stderr, "callplan: the passwords differ; nothing changed\n");
    exit_code = kExitUsage;
    return;
  }
  accounts.set_password(*login, password);
  fmt::print(stderr, "callplan: password of {} set in {}\n", login->text(),
             accounts.file().string());
}

void run_panel(const PanelOptions& o, int& exit_code) {
  if (o.tenants.empty()) {
    fmt::print(stderr, "callplan: panel needs at least one tenant file (or: panel passwd LOGIN)\n");
    exit_code = kExitUsage;
    return;
  }
  PanelServerOptions options = o.server;
  options.tenants = o.tenants;
  options.state_dir = state_dir_of(o).string();
  PanelServer server(options, {});
  // SIGINT and SIGTERM are waited for here; the server's threads inherit the blocked mask.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  server.start();
  int signal = 0;
  sigwait(&stop, &signal);
  server.stop();
}

}  // namespace

void add_panel_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<PanelOptions>();
  CLI::App* cmd = app.add_subcommand("panel", "Serve the administration panel (docs/panel.md)");
  cmd->add_option("tenant", o->tenants, "Tenant files (YAML); logins are <extension>@<tenant login>");
  cmd->add_option("--listen", o->server.listen,
                  "http://ADDR:PORT or https://ADDR:PORT (default http://127.0.0.1:8080; plain "
                  "http only on loopback, see docs/panel.md)");
  cmd->add_option("--state-dir", o->state_dir,
                  "State directory holding panel-accounts.json (default as for serve)");
  add_panel_server_options(cmd, o->server, "");
  CLI::App* passwd = cmd->add_subcommand("passwd", "Set a panel password (read from standard input)");
  passwd->add_option("login", o->login, "The login: <extension>@<tenant login>")->required();
  passwd->add_option("--state-dir", o->state_dir, "State directory (default as for serve)");
  passwd->callback([o, &exit_code] { run_passwd(*o, exit_code); });
  cmd->callback([o, cmd, passwd, &exit_code] {
    if (passwd->parsed()) return;
    run_panel(*o, exit_code);
  });
}

}  // namespace callplan::cli
