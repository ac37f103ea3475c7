// A redis-server for one test (tests/cluster): on a Unix socket in the test's temporary
// directory (never a TCP port: parallel agents and CI jobs share this machine's ports), no
// persistence (a restart is an empty Redis), stopped by its PID. With a blocking hiredis
// client for the test's own look at what Redis holds.
#pragma once

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cluster/redis_address.hpp"

extern char** environ;

namespace callplan::cluster::test_redis {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

inline bool on_path(const char* program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    if (::access((dirs.substr(start, end - start) + "/" + program).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

// redis-server on <dir>/redis.sock, no persistence: a restart is an empty Redis.
class RedisServer {
 public:
  // `extra`: more redis-server arguments ("--requirepass", "pw"); `auth`: the AUTH arguments
  // the test's own client sends first ({"pw"}, {"user", "pw"}), none when empty.
  explicit RedisServer(fs::path dir, std::vector<std::string> extra = {},
                       std::vector<std::string> auth = {})
      : dir_(std::move(dir)), socket_(dir_ / "redis.sock"), extra_(std::move(extra)),
        auth_(std::move(auth)) {}
  ~RedisServer() { stop(SIGKILL); }

  void start() {
    fs::remove(socket_);
    std::vector<std::string> args = {"redis-server", "--port", "0", "--unixsocket", socket_.string(),
                                     "--save", "", "--appendonly", "no", "--dir", dir_.string(),
                                     "--logfile", (dir_ / "redis.log").string()};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Its output goes to its log file, never to the test's stdout and stderr: a test that
    // dies (an ASan report aborts it) would otherwise leave Redis holding ctest's pipe, and
    // ctest would wait for it until the time-out.
    posix_spawn_file_actions_t quiet;
    ::posix_spawn_file_actions_init(&quiet);
    ::posix_spawn_file_actions_addopen(&quiet, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    ::posix_spawn_file_actions_addopen(&quiet, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    const int spawned = ::posix_spawnp(&pid_, "redis-server", &quiet, nullptr, argv.data(), environ);
    ::posix_spawn_file_actions_destroy(&quiet);
    ASSERT_EQ(spawned, 0);
    for (int i = 0; i < 250; ++i) {
      if (ping()) return;
      std::this_thread::sleep_for(20ms);
    }
    FAIL() << "redis-server did not answer on " << socket_ << " within 5 s";
  }

  void stop(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGCONT);
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  void pause() { ::kill(pid_, SIGSTOP); }
  void resume() { ::kill(pid_, SIGCONT); }

  RedisAddress address() const {
    return RedisAddress{.kind = RedisAddress::Kind::unix_socket, .host = {}, .port = 0,
                        .path = socket_.string()};
  }

  // A blocking client, for the test's own look at what Redis holds.
  std::vector<std::string> command(const std::vector<std::string>& args) const {
    std::vector<std::string> out;
    redisContext* c = redisConnectUnix(socket_.c_str());
    if (c == nullptr || c->err != 0) {
      if (c) redisFree(c);
      return out;
    }
    if (!auth_.empty()) {
      std::vector<const char*> auth_argv = {"AUTH"};
      std::vector<std::size_t> auth_lengths = {4};
      for (const std::string& a : auth_) {
        auth_argv.push_back(a.c_str());
        auth_lengths.push_back(a.size());
      }
      if (void* r = redisCommandArgv(c, static_cast<int>(auth_argv.size()), auth_argv.data(),
                                     auth_lengths.data()))
        freeReplyObject(r);
    }
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const std::string& a : args) {
      argv.push_back(a.c_str());
      lengths.push_back(a.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    if (reply != nullptr) {
      if (reply->type == REDIS_REPLY_ARRAY) {
        for (std::size_t i = 0; i < reply->elements; ++i)
          out.emplace_back(reply->element[i]->str, reply->element[i]->len);
      } else if (reply->type == REDIS_REPLY_INTEGER) {
        out.push_back(std::to_string(reply->integer));
      } else if (reply->str != nullptr) {
        out.emplace_back(reply->str, reply->len);
      }
      freeReplyObject(reply);
    }
    redisFree(c);
    return out;
  }

 private:
  bool ping() const {
    auto out = command({"PING"});
    return !out.empty() && out.front() == "PONG";
  }

  fs::path dir_;
  fs::path socket_;
  std::vector<std::string> extra_;
  std::vector<std::string> auth_;
  pid_t pid_ = -1;
};

// A fixture with a redis-server of its own in a fresh temporary directory and an event loop
// for the nodes under test. Skipped without redis-server, failed under CI=true.
class RedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!on_path("redis-server")) {
      if (const char* ci = std::getenv("CI"); ci != nullptr && std::string(ci) == "true")
        FAIL() << "redis-server is not installed (scripts/install-deps.sh)";
      GTEST_SKIP() << "redis-server (Debian redis-server) is not installed";
    }
    char pattern[] = "/tmp/callplan-cluster-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    redis_ = std::make_unique<RedisServer>(dir_);
    redis_->start();
  }
  void TearDown() override {
    redis_.reset();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // Runs the loop until `done` or 3 s; whether `done` came true.
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io_.run_one_for(10ms);
      if (io_.stopped()) io_.restart();
    }
    return true;
  }

  fs::path dir_;
  std::unique_ptr<RedisServer> redis_;
  asio::io_context io_;
};

}  // namespace callplan::cluster::test_redis
