// Message-waiting counts and call records shared through a real redis-server
// (cluster/shared_mailboxes.hpp, shared_call_records.hpp): a count at one node is the other's
// (summed over the nodes, its watchers told), back after Redis restarted empty; call records
// in the company's stream, queued while Redis is away. Skipped without redis-server, failed
// under CI=true.
#include "cluster/shared_mailboxes.hpp"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cluster/shared_call_records.hpp"
#include "parts_node.hpp"
#include "redis_server.hpp"

namespace callplan::cluster {
namespace {

using namespace std::chrono_literals;
using test_redis::PartsNode;

class SharedMailboxesTest : public test_redis::RedisTest {
 protected:
  void start(PartsNode& a, PartsNode& b) {
    a.shared->start();
    b.shared->start();
    ASSERT_TRUE(a.shared->wait_until_in_step(3000ms));
    ASSERT_TRUE(b.shared->wait_until_in_step(3000ms));
  }
  static int lamps(const PartsNode& node, const std::string& mailbox) {
    return static_cast<int>(
        std::count(node.lamps_changed.begin(), node.lamps_changed.end(), mailbox));
  }
};

TEST_F(SharedMailboxesTest, AVoicemailLeftThroughOneNodeLightsTheLampAtTheOther) {
  PartsNode a(io_, redis_->address(), "udp:10.0.0.1:5060");
  PartsNode b(io_, redis_->address(), "udp:10.0.0.2:5060");
  start(a, b);
  a.mailboxes->counted("acme", "101", {.new_messages = 1, .old_messages = 0});
  ASSERT_TRUE(run_until([&] { return b.mailboxes->elsewhere("acme", "101").new_messages == 1; }));
  EXPECT_EQ(lamps(b, "acme/101"), 1);  // its watchers at B get a NOTIFY
  EXPECT_EQ(a.mailboxes->elsewhere("acme", "101"), MailboxCount{});  // A's own is not "elsewhere"
  // One more at B's own store: the mailbox's count is the sum over the nodes.
  b.mailboxes->counted("acme", "101", {.new_messages = 2, .old_messages = 1});
  ASSERT_TRUE(run_until([&] { return a.mailboxes->elsewhere("acme", "101").new_messages == 2; }));
  EXPECT_EQ(a.mailboxes->elsewhere("acme", "101").old_messages, 1);
  // The same count again sends nothing and tells nobody.
  a.mailboxes->counted("acme", "101", {.new_messages = 1, .old_messages = 0});
  io_.run_for(30ms);
  EXPECT_EQ(lamps(b, "acme/101"), 1);
  // Heard at A: the lamp at B goes out (B's own messages aside).
  a.mailboxes->counted("acme", "101", {.new_messages = 0, .old_messages = 1});
  ASSERT_TRUE(run_until([&] { return b.mailboxes->elsewhere("acme", "101").new_messages == 0; }));
  EXPECT_EQ(lamps(b, "acme/101"), 2);
  EXPECT_EQ(redis_->command({"HGET", mailboxes_key("acme"), "101\nudp:10.0.0.1:5060"}),
            std::vector<std::string>{"0 1"});
}

TEST_F(SharedMailboxesTest, CountsComeBackAfterRedisRestartedEmpty) {
  PartsNode a(io_, redis_->address(), "udp:10.0.0.1:5060");
  PartsNode b(io_, redis_->address(), "udp:10.0.0.2:5060");
  start(a, b);
  a.mailboxes->counted("acme", "101", {.new_messages = 1, .old_messages = 0});
  ASSERT_TRUE(run_until([&] { return b.mailboxes->elsewhere("acme", "101").new_messages == 1; }));
  redis_->stop(SIGKILL);
  ASSERT_TRUE(run_until([&] { return !a.shared->in_step() && !b.shared->in_step(); }));
  a.mailboxes->counted("acme", "102", {.new_messages = 3, .old_messages = 0});  // while away
  redis_->start();  // empty
  ASSERT_TRUE(run_until([&] {
    return a.shared->in_step() && b.shared->in_step() &&
           b.mailboxes->elsewhere("acme", "101").new_messages == 1 &&
           b.mailboxes->elsewhere("acme", "102").new_messages == 3;
  }));
}

TEST_F(SharedMailboxesTest, ANodeRestartedWithAnEmptierStoreCorrectsItsCount) {
  PartsNode b(io_, redis_->address(), "udp:10.0.0.2:5060");
  b.shared->start();
  ASSERT_TRUE(b.shared->wait_until_in_step(3000ms));
  {
    PartsNode a(io_, redis_->address(), "udp:10.0.0.1:5060");
    a.shared->start();
    ASSERT_TRUE(a.shared->wait_until_in_step(3000ms));
    a.mailboxes->counted("acme", "101", {.new_messages = 2, .old_messages = 0});
    ASSERT_TRUE(run_until([&] { return b.mailboxes->elsewhere("acme", "101").new_messages == 2; }));
  }  // A stops; its count stays (its messages are on its disk)
  io_.run_for(30ms);
  EXPECT_EQ(b.mailboxes->elsewhere("acme", "101").new_messages, 2);
  // A comes back and its store has nothing now (heard and deleted meanwhile): it says so.
  PartsNode a(io_, redis_->address(), "udp:10.0.0.1:5060");
  a.shared->start();
  ASSERT_TRUE(a.shared->wait_until_in_step(3000ms));
  ASSERT_TRUE(run_until([&] { return b.mailboxes->elsewhere("acme", "101").new_messages == 0; }));
  EXPECT_EQ(redis_->command({"HGET", mailboxes_key("acme"), "101\nudp:10.0.0.1:5060"}),
            std::vector<std::string>{"0 0"});
}

TEST_F(SharedMailboxesTest, CallRecordsGoToTheCompanysStreamAndWaitForRedis) {
  PartsNode a(io_, redis_->address(), "udp:10.0.0.1:5060");
  PartsNode b(io_, redis_->address(), "udp:10.0.0.2:5060");
  start(a, b);
  a.records->add("acme", R"({"call_id":"one"})");
  b.records->add("acme", R"({"call_id":"two"})");
  ASSERT_TRUE(run_until([&] {
    return a.records->counters().stored == 1 && b.records->counters().stored == 1;
  }));
  auto entries = [&] { return redis_->command({"XLEN", call_records_key("acme")}); };
  EXPECT_EQ(entries(), std::vector<std::string>{"2"});

  redis_->stop(SIGKILL);
  ASSERT_TRUE(run_until([&] { return !a.shared->in_step(); }));
  for (int i = 0; i < 5; ++i) a.records->add("acme", R"({"call_id":"away"})");
  EXPECT_EQ(a.records->queued(), 3u);  // max_queued: the oldest two dropped, with one warning
  EXPECT_EQ(a.records->counters().dropped, 2u);
  EXPECT_EQ(std::count_if(a.log.begin(), a.log.end(),
                          [](const std::string& l) { return l.find("are dropped") != l.npos; }),
            1);
  redis_->start();  // empty
  ASSERT_TRUE(run_until([&] { return a.shared->in_step() && a.records->counters().stored == 4; }));
  EXPECT_EQ(a.records->queued(), 0u);
  EXPECT_EQ(entries(), std::vector<std::string>{"3"});
}

}  // namespace
}  // namespace callplan::cluster
