// Starting, watching and restarting the media process (supervisor.hpp).
#include "sip/media_side/supervisor.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace callplan::sip {
namespace {

std::string exit_text(int status) {
  if (WIFEXITED(status)) return fmt::format("exit status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("killed by signal {}", WTERMSIG(status));
  return "ended";
}

}  // namespace

MediaSupervisor::MediaSupervisor(asio::io_context& io, MediaSideOptions options, Log log)
    : io_(io),
      options_(std::move(options)),
      log_(std::move(log)),
      control_(io),
      timer_(io),
      backoff_(options_.first_backoff) {
  if (options_.enabled && options_.control_socket.empty()) {
    // A private folder for the socket: short enough for sun_path wherever the state is.
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp == '/' ? tmp : "/tmp") +
                          "/callplan-media-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) {
      socket_folder_ = pattern;
      options_.control_socket = pattern + "/control.sock";
    } else {
      log_(fmt::format("media side: cannot make a folder for its socket ({}): off",
                       std::strerror(errno)));
      options_.enabled = false;
    }
  }
  // A control connection that breaks while the child still runs (it closed the socket, or
  // hangs): the child is of no use without it; it is killed and started again.
  control_.on_down([this] {
    if (!stopping_ && pid_ > 0 && !exited_) {
      log_(fmt::format("media side: control connection lost; stopping process {}", pid_));
      ::kill(pid_, SIGKILL);
    }
  });
}

MediaSupervisor::~MediaSupervisor() {
  stop();
  if (pid_ > 0) {
    // The child had its SIGTERM; give it a moment to store recordings, then reap it.
    for (int i = 0; i < 200 && ::waitpid(pid_, nullptr, WNOHANG) == 0; ++i) ::usleep(10000);
    if (::waitpid(pid_, nullptr, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  if (!socket_folder_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(socket_folder_, ignored);
  }
}

void MediaSupervisor::start() {
  if (!options_.enabled) return;
  stopping_ = false;
  spawn();
}

void MediaSupervisor::stop() {
  if (stopping_) return;
  stopping_ = true;
  timer_.cancel();
  control_.close();
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}

void MediaSupervisor::spawn() {
  std::vector<std::string> args{options_.program, "media", "--control",
                                "unix:" + options_.control_socket};
  args.insert(args.end(), options_.arguments.begin(), options_.arguments.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    log_(fmt::format("media side: cannot start (pipe: {})", std::strerror(errno)));
    restart_later();
    return;
  }
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    log_(fmt::format("media side: cannot start (fork: {})", std::strerror(errno)));
    restart_later();
    return;
  }
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // serve died in between
    ::dup2(pipe_fds[1], STDERR_FILENO);        // dup2 clears O_CLOEXEC on the copy
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  pid_ = pid;
  exited_ = false;
  ++starts_;
  started_ = std::chrono::steady_clock::now();
  stderr_buffer_.clear();
  stderr_ = std::make_unique<asio::posix::stream_descriptor>(io_, pipe_fds[0]);
  log_(fmt::format("media side: started process {}", pid_));
  read_stderr();
}

void MediaSupervisor::read_stderr() {
  auto buffer = std::make_shared<std::array<char, 4096>>();
  stderr_->async_read_some(asio::buffer(*buffer), [this, buffer](std::error_code ec, std::size_t n) {
    if (ec) {
      if (ec != asio::error::operation_aborted) child_gone();
      return;
    }
    stderr_buffer_.append(buffer->data(), n);
    std::size_t start = 0;
    for (std::size_t end; (end = stderr_buffer_.find('\n', start)) != std::string::npos;
         start = end + 1)
      on_line(std::string_view(stderr_buffer_).substr(start, end - start));
    stderr_buffer_.erase(0, start);
    if (stderr_buffer_.size() > 64 * 1024) {  // no line break for that long: pass it on as is
      on_line(stderr_buffer_);
      stderr_buffer_.clear();
    }
    read_stderr();
  });
}

void MediaSupervisor::on_line(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
  if (line.starts_with("media: ready:") && !stopping_) {
    control_.connect(options_.control_socket, [this, pid = pid_](bool connected) {
      if (connected) {
        log_(fmt::format("media side: connected to process {}", pid));
      } else if (!stopping_ && pid_ == pid && pid > 0) {
        log_(fmt::format("media side: cannot connect to {}; stopping process {}",
                         options_.control_socket, pid));
        ::kill(pid, SIGKILL);
      }
    });
  }
}

// The child's stderr reached its end: it has exited (or is about to).
void MediaSupervisor::child_gone() {
  exited_ = true;
  stderr_.reset();
  control_.close();
  reap();
}

void MediaSupervisor::reap() {
  if (pid_ <= 0) return;
  int status = 0;
  pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == 0) {  // closed its stderr but still running: look again shortly
    timer_.expires_after(std::chrono::milliseconds(20));
    timer_.async_wait([this](std::error_code ec) {
      if (!ec) reap();
    });
    return;
  }
  log_(fmt::format("media side: process {} {}", pid_, done < 0 ? "gone" : exit_text(status)));
  pid_ = 0;
  if (!stopping_) restart_later();
}

void MediaSupervisor::restart_later() {
  if (std::chrono::steady_clock::now() - started_ > options_.healthy_after)
    backoff_ = options_.first_backoff;
  log_(fmt::format("media side: starting again in {} ms", backoff_.count()));
  timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
  timer_.async_wait([this](std::error_code ec) {
    if (!ec && !stopping_) spawn();
  });
}

}  // namespace callplan::sip
