// sip/security/rate_limiter.hpp — request rate limits: a token bucket per source address, or
// per source endpoint (address and port), in a bounded table.
//
//   RateLimiter per_phone({.rate = 50, .burst = 100});     // keyed by address:port
//   RateLimiter per_host({.rate = 500, .burst = 1000});    // keyed by address
//   if (!per_phone.allow(from.address, from.port, now) || !per_host.allow(from.address, now))
//     drop (and count it);
//
// Why two: the phones of an office behind one NAT share its address but each has its own
// port mapping. A broken phone (one sent 28,000 SUBSCRIBEs a minute) empties its own
// endpoint bucket and is refused there, before it takes anything from the address's bucket,
// so the office's other phones keep their budget (docs/sip-server.md, "Rate limits").
//
// The table holds at most `max_sources` keys; when full, the least recently seen one is
// evicted, so a flood of spoofed addresses costs memory bounded by max_sources. An evicted
// key comes back with a full bucket: eviction can only make the limit more lenient, never
// refuse a host that stayed within it. An IPv4-mapped IPv6 address counts as its IPv4 address.
// The table is keyed with a secret hash (keyed_hash.hpp), so chosen addresses cannot flood a
// hash bucket. allow() is O(1) on average.
//
// Thread safety: none; one limiter per event loop. `now` must come from one monotonic clock
// (an earlier `now` than a key's last one refills nothing).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <asio/ip/address.hpp>

#include "sip/security/keyed_hash.hpp"
#include "sip/security/lru_table.hpp"

namespace callplan::sip {

struct RateLimit {
  double rate = 500;      // requests per second, sustained
  double burst = 1000;    // bucket size
  std::size_t max_sources = 65536;
};

// A token bucket: `tokens` refill continuously at the limit's rate up to its burst.
struct TokenBucket {
  using TimePoint = std::chrono::steady_clock::time_point;
  double tokens;   // may be fractional: refill is continuous
  TimePoint last;  // when `tokens` was last brought up to date
  // Refills up to `now` (unless `fresh`: a bucket just made full), then takes one token;
  // false when less than one is left.
  bool take(const RateLimit& limit, TimePoint now, bool fresh);
};

class RateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  explicit RateLimiter(RateLimit limit = {});
  // Takes one token for `source`; false when its bucket is empty (less than one token). A source
  // seen for the first time starts with a full bucket of `burst` tokens.
  bool allow(const asio::ip::address& source, TimePoint now) { return allow(source, 0, now); }
  // The same per endpoint: every port of an address has its own bucket (port 0 is the
  // address-wide key of the overload above; use one limiter for one kind of key).
  bool allow(const asio::ip::address& source, std::uint16_t port, TimePoint now);
  std::size_t tracked_sources() const;
  const RateLimit& limit() const noexcept { return limit_; }

 private:
  using Bucket = TokenBucket;
  struct Endpoint {
    asio::ip::address address;
    std::uint16_t port = 0;
    bool operator==(const Endpoint&) const = default;
  };
  struct EndpointHash {  // SipHash of the address bytes and the port (keyed_hash.hpp)
    std::size_t operator()(const Endpoint& e) const noexcept;
  };
  RateLimit limit_;
  LruTable<Endpoint, Bucket, EndpointHash> buckets_;
};

// The same per account: one bucket per authenticated device (its SIP username, unique across
// the companies served), whatever address or port its requests come from. Checked after
// digest authentication, so only a device's own credentials spend its budget: a phone in a
// reconnect loop (a new TCP connection, so a new port, each time) is held back without
// touching its office's address budget, and nobody can drain another device's bucket without
// its password (docs/sip-server.md, "Rate limits").
class AccountRateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  explicit AccountRateLimiter(RateLimit limit = {});
  bool allow(std::string_view username, TimePoint now);
  std::size_t tracked_accounts() const { return buckets_.size(); }

 private:
  RateLimit limit_;
  LruTable<std::string, TokenBucket, NameHash> buckets_;  // NameHash: keyed_hash.hpp
};

}  // namespace callplan::sip
