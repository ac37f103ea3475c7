// `callplan serve` and `callplan media` in a callplan built with CALLPLAN_SIP=OFF (no SIP stack
// and no media side, so none of their libraries): the subcommands stay listed so that a user
// who tries one learns why it does nothing, instead of CLI11's "unknown subcommand". Built
// instead of serve.cpp and media.cpp (tools/callplan/CMakeLists.txt).
#include <fmt/format.h>

#include "commands.hpp"

namespace callplan::cli {

namespace {

void add_missing_command(CLI::App& app, int& exit_code, const char* name) {
  CLI::App* cmd = app.add_subcommand(
      name, "Not available: this callplan was built without SIP (CALLPLAN_SIP=OFF)");
  cmd->allow_extras();  // whatever the user passed, the answer is the same
  cmd->callback([&exit_code, name] {
    fmt::print(stderr,
               "callplan: `{}` is not available: this callplan was built without SIP "
               "(configure with -DCALLPLAN_SIP=ON to build the SIP server)\n",
               name);
    exit_code = kExitUsage;
  });
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  add_missing_command(app, exit_code, "serve");
}

void add_media_command(CLI::App& app, int& exit_code) {
  add_missing_command(app, exit_code, "media");
}

void add_panel_command(CLI::App& app, int& exit_code) {
  add_missing_command(app, exit_code, "panel");  // it is served by the HTTP server of serve
}

}  // namespace callplan::cli
