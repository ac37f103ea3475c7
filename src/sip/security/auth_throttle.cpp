#include "sip/security/auth_throttle.hpp"

namespace callplan::sip {

template <class Key, class Hash>
bool AuthThrottle::Tracker<Key, Hash>::is_blocked(const Key& key, TimePoint now) const {
  const TimePoint* until = blocked.find(key);
  return until != nullptr && now < *until;
}

template <class Key, class Hash>
bool AuthThrottle::Tracker<Key, Hash>::fail(const Key& key, TimePoint now,
                                            const ThrottlePolicy& policy) {
  // The server asks blocked() first, so a failure here while blocked comes from a request that
  // was already in flight; extending the block for it would let late retransmissions stretch it.
  if (is_blocked(key, now)) return false;
  auto [failures, inserted] = counting.touch(key, Failures{0, now});
  if (!inserted && now - failures.window_start >= policy.window) failures = Failures{0, now};
  if (++failures.count < policy.max_failures) return false;

  counting.erase(key);
  // Every block lasts block_for, so the least recently started block is the one that ends
  // first: when the table is full, touch() evicts an expired block if there is one, else the
  // block closest to its end.
  blocked.touch(key, now).first = now + policy.block_for;
  return true;
}

AuthThrottle::AuthThrottle(ThrottlePolicy policy)
    : policy_(policy), sources_(policy.max_entries), usernames_(policy.max_entries) {}

bool AuthThrottle::blocked(const asio::ip::address& source, std::string_view username,
                           TimePoint now) const {
  if (sources_.is_blocked(canonical_source(source), now)) return true;
  return !username.empty() && usernames_.is_blocked(std::string(username), now);
}

bool AuthThrottle::failed(const asio::ip::address& source, std::string_view username,
                          TimePoint now) {
  // Both counters always move: skipping the username when the source blocks would let a
  // distributed guesser spread its tries so that no single counter ever fills.
  const bool source_blocks = sources_.fail(canonical_source(source), now, policy_);
  const bool username_blocks =
      !username.empty() && usernames_.fail(std::string(username), now, policy_);
  return source_blocks || username_blocks;
}

void AuthThrottle::succeeded(const asio::ip::address& source, std::string_view username) {
  sources_.counting.erase(canonical_source(source));
  if (!username.empty()) usernames_.counting.erase(std::string(username));
}

std::size_t AuthThrottle::tracked_sources() const noexcept {
  return sources_.counting.size() + sources_.blocked.size();
}

std::size_t AuthThrottle::tracked_usernames() const noexcept {
  return usernames_.counting.size() + usernames_.blocked.size();
}

}  // namespace callplan::sip
