// sip/security/auth_throttle.hpp — repeated authentication failures are throttled per source
// address and per username (known or not: the same rules for both, so the throttle does not
// tell them apart).
//
// After `max_failures` failures within `window` from one source (or for one username), that
// source (or username) is blocked for `block_for`: the server keeps challenging its requests
// but verifies nothing (no hash is computed), so a guesser cannot even tell it is blocked.
// Tables are bounded.
//
//   if (throttle.blocked(from.address, username, now)) -> challenge again, log "blocked"
//   on failure: throttle.failed(from.address, username, now); log the failure
//   on success: throttle.succeeded(from.address, username)
//
// Details the server relies on:
// - The window is fixed, not sliding: it opens at the first failure and, once `window` has
//   passed, the next failure opens a new one with a count of 1.
// - A block runs for exactly `block_for` from the failure that started it; failures reported
//   while blocked neither count nor extend it; success does not lift it.
// - An empty username ("no credentials yet") is never counted or blocked per username: else
//   max_failures requests with `username=""` would lock every new client out.
// - An IPv4-mapped IPv6 address counts as its IPv4 address.
// - Each of the four tables (counting and blocked, per source and per username) holds at most
//   `max_entries` keys. A full counting table forgets its least recently failed key (that key
//   loses at most max_failures - 1 counted failures). Blocks live in their own tables, so
//   failures from many (spoofed) sources cannot push a block out; a full blocked table drops
//   expired blocks first, then the one closest to its end.
// - Keys are hashed with a secret key (keyed_hash.hpp); every call is O(1) on average.
//
// Thread safety: none; one throttle per event loop. `now` must come from one monotonic clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <asio/ip/address.hpp>

#include "sip/security/keyed_hash.hpp"
#include "sip/security/lru_table.hpp"

namespace callplan::sip {

struct ThrottlePolicy {
  std::uint32_t max_failures = 5;
  std::chrono::seconds window{60};
  std::chrono::seconds block_for{300};
  std::size_t max_entries = 65536;
};

class AuthThrottle {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  explicit AuthThrottle(ThrottlePolicy policy = {});

  bool blocked(const asio::ip::address& source, std::string_view username, TimePoint now) const;
  // Records a failure; returns true when this failure starts a block (log it once).
  bool failed(const asio::ip::address& source, std::string_view username, TimePoint now);
  void succeeded(const asio::ip::address& source, std::string_view username);

  const ThrottlePolicy& policy() const noexcept { return policy_; }
  // Keys currently counted or blocked (for tests and statistics).
  std::size_t tracked_sources() const noexcept;
  std::size_t tracked_usernames() const noexcept;

 private:
  struct Failures {
    std::uint32_t count = 0;
    TimePoint window_start{};
  };
  // One key space (sources or usernames): failures being counted, and blocks running.
  template <class Key, class Hash>
  struct Tracker {
    explicit Tracker(std::size_t max_entries) : counting(max_entries), blocked(max_entries) {}
    bool is_blocked(const Key& key, TimePoint now) const;
    bool fail(const Key& key, TimePoint now, const ThrottlePolicy& policy);
    LruTable<Key, Failures, Hash> counting;
    // Value: end of the block. Every block lasts block_for, so recency order is end order.
    LruTable<Key, TimePoint, Hash> blocked;
  };

  ThrottlePolicy policy_;
  Tracker<asio::ip::address, SourceHash> sources_;
  Tracker<std::string, NameHash> usernames_;
};

}  // namespace callplan::sip
