// sip/security/auth_throttle.hpp — repeated authentication failures are throttled per source
// address and username together, and per source address (known or unknown usernames alike,
// so the throttle does not tell them apart). Never per username alone: anyone can send a
// guess naming any user, so a per-username block would let an attacker lock out a user it
// does not control (docs/sip-server.md, "Throttling").
//
// After `max_failures` failures within `window` from one source for one username, that pair
// is blocked; after `max_source_failures` from one source whatever the usernames, the source
// is. A block lasts `block_for`, and twice as long for each block the same key had before
// (up to `max_block`): the back-off grows for the guessing source only. While blocked, the
// server keeps challenging but verifies nothing (no hash is computed), so a guesser cannot
// even tell it is blocked. The server lets a request from the address and port of the
// username's own live binding through (`trusted`): a phone behind the same NAT address as a
// guesser keeps working. Tables are bounded.
//
//   if (throttle.blocked(from.address, username, now)) -> challenge again, log "blocked"
//   on failure: if (throttle.failed(from.address, username, now)) log the block
//               (throttle.last_block() long); log the failure in any case
//   on success: throttle.succeeded(from.address, username)
//
// Details the server relies on:
// - The window is fixed, not sliding: it opens at the first failure and, once `window` has
//   passed, the next failure opens a new one with a count of 1.
// - A block runs for its length from the failure that started it; failures reported while
//   blocked neither count nor extend it; success does not lift it (it clears the pair's
//   counts and its back-off).
// - An empty username ("no credentials yet") counts for the source only.
// - An IPv4-mapped IPv6 address counts as its IPv4 address.
// - Each table (counting, blocked and back-off, per source and per pair) holds at most
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
  std::uint32_t max_failures = 5;          // per source and username together
  std::uint32_t max_source_failures = 20;  // per source, whatever the usernames
  std::chrono::seconds window{60};
  std::chrono::seconds block_for{300};     // the first block of a key; each next one doubles
  std::chrono::seconds max_block{3600};
  std::size_t max_entries = 65536;
};

class AuthThrottle {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  explicit AuthThrottle(ThrottlePolicy policy = {});

  // Is the source, or the source with this username, blocked?
  bool blocked(const asio::ip::address& source, std::string_view username, TimePoint now) const;
  // Records a failure; returns true when this failure starts a block (log it once).
  bool failed(const asio::ip::address& source, std::string_view username, TimePoint now);
  // How long the block that failed() last reported lasts.
  std::chrono::seconds last_block() const noexcept { return last_block_; }
  void succeeded(const asio::ip::address& source, std::string_view username);

  const ThrottlePolicy& policy() const noexcept { return policy_; }
  // Keys currently counted, blocked or backing off (for tests and statistics).
  std::size_t tracked_sources() const noexcept;
  std::size_t tracked_pairs() const noexcept;

 private:
  struct Failures {
    std::uint32_t count = 0;
    TimePoint window_start{};
  };
  // One key space (sources or usernames): failures being counted, and blocks running.
  template <class Key, class Hash>
  struct Tracker {
    explicit Tracker(std::size_t max_entries)
        : counting(max_entries), blocked(max_entries), strikes(max_entries) {}
    bool is_blocked(const Key& key, TimePoint now) const;
    // The length of the block this failure starts, or 0 s when it starts none.
    std::chrono::seconds fail(const Key& key, TimePoint now, std::uint32_t threshold,
                              const ThrottlePolicy& policy);
    std::size_t size() const { return counting.size() + blocked.size() + strikes.size(); }
    LruTable<Key, Failures, Hash> counting;
    // Value: end of the block. Touched when a block starts, so the least recently touched
    // entry is the one that ends first unless back-off made a later one longer.
    LruTable<Key, TimePoint, Hash> blocked;
    LruTable<Key, std::uint32_t, Hash> strikes;  // blocks the key had so far (back-off)
  };
  // "address\nusername": one key for the pair.
  static std::string pair_key(const asio::ip::address& source, std::string_view username);

  ThrottlePolicy policy_;
  Tracker<asio::ip::address, SourceHash> sources_;
  Tracker<std::string, NameHash> pairs_;
  std::chrono::seconds last_block_{0};
};

}  // namespace callplan::sip
