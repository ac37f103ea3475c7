// MediaSupervisor (src/sip/media_side/supervisor.hpp) with a stand-in media process
// (fake_media.py): started, connected on its ready line, started again after SIGKILL, and
// stopped with SIGTERM.
#include "sip/media_side/supervisor.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace callplan::sip {
namespace {

template <typename F>
bool run_until(asio::io_context& io, F done, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return done();
}

MediaSideOptions fake_options() {
  MediaSideOptions o;
  o.enabled = true;
  o.program = std::string(CALLPLAN_SOURCE_DIR) + "/tests/sip/media_side/fake_media.py";
  o.arguments = {"--rtp-ports", "30000-30001"};
  o.first_backoff = std::chrono::milliseconds(10);
  return o;
}

TEST(MediaSupervisor, StartsConnectsAndStartsAgainAfterAKill) {
  asio::io_context io;
  std::vector<std::string> log;
  MediaSupervisor supervisor(io, fake_options(), [&](std::string_view l) { log.emplace_back(l); });
  supervisor.start();
  ASSERT_TRUE(run_until(io, [&] { return supervisor.control().up(); }, std::chrono::seconds(5)))
      << "never connected";
  pid_t first = supervisor.pid();
  ASSERT_GT(first, 0);
  // A request reaches the child and its reply comes back.
  int replied_by = 0;
  supervisor.control().request({{"op", "ping"}}, [&](const nlohmann::json& r) { replied_by = r.value("pid", 0); });
  ASSERT_TRUE(run_until(io, [&] { return replied_by != 0; }, std::chrono::seconds(2)));
  EXPECT_EQ(replied_by, first);

  ::kill(first, SIGKILL);
  ASSERT_TRUE(run_until(io, [&] { return supervisor.starts() == 2 && supervisor.control().up(); },
                        std::chrono::seconds(5)))
      << "not started again";
  EXPECT_NE(supervisor.pid(), first);
  bool said_killed = false;
  for (const std::string& line : log) said_killed |= line.find("killed by signal 9") != std::string::npos;
  EXPECT_TRUE(said_killed);

  pid_t second = supervisor.pid();
  supervisor.stop();
  // SIGTERM ends it; it is reaped and not started again.
  ASSERT_TRUE(run_until(io, [&] { return supervisor.pid() == 0; }, std::chrono::seconds(3)));
  EXPECT_NE(second, 0);
  EXPECT_EQ(supervisor.starts(), 2u);
  EXPECT_FALSE(supervisor.control().up());
}

TEST(MediaSupervisor, DisabledStartsNothing) {
  asio::io_context io;
  MediaSideOptions o = fake_options();
  o.enabled = false;
  MediaSupervisor supervisor(io, o, [](std::string_view) {});
  supervisor.start();
  EXPECT_EQ(supervisor.pid(), 0);
  EXPECT_EQ(supervisor.starts(), 0u);
}

}  // namespace
}  // namespace callplan::sip
