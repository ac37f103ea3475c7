// AuthThrottle with made-up times: per source and per source+username, window, back-off,
// bounds, and no lock-out of a user from elsewhere.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sip/security/auth_throttle.hpp"

namespace callplan::sip {
namespace {

using namespace std::chrono_literals;
using TimePoint = AuthThrottle::TimePoint;

const TimePoint t0 = TimePoint{} + 1000h;
// The source threshold equals the pair's here, so the source rules are tested with few tries.
const ThrottlePolicy kPolicy{
    .max_failures = 3, .max_source_failures = 3, .window = 60s, .block_for = 300s};
// As served: a source may fail for several users before it is blocked as a whole.
const ThrottlePolicy kPairs{
    .max_failures = 3, .max_source_failures = 10, .window = 60s, .block_for = 300s};

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
  // The second block of the same source lasts twice as long (back-off).
  EXPECT_EQ(throttle.last_block(), 600s);
  EXPECT_TRUE(throttle.blocked(source, "", t0 + 901s));
  EXPECT_FALSE(throttle.blocked(source, "", t0 + 902s));
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

TEST(AuthThrottle, NeverLocksAUserOutFromAnotherAddress) {
  // Guesses from many sources, all on one username: nobody can lock that user out, so the
  // user's own phone, from its own address, is never blocked (issue 18.5).
  AuthThrottle throttle(kPairs);
  for (std::uint32_t i = 0; i < 50; ++i)
    for (int k = 0; k < 3; ++k) throttle.failed(nth_v4(i), "1001", t0);
  EXPECT_FALSE(throttle.blocked(addr("192.0.2.99"), "1001", t0 + 1s));
  EXPECT_TRUE(throttle.blocked(nth_v4(1), "1001", t0 + 1s));  // each guessing pair is
}

TEST(AuthThrottle, BlocksAPairWithoutBlockingItsSourceForOtherUsers) {
  // One phone with a wrong password behind an office NAT: blocked for its own username only;
  // the office's other phones (same address, other usernames) keep registering.
  AuthThrottle throttle(kPairs);
  const auto office = addr("198.51.100.4");
  EXPECT_FALSE(throttle.failed(office, "1001", t0));
  EXPECT_FALSE(throttle.failed(office, "1001", t0));
  EXPECT_TRUE(throttle.failed(office, "1001", t0));
  EXPECT_EQ(throttle.last_block(), 300s);
  EXPECT_TRUE(throttle.blocked(office, "1001", t0 + 1s));
  EXPECT_FALSE(throttle.blocked(office, "1002", t0 + 1s));
  EXPECT_FALSE(throttle.blocked(office, "", t0 + 1s));
  EXPECT_FALSE(throttle.blocked(addr("192.0.2.99"), "1001", t0 + 1s));
}

TEST(AuthThrottle, BlocksASourceThatGuessesManyUsernames) {
  AuthThrottle throttle(kPairs);
  const auto scanner = addr("203.0.113.9");
  int starts = 0;
  for (int i = 0; i < 10; ++i)
    starts += throttle.failed(scanner, "user" + std::to_string(i), t0) ? 1 : 0;
  EXPECT_EQ(starts, 1);
  EXPECT_TRUE(throttle.blocked(scanner, "someone-else", t0 + 1s));
}

TEST(AuthThrottle, BackOffGrowsForTheSameKeyUpToTheMaximum) {
  ThrottlePolicy policy = kPairs;
  policy.max_block = 1000s;
  AuthThrottle throttle(policy);
  const auto source = addr("203.0.113.9");
  TimePoint now = t0;
  std::vector<std::chrono::seconds> lengths;
  for (int block = 0; block < 4; ++block) {
    for (int i = 0; i < 3; ++i) throttle.failed(source, "1001", now);
    lengths.push_back(throttle.last_block());
    now += throttle.last_block();
    EXPECT_FALSE(throttle.blocked(source, "1001", now));
  }
  EXPECT_EQ(lengths, (std::vector<std::chrono::seconds>{300s, 600s, 1000s, 1000s}));
  // Another pair starts at the first length.
  for (int i = 0; i < 3; ++i) throttle.failed(source, "1002", now);
  EXPECT_EQ(throttle.last_block(), 300s);
}

TEST(AuthThrottle, SuccessResetsThePairsBackOff) {
  AuthThrottle throttle(kPairs);
  const auto source = addr("192.0.2.7");
  for (int i = 0; i < 3; ++i) throttle.failed(source, "1001", t0);
  throttle.succeeded(source, "1001");  // the owner fixed the password
  for (int i = 0; i < 3; ++i) throttle.failed(source, "1001", t0 + 400s);
  EXPECT_EQ(throttle.last_block(), 300s);
}

TEST(AuthThrottle, TreatsUnknownAndKnownUsernamesAlike) {
  // The throttle has no user list; any name is counted the same way (svwar learns nothing).
  AuthThrottle a(kPairs);
  AuthThrottle b(kPairs);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(a.failed(addr("192.0.2.1"), "1001", t0),
              b.failed(addr("192.0.2.1"), "no-such-user-9999", t0));
  EXPECT_TRUE(a.blocked(addr("192.0.2.1"), "1001", t0));
  EXPECT_TRUE(b.blocked(addr("192.0.2.1"), "no-such-user-9999", t0));
}

TEST(AuthThrottle, CountsTheEmptyUsernameForTheSourceOnly) {
  AuthThrottle throttle(kPairs);
  for (std::uint32_t i = 0; i < 10; ++i) throttle.failed(nth_v4(i), "", t0);
  EXPECT_FALSE(throttle.blocked(addr("192.0.2.99"), "", t0));
  EXPECT_EQ(throttle.tracked_pairs(), 0u);
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
  EXPECT_LE(throttle.tracked_sources(), 300u);
  EXPECT_LE(throttle.tracked_pairs(), 300u);
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
  // The attacker's guesses never block the user it named for anyone else.
  EXPECT_FALSE(throttle.blocked(addr("192.0.2.1"), "1001", t0 + 2s));
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
