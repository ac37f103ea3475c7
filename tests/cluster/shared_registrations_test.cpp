// Two nodes' SharedRegistrations on one event loop, against a real redis-server that each test
// starts on a Unix socket in a temporary directory and stops by its PID
// (cluster/shared_registrations.hpp). Skipped without redis-server, failed under CI=true.
#include "cluster/shared_registrations.hpp"

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cluster/binding_record.hpp"
#include "cluster/scripts.hpp"
#include "redis_server.hpp"

namespace callplan::cluster {
namespace {

using namespace std::chrono_literals;

// One node: its location service and its SharedRegistrations, on the shared event loop.
struct Node {
  Node(asio::io_context& io, const RedisAddress& redis, std::string name,
       std::chrono::milliseconds confirm = 1000ms) {
    ClusterOptions options{.redis = redis, .node = std::move(name), .confirm_timeout = confirm,
                           .link = {.retry_min = 20ms, .retry_max = 100ms}};
    ServedCompanies served{.of_username = [](std::string_view) { return std::string("acme"); },
                           .all = [] { return std::vector<std::string>{"acme"}; },
                           // as the server's rule says for these (sip/proxy/reach.hpp): a
                           // Contact in 10/8 that the REGISTER did not come from
                           .behind_nat = [](std::string_view contact, const sip::Peer&) {
                             return contact.find("@10.") != std::string_view::npos;
                           }};
    shared = std::make_unique<SharedRegistrations>(
        io, location, options, served,
        [this](SharedRegistrations::Level, std::string_view line) { log.emplace_back(line); });
    location.on_bindings([this](std::string_view username, std::span<const sip::Binding> stored) {
      shared->bindings_changed(username, stored);
    });
  }

  // A REGISTER of `username` from 192.0.2.7:`port`; `answered` is set when its 200 may go.
  void register_phone(const std::string& username, std::uint16_t port, bool& answered,
                      std::chrono::seconds expires = 300s,
                      sip::Protocol protocol = sip::Protocol::udp,
                      const std::string& contact_host = "192.0.2.7") {
    const auto now = std::chrono::steady_clock::now();
    shared->begin_register();
    const bool was = location.registered(username, now);
    sip::Binding b;
    b.contact = "sip:" + username + "@" + contact_host + ":" + std::to_string(port);
    b.source = sip::Peer{.protocol = protocol,
                         .address = asio::ip::make_address("192.0.2.7"),
                         .port = port};
    b.expires = now + expires;
    b.call_id = "reg-" + username;
    b.cseq = 2;
    location.bindings_of(username).push_back(b);
    location.notify(username, was, now);
    shared->end_register([&answered] { answered = true; });
  }

  std::vector<std::string> log;
  sip::Location location;
  std::unique_ptr<SharedRegistrations> shared;
};

class SharedRegistrationsTest : public test_redis::RedisTest {
 protected:
  std::string owner_of(const std::string& username, const std::string& contact) {
    auto out = redis_->command({"HGET", bindings_key("acme"), binding_field(username, contact)});
    if (out.empty()) return {};
    auto record = decode_record(out.front());
    return record ? record->owner : "(not a record)";
  }

  bool reachable(Node& node, const std::string& username) {
    return node.location.registered(username, std::chrono::steady_clock::now());
  }
};

TEST_F(SharedRegistrationsTest, ARegisterIsAnsweredAfterRedisAndReachesTheOtherNode) {
  Node a(io_, redis_->address(), "udp:10.0.0.1:5060");
  Node b(io_, redis_->address(), "udp:10.0.0.2:5060");
  a.shared->start();
  b.shared->start();
  ASSERT_TRUE(a.shared->wait_until_in_step(3000ms));
  ASSERT_TRUE(b.shared->wait_until_in_step(3000ms));

  bool answered = false;
  a.register_phone("acme-alice", 5062, answered);
  EXPECT_FALSE(answered) << "answered before Redis confirmed";
  ASSERT_TRUE(run_until([&] { return answered; }));
  EXPECT_EQ(owner_of("acme-alice", "sip:acme-alice@192.0.2.7:5062"), "udp:10.0.0.1:5060");
  ASSERT_TRUE(run_until([&] { return reachable(b, "acme-alice"); }));
  auto found = b.location.lookup("acme-alice", std::chrono::steady_clock::now());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found.front()->source.address.to_string(), "192.0.2.7");
  EXPECT_EQ(found.front()->source.port, 5062);

