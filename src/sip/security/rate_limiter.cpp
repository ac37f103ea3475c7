#include "sip/security/rate_limiter.hpp"

#include <algorithm>
#include <cstring>

namespace callplan::sip {
namespace {

// Refill adds rate * elapsed in floating point; without a little slack, 0.1 s at 10/s could
// come to 0.99999… and refuse a request that is exactly on budget.
constexpr double kTokenSlack = 1e-9;

RateLimit sane(RateLimit limit) {
  // A bucket smaller than one token would refuse everything, a negative rate would drain it.
  limit.burst = std::max(limit.burst, 1.0);
  limit.rate = std::max(limit.rate, 0.0);
  return limit;
}

}  // namespace

std::size_t RateLimiter::EndpointHash::operator()(const Endpoint& e) const noexcept {
  char bytes[18] = {};
  std::size_t size = 0;
  if (e.address.is_v4()) {
    auto v4 = e.address.to_v4().to_bytes();
    std::memcpy(bytes, v4.data(), v4.size());
    size = v4.size();
  } else {
    auto v6 = e.address.to_v6().to_bytes();
    std::memcpy(bytes, v6.data(), v6.size());
    size = v6.size();
  }
  bytes[size++] = static_cast<char>(e.port >> 8);
  bytes[size++] = static_cast<char>(e.port & 0xff);
  return static_cast<std::size_t>(siphash24(process_hash_key(), std::string_view(bytes, size)));
}

RateLimiter::RateLimiter(RateLimit limit) : limit_(sane(limit)), buckets_(limit_.max_sources) {}

bool TokenBucket::take(const RateLimit& limit, TimePoint now, bool fresh) {
  if (!fresh && now > last) {
    const double elapsed = std::chrono::duration<double>(now - last).count();
    tokens = std::min(limit.burst, tokens + elapsed * limit.rate);
    last = now;
  }
  if (tokens + kTokenSlack < 1.0) return false;
  tokens = std::max(tokens - 1.0, 0.0);
  return true;
}

bool RateLimiter::allow(const asio::ip::address& source, std::uint16_t port, TimePoint now) {
  auto [bucket, inserted] =
      buckets_.touch(Endpoint{canonical_source(source), port}, Bucket{limit_.burst, now});
  return bucket.take(limit_, now, inserted);
}

std::size_t RateLimiter::tracked_sources() const { return buckets_.size(); }

AccountRateLimiter::AccountRateLimiter(RateLimit limit)
    : limit_(sane(limit)), buckets_(limit_.max_sources) {}

bool AccountRateLimiter::allow(std::string_view username, TimePoint now) {
  auto [bucket, inserted] = buckets_.touch(std::string(username), TokenBucket{limit_.burst, now});
  return bucket.take(limit_, now, inserted);
}

}  // namespace callplan::sip
