// `callplan serve` in a callplan built with CALLPLAN_SIP=OFF (no SIP stack, so no OpenSSL or
// Asio): the subcommand stays listed so that a user who tries it learns why it does nothing,
// instead of CLI11's "unknown subcommand". Built instead of serve.cpp (tools/callplan/CMakeLists).
#include <fmt/format.h>

#include "commands.hpp"

namespace callplan::cli {

void add_serve_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "serve", "Not available: this callplan was built without SIP (CALLPLAN_SIP=OFF)");
  cmd->allow_extras();  // whatever the user passed, the answer is the same
  cmd->callback([&exit_code] {
    fmt::print(stderr,
               "callplan: `serve` is not available: this callplan was built without SIP "
               "(configure with -DCALLPLAN_SIP=ON to build the SIP server)\n");
    exit_code = kExitUsage;
  });
}

}  // namespace callplan::cli
