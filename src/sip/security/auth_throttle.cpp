#include "sip/security/auth_throttle.hpp"

#include <algorithm>

namespace callplan::sip {

template <class Key, class Hash>
bool AuthThrottle::Tracker<Key, Hash>::is_blocked(const Key& key, TimePoint now) const {
  const TimePoint* until = blocked.find(key);
  return until != nullptr && now < *until;
}

template <class Key, class Hash>
std::chrono::seconds AuthThrottle::Tracker<Key, Hash>::fail(const Key& key, TimePoint now,
                                                            std::uint32_t threshold,
                                                            const ThrottlePolicy& policy) {
  // The server asks blocked() first, so a failure here while blocked comes from a request that
  // was already in flight; extending the block for it would let late retransmissions stretch it.
  if (is_blocked(key, now)) return std::chrono::seconds{0};
  auto [failures, inserted] = counting.touch(key, Failures{0, now});
  if (!inserted && now - failures.window_start >= policy.window) failures = Failures{0, now};
  if (++failures.count < threshold) return std::chrono::seconds{0};

  counting.erase(key);
  // Back-off: each block of this key lasts twice the one before, up to max_block.
  std::uint32_t& count = strikes.touch(key, 0u).first;
  std::chrono::seconds length = policy.block_for;
  for (std::uint32_t i = 0; i < count && length < policy.max_block; ++i) length *= 2;
  length = std::min(length, std::max(policy.max_block, policy.block_for));
  ++count;
  // When the table is full, touch() evicts an expired block if there is one, else the least
  // recently started one.
  blocked.touch(key, now).first = now + length;
  return length;
}

AuthThrottle::AuthThrottle(ThrottlePolicy policy)
    : policy_(policy), sources_(policy.max_entries), pairs_(policy.max_entries) {}

std::string AuthThrottle::pair_key(const asio::ip::address& source, std::string_view username) {
  std::string key = canonical_source(source).to_string();
  key.push_back('\n');
  key.append(username);
  return key;
}

bool AuthThrottle::blocked(const asio::ip::address& source, std::string_view username,
                           TimePoint now) const {
  if (sources_.is_blocked(canonical_source(source), now)) return true;
  return !username.empty() && pairs_.is_blocked(pair_key(source, username), now);
}

bool AuthThrottle::failed(const asio::ip::address& source, std::string_view username,
                          TimePoint now) {
  // Both counters always move: a guesser that spreads its tries over usernames still fills
  // the source's counter.
  const auto source_block =
      sources_.fail(canonical_source(source), now, policy_.max_source_failures, policy_);
  const auto pair_block =
      username.empty() ? std::chrono::seconds{0}
                       : pairs_.fail(pair_key(source, username), now, policy_.max_failures,
                                     policy_);
  last_block_ = std::max(source_block, pair_block);
  return last_block_.count() > 0;
}

void AuthThrottle::succeeded(const asio::ip::address& source, std::string_view username) {
  sources_.counting.erase(canonical_source(source));
  if (username.empty()) return;
  const std::string key = pair_key(source, username);
  pairs_.counting.erase(key);
  pairs_.strikes.erase(key);
}

std::size_t AuthThrottle::tracked_sources() const noexcept { return sources_.size(); }

std::size_t AuthThrottle::tracked_pairs() const noexcept { return pairs_.size(); }

}  // namespace callplan::sip
