// RateLimiter with made-up times: burst, refill, the bound on the table, IPv6.
#include <chrono>

#include <gtest/gtest.h>

#include "sip/security/rate_limiter.hpp"

namespace callplan::sip {
namespace {

using namespace std::chrono_literals;
using TimePoint = RateLimiter::TimePoint;

const TimePoint t0 = TimePoint{} + 1000h;

asio::ip::address addr(const char* text) { return asio::ip::make_address(text); }

int allowed(RateLimiter& limiter, const asio::ip::address& source, int tries, TimePoint now) {
  int n = 0;
  for (int i = 0; i < tries; ++i) n += limiter.allow(source, now) ? 1 : 0;
  return n;
}

TEST(RateLimiter, AllowsTheBurstThenRefusesWhenTheBucketIsEmpty) {
  RateLimiter limiter({.rate = 10, .burst = 5});
  EXPECT_EQ(allowed(limiter, addr("192.0.2.7"), 5, t0), 5);
  EXPECT_FALSE(limiter.allow(addr("192.0.2.7"), t0));
  EXPECT_FALSE(limiter.allow(addr("192.0.2.7"), t0 + 50ms));  // half a token
}

TEST(RateLimiter, RefillsAtTheRate) {
  RateLimiter limiter({.rate = 10, .burst = 5});
  ASSERT_EQ(allowed(limiter, addr("192.0.2.7"), 5, t0), 5);
  EXPECT_TRUE(limiter.allow(addr("192.0.2.7"), t0 + 100ms));  // exactly one token
  EXPECT_FALSE(limiter.allow(addr("192.0.2.7"), t0 + 100ms));
  EXPECT_EQ(allowed(limiter, addr("192.0.2.7"), 10, t0 + 400ms), 3);
}

TEST(RateLimiter, NeverHoldsMoreThanTheBurst) {
  RateLimiter limiter({.rate = 10, .burst = 5});
  ASSERT_TRUE(limiter.allow(addr("192.0.2.7"), t0));
  EXPECT_EQ(allowed(limiter, addr("192.0.2.7"), 100, t0 + 1h), 5);
}

TEST(RateLimiter, EnforcesTheSustainedRate) {
  // 2000 requests over 2 s against 100/s with a burst of 10: 10 + 2 s * 100/s pass.
  RateLimiter limiter({.rate = 100, .burst = 10});
  int n = 0;
  for (int i = 0; i <= 2000; ++i) n += limiter.allow(addr("192.0.2.7"), t0 + i * 1ms) ? 1 : 0;
  EXPECT_EQ(n, 210);
}

TEST(RateLimiter, GivesEachSourceItsOwnBucket) {
  RateLimiter limiter({.rate = 1, .burst = 2});
  EXPECT_EQ(allowed(limiter, addr("192.0.2.7"), 5, t0), 2);
  EXPECT_EQ(allowed(limiter, addr("192.0.2.8"), 5, t0), 2);
  EXPECT_EQ(allowed(limiter, addr("2001:db8::7"), 5, t0), 2);
  EXPECT_EQ(allowed(limiter, addr("2001:db8::8"), 5, t0), 2);
  EXPECT_EQ(limiter.tracked_sources(), 4u);
}

TEST(RateLimiter, CountsAnIpv4MappedAddressAsItsIpv4Address) {
  RateLimiter limiter({.rate = 1, .burst = 2});
  EXPECT_EQ(allowed(limiter, addr("192.0.2.7"), 1, t0), 1);
  EXPECT_EQ(allowed(limiter, addr("::ffff:192.0.2.7"), 5, t0), 1);
  EXPECT_EQ(limiter.tracked_sources(), 1u);
}

TEST(RateLimiter, EvictsTheLeastRecentlySeenSourceWhenFull) {
  RateLimiter limiter({.rate = 1, .burst = 2, .max_sources = 3});
  ASSERT_EQ(allowed(limiter, addr("192.0.2.1"), 2, t0), 2);  // drained
  ASSERT_EQ(allowed(limiter, addr("192.0.2.2"), 2, t0), 2);  // drained
  ASSERT_EQ(allowed(limiter, addr("192.0.2.3"), 1, t0), 1);
  ASSERT_FALSE(limiter.allow(addr("192.0.2.1"), t0));  // .1 is now the most recent
  ASSERT_TRUE(limiter.allow(addr("192.0.2.4"), t0));   // evicts .2
  EXPECT_EQ(limiter.tracked_sources(), 3u);
  EXPECT_FALSE(limiter.allow(addr("192.0.2.1"), t0));  // kept: still drained
  EXPECT_EQ(allowed(limiter, addr("192.0.2.2"), 5, t0), 2);  // forgotten: a fresh bucket
}

TEST(RateLimiter, StaysBoundedUnderAFloodOfSpoofedSources) {
  RateLimiter limiter({.rate = 1, .burst = 1, .max_sources = 1000});
  for (std::uint32_t i = 0; i < 20000; ++i) {
    limiter.allow(asio::ip::address_v4(0x0a000000u + i), t0);
    asio::ip::address_v6::bytes_type bytes{0x20, 0x01, 0x0d, 0xb8};
    bytes[12] = static_cast<unsigned char>(i >> 24);
    bytes[13] = static_cast<unsigned char>(i >> 16);
    bytes[14] = static_cast<unsigned char>(i >> 8);
    bytes[15] = static_cast<unsigned char>(i);
    limiter.allow(asio::ip::address_v6(bytes), t0);
  }
  EXPECT_EQ(limiter.tracked_sources(), 1000u);
}

TEST(RateLimiter, RefillsNothingWhenTimeGoesBack) {
  RateLimiter limiter({.rate = 10, .burst = 1});
  ASSERT_TRUE(limiter.allow(addr("192.0.2.7"), t0));
  EXPECT_FALSE(limiter.allow(addr("192.0.2.7"), t0 - 1h));
  EXPECT_FALSE(limiter.allow(addr("192.0.2.7"), t0 + 50ms));
  EXPECT_TRUE(limiter.allow(addr("192.0.2.7"), t0 + 100ms));
}

}  // namespace
}  // namespace callplan::sip

