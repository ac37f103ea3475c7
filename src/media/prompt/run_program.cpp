#include "media/prompt/run_program.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

extern char** environ;

namespace callplan::media {
namespace {

constexpr std::size_t max_output = 64 * 1024;

// Reaps the program; if it is still running at the deadline (it closed its output but did
// not end), it is killed.
void wait_for(pid_t pid, std::chrono::steady_clock::time_point deadline, ProgramRun& run) {
  int status = 0;
  for (;;) {
    const pid_t got = ::waitpid(pid, &status, run.timed_out ? 0 : WNOHANG);
    if (got == pid) break;
    if (got < 0 && errno != EINTR) return;
    if (got == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        run.timed_out = true;
        ::kill(pid, SIGKILL);
      } else {
        ::usleep(5000);
      }
    }
  }
  if (WIFEXITED(status)) {
    run.exited = true;
    run.exit_code = WEXITSTATUS(status);
  }
}

}  // namespace

ProgramRun run_program(const std::vector<std::string>& argv, std::chrono::milliseconds time_limit) {
  ProgramRun run;
  if (argv.empty()) {
    run.spawn_error = EINVAL;
    return run;
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    run.spawn_error = errno;
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    run.spawn_error = spawned;
    return run;
  }
  run.started = true;

  // Read until the program closes its output (it ended) or the time limit passes.
  const auto deadline = std::chrono::steady_clock::now() + time_limit;
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      run.timed_out = true;
      break;
    }
    pollfd pfd{pipe_fds[0], POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: every writer (the program and its children) closed the pipe
    if (run.output.size() < max_output) {
      run.output.append(buffer, std::min(static_cast<std::size_t>(n), max_output - run.output.size()));
    }
  }
  ::close(pipe_fds[0]);
  if (run.timed_out) ::kill(pid, SIGKILL);
  wait_for(pid, deadline, run);
  return run;
}

}  // namespace callplan::media