  // Unregistered at B (the REGISTER with Expires: 0 arrives there): gone from A and Redis.
  const auto now = std::chrono::steady_clock::now();
  b.shared->begin_register();
  b.location.bindings_of("acme-alice").clear();
  b.location.notify("acme-alice", true, now);
  bool removed = false;
  b.shared->end_register([&] { removed = true; });
  ASSERT_TRUE(run_until([&] { return removed && !reachable(a, "acme-alice"); }));
  EXPECT_EQ(owner_of("acme-alice", "sip:acme-alice@192.0.2.7:5062"), "");
}

TEST_F(SharedRegistrationsTest, RedisRestartedEmptyGetsEveryBindingBack) {
  Node a(io_, redis_->address(), "udp:10.0.0.1:5060");
  Node b(io_, redis_->address(), "udp:10.0.0.2:5060");
  a.shared->start();
  b.shared->start();
  ASSERT_TRUE(a.shared->wait_until_in_step(3000ms));
  ASSERT_TRUE(b.shared->wait_until_in_step(3000ms));
  bool answered = false;
  a.register_phone("acme-alice", 5062, answered);
  ASSERT_TRUE(run_until([&] { return answered && reachable(b, "acme-alice"); }));

  redis_->stop(SIGKILL);
  ASSERT_TRUE(run_until([&] { return !a.shared->in_step() && !b.shared->in_step(); }));
  // While Redis is away: answered at once, from memory.
  bool during = false;
  b.register_phone("acme-bob", 5064, during);
  EXPECT_TRUE(during);

  redis_->start();  // empty
  ASSERT_TRUE(run_until([&] {
    return a.shared->in_step() && b.shared->in_step() &&
           owner_of("acme-alice", "sip:acme-alice@192.0.2.7:5062") == "udp:10.0.0.1:5060" &&
           owner_of("acme-bob", "sip:acme-bob@192.0.2.7:5064") == "udp:10.0.0.2:5060" &&
           reachable(a, "acme-bob") && reachable(b, "acme-alice");
  })) << "A: " << ::testing::PrintToString(a.log) << "\nB: " << ::testing::PrintToString(b.log);
}

TEST_F(SharedRegistrationsTest, ANodeStartedLaterLoadsItsOwnAndTheOthersBindings) {
  bool answered = false;
  {
    Node a(io_, redis_->address(), "udp:10.0.0.1:5060");
    a.shared->start();
    ASSERT_TRUE(a.shared->wait_until_in_step(3000ms));
    a.register_phone("acme-alice", 5062, answered);
    ASSERT_TRUE(run_until([&] { return answered; }));
  }  // A stops (its bindings stay in Redis)
  Node b(io_, redis_->address(), "udp:10.0.0.2:5060");
  b.shared->start();
  ASSERT_TRUE(b.shared->wait_until_in_step(3000ms));
  EXPECT_TRUE(reachable(b, "acme-alice"));
  Node a_again(io_, redis_->address(), "udp:10.0.0.1:5060");
  a_again.shared->start();
  ASSERT_TRUE(a_again.shared->wait_until_in_step(3000ms));
  EXPECT_TRUE(reachable(a_again, "acme-alice"));
  ASSERT_FALSE(a_again.log.empty());
  EXPECT_NE(a_again.log.back().find("1 back from Redis"), std::string::npos) << a_again.log.back();
}

// The bindings only their owner reaches (docs/cluster.md, "Phones reached through their
// node"): over TCP (A holds the connection) and over UDP behind NAT (the path may be open to
// A's address only). B routes them through A: Binding::through names A's SIP address.
TEST_F(SharedRegistrationsTest, BindingsOnlyTheirOwnerReachesGoThroughIt) {
  Node b(io_, redis_->address(), "udp:10.0.0.2:5060");
  b.shared->start();
  ASSERT_TRUE(b.shared->wait_until_in_step(3000ms));
  const std::string contact = "sip:acme-carol@192.0.2.7:5070";
  const sip::Peer a_address = *sip::parse_peer("udp:10.0.0.1:5060");
  const auto through_of = [&](const std::string& username) -> std::optional<sip::Binding> {
    auto found = b.location.lookup(username, std::chrono::steady_clock::now());
    if (found.empty()) return std::nullopt;
    return *found.front();
  };
  {
    Node a(io_, redis_->address(), "udp:10.0.0.1:5060");
    a.shared->start();
    ASSERT_TRUE(a.shared->wait_until_in_step(3000ms));
    bool tcp = false, nat = false, direct = false;
    a.register_phone("acme-carol", 5070, tcp, 300s, sip::Protocol::tcp);
    a.register_phone("acme-dave", 5072, nat, 300s, sip::Protocol::udp, "10.1.2.3");
    a.register_phone("acme-erin", 5074, direct, 300s, sip::Protocol::udp);
    ASSERT_TRUE(run_until([&] { return tcp && nat && direct; }));
    EXPECT_EQ(owner_of("acme-carol", contact), "udp:10.0.0.1:5060");
    // A reaches its own directly.
    for (const char* user : {"acme-carol", "acme-dave", "acme-erin"}) {
      auto own = a.location.lookup(user, std::chrono::steady_clock::now());
      ASSERT_EQ(own.size(), 1u) << user;
      EXPECT_EQ(own.front()->through.port, 0) << user;
    }
    ASSERT_TRUE(run_until([&] {
      return through_of("acme-carol") && through_of("acme-dave") && through_of("acme-erin");
    }));
    const sip::Binding carol = *through_of("acme-carol");
    EXPECT_TRUE(carol.through.same_endpoint(a_address)) << carol.through.to_string();
    EXPECT_EQ(carol.source.to_string(), "tcp:192.0.2.7:5070");  // the flow A holds
    EXPECT_TRUE(through_of("acme-dave")->through.same_endpoint(a_address));
    EXPECT_EQ(through_of("acme-erin")->through.port, 0);  // a reachable UDP Contact: directly
  }
  ASSERT_FALSE(b.log.empty());
  // A restarts: the connection ended with the old process, so its TCP binding goes from Redis
  // and from B; its UDP ones (behind NAT too) come back.
  Node a_again(io_, redis_->address(), "udp:10.0.0.1:5060");
  a_again.shared->start();
  ASSERT_TRUE(a_again.shared->wait_until_in_step(3000ms));
  EXPECT_FALSE(reachable(a_again, "acme-carol"));
  EXPECT_TRUE(reachable(a_again, "acme-dave"));
  ASSERT_TRUE(run_until([&] { return owner_of("acme-carol", contact).empty(); }));
  ASSERT_TRUE(run_until([&] { return !reachable(b, "acme-carol"); }));
  EXPECT_TRUE(reachable(b, "acme-dave"));
}

// A node whose name is not a SIP address (--cluster-node is meant to be one) cannot be sent
// to: the bindings only it reaches are known at B but not routed to.
TEST_F(SharedRegistrationsTest, AnOwnerNamedByNoAddressIsNotRoutedThrough) {
  Node b(io_, redis_->address(), "udp:10.0.0.2:5060");
  b.shared->start();
  ASSERT_TRUE(b.shared->wait_until_in_step(3000ms));
  Node a(io_, redis_->address(), "node-a");
  a.shared->start();
  ASSERT_TRUE(a.shared->wait_until_in_step(3000ms));
  bool tcp = false, direct = false;
  a.register_phone("acme-carol", 5070, tcp, 300s, sip::Protocol::tcp);
  a.register_phone("acme-erin", 5074, direct, 300s, sip::Protocol::udp);
  ASSERT_TRUE(run_until([&] { return tcp && direct; }));
  ASSERT_TRUE(run_until([&] { return reachable(b, "acme-erin"); }));
  EXPECT_FALSE(reachable(b, "acme-carol"));
  b.shared->companies_changed();  // a resync: its line counts it as not reachable
  ASSERT_TRUE(run_until([&] {
    return !b.log.empty() && b.log.back().find("1 more not reachable") != std::string::npos;
  })) << (b.log.empty() ? "" : b.log.back());
}

TEST_F(SharedRegistrationsTest, ANodeStartedWithoutRedisCatchesUpWhenItComes) {
  redis_->stop(SIGKILL);
  Node a(io_, redis_->address(), "udp:10.0.0.1:5060");
  a.shared->start();
  EXPECT_FALSE(a.shared->wait_until_in_step(200ms));  // serves anyway, from memory
  bool answered = false;
  a.register_phone("acme-alice", 5062, answered);
  EXPECT_TRUE(answered);  // at once: nothing to wait for
  redis_->start();
  ASSERT_TRUE(run_until([&] {
    return a.shared->in_step() &&
           owner_of("acme-alice", "sip:acme-alice@192.0.2.7:5062") == "udp:10.0.0.1:5060";
  }));
}

TEST_F(SharedRegistrationsTest, ARegisterIsAnsweredWhenRedisHangs) {
  Node a(io_, redis_->address(), "udp:10.0.0.1:5060", 200ms);
  a.shared->start();
  ASSERT_TRUE(a.shared->wait_until_in_step(3000ms));
  redis_->pause();  // SIGSTOP: the connection stays open, nothing answers
  bool answered = false;
  const auto started = std::chrono::steady_clock::now();
  a.register_phone("acme-alice", 5062, answered);
  ASSERT_TRUE(run_until([&] { return answered; }));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 200ms);
  EXPECT_EQ(a.shared->counters().late_answers, 1u);
  EXPECT_TRUE(reachable(a, "acme-alice"));  // routed from memory meanwhile
  redis_->resume();
  // It reconnects, writes the binding again, and is in step.
  ASSERT_TRUE(run_until([&] {
    return a.shared->in_step() &&
           owner_of("acme-alice", "sip:acme-alice@192.0.2.7:5062") == "udp:10.0.0.1:5060";
  }));
}

