// The state keeper between the location service / routing state and the state store: what a
// REGISTER, an expiry and a round-robin move enqueue, and what a restart brings back (a real
// SQLite store in a temporary directory, closed and opened again as a restart would).
#include "sip/server/state_keeper.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "../registrar/register_request.hpp"
#include "sip/registrar/registrar.hpp"

namespace callplan::sip {
namespace {

using std::chrono::seconds;
using Steady = StateKeeper::SteadyTime;
using Wall = StateKeeper::WallTime;

class TempDir {
 public:
  TempDir() {
    std::string pattern = std::filesystem::temp_directory_path() / "callplan-keeper-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

const Steady kSteady0 = Steady{} + std::chrono::hours(100);
const Wall kWall0 = Wall{} + std::chrono::hours(500'000);  // 2027

Peer phone(std::uint16_t port, Protocol protocol = Protocol::udp) {
  return Peer{.protocol = protocol, .address = asio::ip::make_address("192.0.2.10"), .port = port};
}

// One server life: a location service and registrar wired to a keeper, as server.cpp does.
struct Life {
  explicit Life(const std::filesystem::path& dir, Steady steady, Wall wall)
      : keeper(dir, nullptr), registrar(location), steady_now(steady), wall_now(wall) {
    restored = keeper.restore(
        location,
        [this](std::string_view company) { return company == "acme" ? &routing : nullptr; },
        steady_now, wall_now);
    location.on_bindings([this](std::string_view user, std::span<const Binding> stored) {
      keeper.bindings_changed("acme", user, stored, steady_now, wall_now);
    });
  }
  int reg(std::string_view user, const std::string& contact, const Peer& from, unsigned cseq,
          std::string expires = "300") {
    test::RegisterSpec spec;
    spec.user = std::string(user);
    spec.contacts = {"<" + contact + ">"};
    spec.expires = std::move(expires);
    spec.cseq = cseq;
    spec.call_id = "reg-" + std::string(user);
    const test::ParsedRequest request = test::make_register(spec);
    return registrar.handle(request.message, user, from, steady_now).status;
  }

  StateKeeper keeper;
  Location location;
  Registrar registrar;
  RoutingState routing;
  RestoredState restored;
  Steady steady_now;
  Wall wall_now;
};

TEST(SipStateKeeper, WallClockConversionKeepsTheRemainingTime) {
  const Steady expires = kSteady0 + seconds(300);
  const Wall wall = to_wall(expires, kSteady0, kWall0);
  EXPECT_EQ(wall, kWall0 + seconds(300));
  // After a reboot the steady clock starts elsewhere; the remaining time is what counts.
  const Steady other = Steady{} + seconds(5);
  EXPECT_EQ(to_steady(wall, other, kWall0 + seconds(100)), other + seconds(200));
}

TEST(SipStateKeeper, RegistrationsComeBackWithTheirRemainingExpiryAndFlow) {
  TempDir dir;
  {
    Life life(dir.path(), kSteady0, kWall0);
    ASSERT_EQ(life.reg("acme-desk", "sip:desk@192.0.2.10:5062", phone(5062), 1), 200);
    ASSERT_EQ(life.reg("acme-mobile", "sip:mobile@192.0.2.10:5064", phone(5064), 1, "3600"), 200);
    ASSERT_TRUE(life.keeper.flush(seconds(5)));
  }
  // Restarted 100 s later, on a machine whose steady clock started anew.
  const Steady steady = Steady{} + seconds(7);
  Life life(dir.path(), steady, kWall0 + seconds(100));
  EXPECT_EQ(life.restored.registrations, 2u);
  const auto desk = life.location.lookup("acme-desk", steady);
  ASSERT_EQ(desk.size(), 1u);
  EXPECT_EQ(desk[0]->contact, "sip:desk@192.0.2.10:5062");
  EXPECT_TRUE(desk[0]->source.same_endpoint(phone(5062)));
  EXPECT_EQ(desk[0]->expires, steady + seconds(200));
  EXPECT_EQ(desk[0]->call_id, "reg-acme-desk");
  EXPECT_EQ(life.location.lookup("acme-mobile", steady)[0]->expires, steady + seconds(3500));
  // The CSeq came back too: an old REGISTER replayed after the restart is still refused.
  EXPECT_EQ(life.reg("acme-desk", "sip:desk@192.0.2.10:5062", phone(5062), 1), 500);
}

TEST(SipStateKeeper, ExpiredAndTcpRegistrationsStayBehind) {
  TempDir dir;
  {
    Life life(dir.path(), kSteady0, kWall0);
    ASSERT_EQ(life.reg("acme-desk", "sip:desk@192.0.2.10:5062", phone(5062), 1, "60"), 200);
    ASSERT_EQ(life.reg("acme-tcp", "sip:tcp@192.0.2.10:5070;transport=tcp",
                       phone(5070, Protocol::tcp), 1),
              200);
    ASSERT_EQ(life.reg("acme-mobile", "sip:mobile@192.0.2.10:5064", phone(5064), 1), 200);
    ASSERT_TRUE(life.keeper.flush(seconds(5)));
  }
  Life life(dir.path(), kSteady0 + seconds(61), kWall0 + seconds(61));
  EXPECT_EQ(life.restored.registrations, 1u);
  EXPECT_EQ(life.restored.expired_dropped, 1u);
  EXPECT_EQ(life.restored.connection_dropped, 1u);
  EXPECT_FALSE(life.location.registered("acme-desk", life.steady_now));
  EXPECT_FALSE(life.location.registered("acme-tcp", life.steady_now));
  EXPECT_TRUE(life.location.registered("acme-mobile", life.steady_now));
}

TEST(SipStateKeeper, UnregisteringAndExpiryRemoveFromTheStore) {
  TempDir dir;
  {
    Life life(dir.path(), kSteady0, kWall0);
    ASSERT_EQ(life.reg("acme-desk", "sip:desk@192.0.2.10:5062", phone(5062), 1), 200);
    ASSERT_EQ(life.reg("acme-desk", "sip:desk@192.0.2.10:5062", phone(5062), 2, "0"), 200);
    ASSERT_EQ(life.reg("acme-old", "sip:old@192.0.2.10:5066", phone(5066), 1, "60"), 200);
    life.steady_now += seconds(61);
    life.wall_now += seconds(61);
    life.location.expire(life.steady_now);
    ASSERT_TRUE(life.keeper.flush(seconds(5)));
  }
  // Opened at a time when the expired one would still be live had it not been removed.
  Life life(dir.path(), kSteady0, kWall0);
  EXPECT_EQ(life.restored.registrations, 0u);
  EXPECT_EQ(life.restored.expired_dropped, 0u);
}

TEST(SipStateKeeper, ARepeatOfTheSameBindingsEnqueuesNothing) {
  TempDir dir;
  Life life(dir.path(), kSteady0, kWall0);
  ASSERT_EQ(life.reg("acme-desk", "sip:desk@192.0.2.10:5062", phone(5062), 1), 200);
  ASSERT_EQ(life.reg("acme-mobile", "sip:m@192.0.2.10:5064", phone(5064), 1), 200);
  const auto before = life.keeper.counters().changes_enqueued;
  EXPECT_EQ(before, 2u);
  // Another username's change (and an expiry sweep that removes nothing) leave desk alone.
  life.location.expire(life.steady_now);
  life.keeper.bindings_changed("acme", "acme-desk", life.location.stored("acme-desk"),
                               life.steady_now, life.wall_now);
  EXPECT_EQ(life.keeper.counters().changes_enqueued, before);
  // A refresh is a change (new expiry and CSeq).
  life.steady_now += seconds(10);
  ASSERT_EQ(life.reg("acme-desk", "sip:desk@192.0.2.10:5062", phone(5062), 2), 200);
  EXPECT_EQ(life.keeper.counters().changes_enqueued, before + 1);
}

// The keeper's mirror of the store is built by restore(): after a restart, a kept phone that
// unregisters (or swaps contacts) is removed from the store too, and one whose bindings did
// not change enqueues nothing.
TEST(SipStateKeeper, WhatCameBackIsKeptInStepAfterTheRestart) {
  TempDir dir;
  {
    Life life(dir.path(), kSteady0, kWall0);
    ASSERT_EQ(life.reg("acme-desk", "sip:desk@192.0.2.10:5062", phone(5062), 1), 200);
    ASSERT_EQ(life.reg("acme-soft", "sip:soft@192.0.2.10:5064", phone(5064), 1), 200);
    ASSERT_EQ(life.reg("acme-mobile", "sip:m@192.0.2.10:5068", phone(5068), 1), 200);
    ASSERT_TRUE(life.keeper.flush(seconds(5)));
  }
  {
    Life life(dir.path(), kSteady0 + seconds(5), kWall0 + seconds(5));
    ASSERT_EQ(life.restored.registrations, 3u);
    life.keeper.bindings_changed("acme", "acme-mobile", life.location.stored("acme-mobile"),
                                 life.steady_now, life.wall_now);
    EXPECT_EQ(life.keeper.counters().changes_enqueued, 0u);  // as it came back: nothing
    ASSERT_EQ(life.reg("acme-desk", "sip:desk@192.0.2.10:5062", phone(5062), 2, "0"), 200);
    // The soft phone moves to another port: the old contact goes, the new one is kept.
    ASSERT_EQ(life.reg("acme-soft", "sip:soft@192.0.2.10:5064", phone(5064), 2, "0"), 200);
    ASSERT_EQ(life.reg("acme-soft", "sip:soft@192.0.2.10:5066", phone(5066), 3), 200);
    ASSERT_TRUE(life.keeper.flush(seconds(5)));
  }
  Life life(dir.path(), kSteady0 + seconds(10), kWall0 + seconds(10));
  EXPECT_EQ(life.restored.registrations, 2u);
  EXPECT_TRUE(life.location.stored("acme-desk").empty());
  ASSERT_EQ(life.location.stored("acme-soft").size(), 1u);
  EXPECT_EQ(life.location.stored("acme-soft")[0].contact, "sip:soft@192.0.2.10:5066");
  EXPECT_EQ(life.location.stored("acme-mobile").size(), 1u);
}

TEST(SipStateKeeper, RoundRobinPositionsOfTheCompanyComeBack) {
  TempDir dir;
  {
    Life life(dir.path(), kSteady0, kWall0);
    life.routing.set_round_robin("main/1", "102");
    life.keeper.routing_state_changed("acme", life.routing);
    life.routing.set_round_robin("main/1", "103");
    life.routing.set_round_robin("sales/2", "201");
    life.keeper.routing_state_changed("acme", life.routing);
    const auto enqueued = life.keeper.counters().changes_enqueued;
    life.keeper.routing_state_changed("acme", life.routing);  // nothing moved
    EXPECT_EQ(life.keeper.counters().changes_enqueued, enqueued);
    RoutingState other;
    other.set_round_robin("main/1", "900");
    life.keeper.routing_state_changed("globex", other);
    ASSERT_TRUE(life.keeper.flush(seconds(5)));
  }
  Life life(dir.path(), kSteady0, kWall0);
  EXPECT_EQ(life.restored.round_robin, 2u);
  EXPECT_EQ(life.routing.round_robin("main/1"), "103");
  EXPECT_EQ(life.routing.round_robin("sales/2"), "201");
}

TEST(SipStateKeeper, ASecondServerOnTheSameDirectoryIsRefused) {
  TempDir dir;
  StateKeeper first(dir.path(), nullptr);
  try {
    StateKeeper second(dir.path(), nullptr);
    FAIL() << "a second keeper opened a locked directory";
  } catch (const state::StoreError& e) {
    EXPECT_EQ(std::string(e.code()), "state-locked");
  }
}

}  // namespace
}  // namespace callplan::sip
