// Two nodes' round-robin positions shared through a real redis-server
// (cluster/shared_round_robin.hpp): a position moved at one node is the other's, both end
// with what Redis holds when they move one group at the same moment, and Redis restarted
// empty gets them back. Skipped without redis-server, failed under CI=true.
#include "cluster/shared_round_robin.hpp"

#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parts_node.hpp"
#include "redis_server.hpp"

namespace callplan::cluster {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kGroup = "desks/0";

// A node whose calls of the group end: the position moves, and the proxy's hook says so.
struct Node : test_redis::PartsNode {
  using PartsNode::PartsNode;
  void call_ended(std::string_view member) {
    routing.set_round_robin(kGroup, member);
    positions->positions_changed("acme", routing);
  }
  std::string position() const {
    auto at = routing.round_robin(kGroup);
    return at ? std::string(*at) : std::string("(none)");
  }
};

class SharedRoundRobinTest : public test_redis::RedisTest {
 protected:
  std::string in_redis() {
    auto out = redis_->command({"HGET", round_robin_key("acme"), std::string(kGroup)});
    return out.empty() ? std::string("(none)") : out.front();
  }
  void start(Node& a, Node& b) {
    a.shared->start();
    b.shared->start();
    ASSERT_TRUE(a.shared->wait_until_in_step(3000ms));
    ASSERT_TRUE(b.shared->wait_until_in_step(3000ms));
  }
};

TEST_F(SharedRoundRobinTest, APositionMovedAtOneNodeIsTheOthers) {
  Node a(io_, redis_->address(), "udp:10.0.0.1:5060");
  Node b(io_, redis_->address(), "udp:10.0.0.2:5060");
  start(a, b);
  a.call_ended("102");
  ASSERT_TRUE(run_until([&] { return b.position() == "102"; }));
  EXPECT_EQ(in_redis(), "102");
  b.call_ended("103");  // the next call, at B, continued from A's
  ASSERT_TRUE(run_until([&] { return a.position() == "103"; }));
  EXPECT_EQ(in_redis(), "103");
  EXPECT_EQ(a.applied, 1);
  EXPECT_EQ(b.applied, 1);
  // A repeat of the same position sends nothing.
  const auto sent = a.positions->counters().sent;
  a.positions->positions_changed("acme", a.routing);
  EXPECT_EQ(a.positions->counters().sent, sent);
  EXPECT_EQ(a.positions->summary(), "1 round-robin position(s)");  // for the "in step" line
}

TEST_F(SharedRoundRobinTest, TwoNodesMovingOneGroupAtOnceEndWithWhatRedisHolds) {
  Node a(io_, redis_->address(), "udp:10.0.0.1:5060");
  Node b(io_, redis_->address(), "udp:10.0.0.2:5060");
  start(a, b);
  for (int round = 0; round < 20; ++round) {
    // Both before either hears of the other: the race of the propagation time.
    a.call_ended(round % 2 ? "102" : "103");
    b.call_ended(round % 2 ? "104" : "102");
    ASSERT_TRUE(run_until([&] {
      return a.positions->counters().sent > 0 && a.position() == in_redis() &&
             b.position() == in_redis() && a.position() == b.position();
    })) << "round " << round << ": A " << a.position() << ", B " << b.position() << ", Redis "
        << in_redis();
    // Settled: nothing still on its way changes it afterwards.
    io_.run_for(20ms);
    ASSERT_EQ(a.position(), in_redis());
    ASSERT_EQ(b.position(), in_redis());
  }
}

TEST_F(SharedRoundRobinTest, RedisRestartedEmptyGetsThePositionsBack) {
  Node a(io_, redis_->address(), "udp:10.0.0.1:5060");
  Node b(io_, redis_->address(), "udp:10.0.0.2:5060");
  start(a, b);
  a.call_ended("102");
  ASSERT_TRUE(run_until([&] { return b.position() == "102"; }));
  redis_->stop(SIGKILL);
  ASSERT_TRUE(run_until([&] { return !a.shared->in_step() && !b.shared->in_step(); }));
  b.call_ended("104");  // while Redis is away: B's newest call
  redis_->start();      // empty
  // B's change while Redis was away wins; A's older copy only fills what Redis lacks.
  ASSERT_TRUE(run_until([&] {
    return a.shared->in_step() && b.shared->in_step() && in_redis() == "104" &&
           a.position() == "104" && b.position() == "104";
  })) << "A " << a.position() << ", B " << b.position() << ", Redis " << in_redis();
}

TEST_F(SharedRoundRobinTest, ANodeStartingReadsThePositionsBeforeItServes) {
  Node a(io_, redis_->address(), "udp:10.0.0.1:5060");
  a.shared->start();
  ASSERT_TRUE(a.shared->wait_until_in_step(3000ms));
  a.call_ended("103");
  ASSERT_TRUE(run_until([&] { return in_redis() == "103"; }));
  // B kept an older position in its state directory: Redis's, newer, wins.
  Node b(io_, redis_->address(), "udp:10.0.0.2:5060");
  b.routing.set_round_robin(kGroup, "102");
  b.shared->start();
  ASSERT_TRUE(b.shared->wait_until_in_step(3000ms));
  EXPECT_EQ(b.position(), "103");
  EXPECT_EQ(in_redis(), "103");
}

}  // namespace
}  // namespace callplan::cluster
