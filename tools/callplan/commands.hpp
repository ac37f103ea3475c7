// The subcommands of the `callplan` tool. Each lives in its own file and registers itself on
// the app; its callback stores the exit code in `exit_code` (SPEC section 4: 0 success,
// 1 findings, 2 usage or I/O problems, 3 internal error).
#pragma once

#include <CLI/CLI.hpp>

#include "callplan/prompts.hpp"

namespace callplan::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

void add_check_command(CLI::App& app, int& exit_code);
void add_schema_command(CLI::App& app, int& exit_code);
void add_simulate_command(CLI::App& app, int& exit_code);
void add_test_command(CLI::App& app, int& exit_code);
void add_graph_command(CLI::App& app, int& exit_code);
void add_diff_command(CLI::App& app, int& exit_code);
void add_serve_command(CLI::App& app, int& exit_code);
void add_media_command(CLI::App& app, int& exit_code);
void add_provision_command(CLI::App& app, int& exit_code);
void add_panel_command(CLI::App& app, int& exit_code);

// How long each prompt plays (prompts.cpp): files through libsndfile, `text` through
// espeak-ng once into the speech cache. Shared by every subcommand that routes or checks.
const PromptMeter& tool_prompt_meter();

}  // namespace callplan::cli
