// sip/media_side/supervisor.hpp — `callplan serve` keeps its media process running: it starts
// `callplan media` as its child, connects the control client when the child prints
// "media: ready:", and starts it again (with backoff) when it exits or its control connection
// breaks (docs/sip-server.md "callplan's own media side").
//
// The child's stderr is read on serve's event loop and copied to serve's stderr line by line,
// so its `media:` log lines land in serve's log. The child gets SIGTERM when serve stops, and
// (PR_SET_PDEATHSIG) when serve dies without stopping it.
// Thread safety: one thread (serve's event loop).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>

#include "sip/media_side/control_client.hpp"

namespace callplan::sip {

struct MediaSideOptions {
  bool enabled = false;
  std::string program = "/proc/self/exe";  // the callplan binary (serve's own)
  std::string control_socket;              // unix socket path; "" for one in a temporary folder
  std::vector<std::string> arguments;      // after `media --control unix:PATH`
  std::chrono::milliseconds first_backoff{250};
  std::chrono::milliseconds max_backoff{10000};
  // A child that ran this long was healthy: the next restart starts from first_backoff again.
  std::chrono::milliseconds healthy_after{30000};
};

class MediaSupervisor {
 public:
  using Log = std::function<void(std::string_view line)>;

  MediaSupervisor(asio::io_context& io, MediaSideOptions options, Log log);
  ~MediaSupervisor();
  MediaSupervisor(const MediaSupervisor&) = delete;
  MediaSupervisor& operator=(const MediaSupervisor&) = delete;

  void start();  // spawns the child; never blocks
  void stop();   // SIGTERM to the child (it stores recordings in progress), no restart

  MediaControl& control() { return control_; }
  pid_t pid() const { return pid_; }     // 0 when none runs
  unsigned starts() const { return starts_; }

 private:
  void spawn();
  void read_stderr();
  void on_line(std::string_view line);
  void child_gone();
  void reap();
  void restart_later();

  asio::io_context& io_;
  MediaSideOptions options_;
  Log log_;
  MediaControl control_;
  std::unique_ptr<asio::posix::stream_descriptor> stderr_;
  std::string stderr_buffer_;
  asio::steady_timer timer_;
  std::string socket_folder_;  // the temporary folder we made, removed at the end
  pid_t pid_ = 0;
  bool exited_ = false;  // its stderr ended: it is exiting, nothing to kill
  bool stopping_ = false;
  unsigned starts_ = 0;
  std::chrono::milliseconds backoff_;
  std::chrono::steady_clock::time_point started_{};
};

}  // namespace callplan::sip
