// AuthThrottle with made-up times: per source and per username, window, block, bounds.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "sip/security/auth_throttle.hpp"

namespace callplan::sip {
namespace {

using namespace std::chrono_literals;
using TimePoint = AuthThrottle::TimePoint;

const TimePoint t0 = TimePoint{} + 1000h;
const ThrottlePolicy kPolicy{.max_failures = 3, .window = 60s, .block_for = 300s};

asio::ip::address addr(const char* text) { return asio::ip::make_address(text); }
asio::ip::address nth_v4(std::uint32_t i) { return asio::ip::address_v4(0x0a000000u + i); }

TEST(AuthThrottle, BlocksASourceAfterMaxFailuresWithinTheWindow) {
  AuthThrottle throttle(kPolicy);
  const auto source = addr("192.0.2.7");
  EXPECT_FALSE(throttle.failed(source, "1001", t0));
  EXPECT_FALSE(throttle.failed(source, "1002", t0 + 1s));
  EXPECT_FALSE(throttle.blocked(source, "1003", t0 + 1s));
  EXPECT_TRUE(throttle.failed(source, "1003", t0 + 2s));  // the block starts
  // Blocked whatever username it uses next, including none.
  EXPECT_TRUE(throttle.blocked(source, "1004", t0 + 2s));
  EXPECT_TRUE(throttle.blocked(source, "", t0 + 2s));
  EXPECT_FALSE(throttle.blocked(addr("192.0.2.8"), "1004", t0 + 2s));
}

TEST(AuthThrottle, ReportsABlockStartOnlyOnce) {
  AuthThrottle throttle(kPolicy);
  const auto source = addr("192.0.2.7");
  int starts = 0;
  for (int i = 0; i < 10; ++i) starts += throttle.failed(source, "x", t0 + i * 1s) ? 1 : 0;
  EXPECT_EQ(starts, 1);
}

TEST(AuthThrottle, EndsTheBlockAfterBlockForAndCountsAfreshThen) {
  AuthThrottle throttle(kPolicy);
  const auto source = addr("192.0.2.7");
  for (int i = 0; i < 3; ++i) throttle.failed(source, "", t0);
  EXPECT_FALSE(throttle.failed(source, "", t0 + 10s));  // while blocked: neither counts nor extends
  EXPECT_TRUE(throttle.blocked(source, "", t0 + 299s));
  EXPECT_FALSE(throttle.blocked(source, "", t0 + 300s));
  EXPECT_FALSE(throttle.failed(source, "", t0 + 300s));
  EXPECT_FALSE(throttle.failed(source, "", t0 + 301s));
  EXPECT_TRUE(throttle.failed(source, "", t0 + 302s));
  EXPECT_TRUE(throttle.blocked(source, "", t0 + 601s));
  EXPECT_FALSE(throttle.blocked(source, "", t0 + 602s));
}

TEST(AuthThrottle, ForgetsFailuresOlderThanTheWindow) {
  AuthThrottle throttle(kPolicy);
  const auto source = addr("192.0.2.7");
  EXPECT_FALSE(throttle.failed(source, "", t0));
  EXPECT_FALSE(throttle.failed(source, "", t0 + 30s));
  EXPECT_FALSE(throttle.failed(source, "", t0 + 60s));  // a new window, count 1
  EXPECT_FALSE(throttle.failed(source, "", t0 + 61s));
  EXPECT_FALSE(throttle.blocked(source, "", t0 + 61s));
  EXPECT_TRUE(throttle.failed(source, "", t0 + 62s));
}

TEST(AuthThrottle, BlocksAUsernameForEverySource) {
  // A distributed guesser: one failure per source, all on the same username.
  AuthThrottle throttle(kPolicy);
  EXPECT_FALSE(throttle.failed(nth_v4(1), "1001", t0));
  EXPECT_FALSE(throttle.failed(nth_v4(2), "1001", t0));
  EXPECT_TRUE(throttle.failed(nth_v4(3), "1001", t0));
  EXPECT_TRUE(throttle.blocked(addr("192.0.2.99"), "1001", t0 + 1s));
  EXPECT_FALSE(throttle.blocked(addr("192.0.2.99"), "1002", t0 + 1s));
  EXPECT_FALSE(throttle.blocked(nth_v4(1), "1002", t0 + 1s));  // the sources are not blocked
  EXPECT_FALSE(throttle.blocked(addr("192.0.2.99"), "1001", t0 + 300s));
}

TEST(AuthThrottle, TreatsUnknownAndKnownUsernamesAlike) {
  // The throttle has no user list; any name is counted the same way (svwar learns nothing).
  AuthThrottle a(kPolicy);
  AuthThrottle b(kPolicy);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(a.failed(nth_v4(static_cast<std::uint32_t>(i)), "1001", t0),
              b.failed(nth_v4(static_cast<std::uint32_t>(i)), "no-such-user-9999", t0));
  }
  EXPECT_TRUE(a.blocked(addr("192.0.2.1"), "1001", t0));
  EXPECT_TRUE(b.blocked(addr("192.0.2.1"), "no-such-user-9999", t0));
}

TEST(AuthThrottle, NeverBlocksTheEmptyUsername) {
  AuthThrottle throttle(kPolicy);
  for (std::uint32_t i = 0; i < 10; ++i) throttle.failed(nth_v4(i), "", t0);
  EXPECT_FALSE(throttle.blocked(addr("192.0.2.99"), "", t0));
  EXPECT_EQ(throttle.tracked_usernames(), 0u);
}

TEST(AuthThrottle, SuccessClearsTheCountsOfSourceAndUsername) {
  AuthThrottle throttle(kPolicy);
  const auto source = addr("192.0.2.7");
  throttle.failed(source, "1001", t0);
  throttle.failed(source, "1001", t0);
  throttle.succeeded(source, "1001");
  EXPECT_FALSE(throttle.failed(source, "1001", t0 + 1s));
  EXPECT_FALSE(throttle.failed(source, "1001", t0 + 1s));
  EXPECT_FALSE(throttle.blocked(source, "1001", t0 + 1s));
  EXPECT_TRUE(throttle.failed(source, "1001", t0 + 1s));
}

TEST(AuthThrottle, SuccessDoesNotLiftABlock) {
  // An attacker with one valid account must not unblock its source by logging in with it.
  AuthThrottle throttle(kPolicy);
  const auto source = addr("192.0.2.7");
  for (int i = 0; i < 3; ++i) throttle.failed(source, "1001", t0);
  throttle.succeeded(source, "1002");
  EXPECT_TRUE(throttle.blocked(source, "1002", t0 + 1s));
}

TEST(AuthThrottle, CountsAnIpv4MappedAddressAsItsIpv4AddressAndKeepsIpv6Apart) {
  AuthThrottle throttle(kPolicy);
  throttle.failed(addr("192.0.2.7"), "", t0);
  throttle.failed(addr("::ffff:192.0.2.7"), "", t0);
  EXPECT_TRUE(throttle.failed(addr("192.0.2.7"), "", t0));
  EXPECT_TRUE(throttle.blocked(addr("::ffff:192.0.2.7"), "", t0));

  for (int i = 0; i < 3; ++i) throttle.failed(addr("2001:db8::7"), "", t0);
  EXPECT_TRUE(throttle.blocked(addr("2001:db8::7"), "", t0));
  EXPECT_FALSE(throttle.blocked(addr("2001:db8::8"), "", t0));
}

TEST(AuthThrottle, StaysBoundedUnderAFloodOfSpoofedFailures) {
  ThrottlePolicy policy = kPolicy;
  policy.max_entries = 100;
  AuthThrottle throttle(policy);
  for (std::uint32_t i = 0; i < 20000; ++i) {
    throttle.failed(nth_v4(i), "user" + std::to_string(i), t0);
  }
  EXPECT_LE(throttle.tracked_sources(), 200u);
  EXPECT_LE(throttle.tracked_usernames(), 200u);
}

TEST(AuthThrottle, KeepsABlockWhileSpoofedFailuresFillTheCountingTable) {
  ThrottlePolicy policy = kPolicy;
  policy.max_entries = 100;
  AuthThrottle throttle(policy);
  const auto attacker = addr("198.51.100.66");
  for (int i = 0; i < 3; ++i) throttle.failed(attacker, "1001", t0);
  ASSERT_TRUE(throttle.blocked(attacker, "", t0));
  for (std::uint32_t i = 0; i < 20000; ++i) {
    throttle.failed(nth_v4(i), "user" + std::to_string(i), t0 + 1s);
  }
  EXPECT_TRUE(throttle.blocked(attacker, "", t0 + 2s));
  EXPECT_TRUE(throttle.blocked(addr("192.0.2.1"), "1001", t0 + 2s));
}

TEST(AuthThrottle, DropsTheBlockClosestToItsEndWhenTheBlockedTableIsFull) {
  ThrottlePolicy policy = kPolicy;
  policy.max_entries = 2;
  AuthThrottle throttle(policy);
  auto block = [&](const char* source, TimePoint when) {
    for (int i = 0; i < 3; ++i) throttle.failed(addr(source), "", when);
  };
  block("192.0.2.1", t0);
  block("192.0.2.2", t0 + 10s);
  block("192.0.2.3", t0 + 20s);
  EXPECT_FALSE(throttle.blocked(addr("192.0.2.1"), "", t0 + 21s));
  EXPECT_TRUE(throttle.blocked(addr("192.0.2.2"), "", t0 + 21s));
  EXPECT_TRUE(throttle.blocked(addr("192.0.2.3"), "", t0 + 21s));
}

}  // namespace
}  // namespace callplan::sip
