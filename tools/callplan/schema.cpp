// `callplan schema`: print the JSON Schema of the tenant format (schema/tenant.schema.json),
// for editors (yaml-language-server) and for validating tenants in other tools.
#include <cstdio>
#include <string_view>

#include <fmt/format.h>

#include "commands.hpp"

namespace callplan::cli {
namespace {

// Embedded at configure time by tools/callplan/CMakeLists.txt.
constexpr std::string_view kTenantSchema =
#include "tenant_schema.inc"
    ;

}  // namespace

void add_schema_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "schema", "Print the JSON Schema (draft-07) of the tenant file format");
  cmd->footer(
      "Editors: add `# yaml-language-server: $schema=<path to the schema>` to a tenant file.");
  cmd->callback([&exit_code] {
    std::string_view text = kTenantSchema;
    fmt::print("{}", text);
    if (!text.empty() && text.back() != '\n') fmt::print("\n");
    std::fflush(stdout);
    exit_code = kExitOk;
  });
}

}  // namespace callplan::cli