TEST_F(SharedRegistrationsTest, ThePutScriptKeepsANewerRecord) {
  const std::string key = bindings_key("acme");
  const std::string field = binding_field("acme-alice", "sip:alice@192.0.2.7");
  auto put = [&](std::int64_t updated) {
    BindingRecord r{.updated_ms = updated, .expires_ms = updated + 1000, .owner = "n",
                    .transport = "udp", .address = "192.0.2.7", .port = 5060, .q_millis = 1000,
                    .cseq = 1, .call_id = "c"};
    return redis_->command({"EVAL", put_script().source, "1", key, field, encode(r),
                            std::to_string(updated), std::string(kChannel), "m"});
  };
  EXPECT_EQ(put(2000), std::vector<std::string>{"1"});
  EXPECT_EQ(put(1000), std::vector<std::string>{"0"});  // older: refused
  auto stored = redis_->command({"HGET", key, field});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(decode_record(stored.front())->updated_ms, 2000);
  // The del script removes only the value it was told, unless told "".
  EXPECT_EQ(redis_->command({"EVAL", del_script().source, "1", key, field, "other value",
                             std::string(kChannel), "m"}),
            std::vector<std::string>{"0"});
  EXPECT_EQ(redis_->command({"EVAL", del_script().source, "1", key, field, "",
                             std::string(kChannel), "m"}),
            std::vector<std::string>{"1"});
}

}  // namespace
}  // namespace callplan::cluster
