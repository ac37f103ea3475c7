#include "sip/security/rate_limiter.hpp"

#include <algorithm>

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

RateLimiter::RateLimiter(RateLimit limit) : limit_(sane(limit)), buckets_(limit_.max_sources) {}

bool RateLimiter::allow(const asio::ip::address& source, TimePoint now) {
  auto [bucket, inserted] = buckets_.touch(canonical_source(source), Bucket{limit_.burst, now});
  if (!inserted && now > bucket.last) {
    const double elapsed = std::chrono::duration<double>(now - bucket.last).count();
    bucket.tokens = std::min(limit_.burst, bucket.tokens + elapsed * limit_.rate);
    bucket.last = now;
  }
  if (bucket.tokens + kTokenSlack < 1.0) return false;
  bucket.tokens = std::max(bucket.tokens - 1.0, 0.0);
  return true;
}

std::size_t RateLimiter::tracked_sources() const { return buckets_.size(); }

}  // namespace callplan::sip
