// callplan — check, simulate, test and draw call plans. See README.md and SPEC section 4.
#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "callplan/version.hpp"
#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace callplan::cli;
  CLI::App app{"callplan: a call-routing rules engine for business phone systems"};
  app.set_version_flag("--version", callplan::kVersion);
  app.require_subcommand(1);

  int exit_code = kExitOk;
  add_check_command(app, exit_code);
  add_schema_command(app, exit_code);
  add_simulate_command(app, exit_code);
  add_test_command(app, exit_code);
  add_graph_command(app, exit_code);
  add_diff_command(app, exit_code);
  add_serve_command(app, exit_code);
  add_media_command(app, exit_code);
  add_provision_command(app, exit_code);
  add_panel_command(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);  // 0, help on stdout
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message; CLI11's own codes are not ours
    return kExitUsage;
  } catch (const callplan::Error& e) {
    fmt::print(stderr, "callplan: {}\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "callplan: internal error: {}\n", e.what());
    return kExitInternal;
  }
  return exit_code;
}
