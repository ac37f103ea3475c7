// sip/security/rate_limiter.hpp — per-source request rate limit: a token bucket per source
// address (port ignored: one host, one budget), in a bounded table.
//
//   RateLimiter limiter({.rate = 200, .burst = 400});
//   if (!limiter.allow(from.address, now)) drop (and count it);
//
// The table holds at most `max_sources` addresses; when full, the least recently seen source
// is evicted, so a flood of spoofed addresses costs memory bounded by max_sources. An evicted
// source comes back with a full bucket: eviction can only make the limit more lenient, never
// refuse a host that stayed within it. An IPv4-mapped IPv6 address counts as its IPv4 address.
// The table is keyed with a secret hash (keyed_hash.hpp), so chosen addresses cannot flood a
// hash bucket. allow() is O(1) on average.
//
// Thread safety: none; one limiter per event loop. `now` must come from one monotonic clock
// (an earlier `now` than a source's last one refills nothing).
#pragma once

#include <chrono>
#include <cstdint>

#include <asio/ip/address.hpp>

#include "sip/security/keyed_hash.hpp"
#include "sip/security/lru_table.hpp"

namespace callplan::sip {

struct RateLimit {
  double rate = 500;      // requests per second, sustained
  double burst = 1000;    // bucket size
  std::size_t max_sources = 65536;
};

class RateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  explicit RateLimiter(RateLimit limit = {});
  // Takes one token for `source`; false when its bucket is empty (less than one token). A source
  // seen for the first time starts with a full bucket of `burst` tokens.
  bool allow(const asio::ip::address& source, TimePoint now);
  std::size_t tracked_sources() const;
  const RateLimit& limit() const noexcept { return limit_; }

 private:
  struct Bucket {
    double tokens;   // may be fractional: refill is continuous
    TimePoint last;  // when `tokens` was last brought up to date
  };
  RateLimit limit_;
  LruTable<asio::ip::address, Bucket, SourceHash> buckets_;
};

}  // namespace callplan::sip
