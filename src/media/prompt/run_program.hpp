// media/prompt/run_program.hpp — runs a helper program (espeak-ng) the safe way: posix_spawnp
// with an argument vector (never a shell, so no quoting of user text), stdin from /dev/null,
// stdout and stderr collected, and a time limit after which the program is killed.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace callplan::media {

struct ProgramRun {
  bool started = false;      // false: the program could not be started (see spawn_error)
  int spawn_error = 0;       // errno of posix_spawnp; ENOENT when the program is not installed
  bool timed_out = false;    // killed with SIGKILL at the time limit
  bool exited = false;       // ended by exit(), not a signal
  int exit_code = -1;        // when exited
  std::string output;        // stdout and stderr together, at most 64 KiB kept

  bool succeeded() const { return started && exited && exit_code == 0 && !timed_out; }
};

// argv[0] is looked up in PATH. Blocks the calling thread until the program ends or
// `time_limit` passes: call it from a worker, never from the SIP event loop.
ProgramRun run_program(const std::vector<std::string>& argv, std::chrono::milliseconds time_limit);

}  // namespace callplan::media