namespace callplan::sip {
namespace {

TEST(RateLimiter, GivesEachEndpointOfOneAddressItsOwnBucket) {
  // Two phones behind one NAT: one floods, the other keeps its budget.
  RateLimiter limiter({.rate = 10, .burst = 5});
  const auto office = addr("198.51.100.4");
  int flooder = 0;
  for (int i = 0; i < 1000; ++i) flooder += limiter.allow(office, 40001, t0) ? 1 : 0;
  EXPECT_EQ(flooder, 5);
  EXPECT_TRUE(limiter.allow(office, 40002, t0));
  EXPECT_EQ(limiter.tracked_sources(), 2u);
  // The address-wide key (port 0) is a bucket of its own too.
  EXPECT_TRUE(limiter.allow(office, t0));
}

TEST(AccountRateLimiter, GivesEachDeviceItsOwnBudgetThatRefillsAtTheRate) {
  AccountRateLimiter limiter({.rate = 2, .burst = 4});
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.allow("acme-anna-laptop", t0)) << i;
  EXPECT_FALSE(limiter.allow("acme-anna-laptop", t0));
  EXPECT_TRUE(limiter.allow("acme-bram-desk", t0));  // a colleague keeps a full bucket
  EXPECT_FALSE(limiter.allow("acme-anna-laptop", t0 + 400ms));  // 0.8 of a token
  EXPECT_TRUE(limiter.allow("acme-anna-laptop", t0 + 500ms));
  EXPECT_EQ(limiter.tracked_accounts(), 2u);
}

TEST(AccountRateLimiter, StaysBoundedAndForgetsTheLeastRecentlySeenDevice) {
  AccountRateLimiter limiter({.rate = 1, .burst = 1, .max_sources = 2});
  EXPECT_TRUE(limiter.allow("a", t0));
  EXPECT_FALSE(limiter.allow("a", t0));
  EXPECT_TRUE(limiter.allow("b", t0));
  EXPECT_TRUE(limiter.allow("c", t0));  // "a" is evicted: it comes back with a full bucket
  EXPECT_EQ(limiter.tracked_accounts(), 2u);
  EXPECT_TRUE(limiter.allow("a", t0));
}

}  // namespace
}  // namespace callplan::sip
