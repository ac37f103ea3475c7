#include "panel/login_throttle.hpp"

#include <algorithm>

namespace callplan::panel {

std::chrono::seconds LoginThrottle::remaining(const std::map<std::string, Entry>& table,
                                              const std::string& key, Clock::time_point now) {
  const auto it = table.find(key);
  if (it == table.end() || it->second.blocked_until <= now) return std::chrono::seconds{0};
  return std::chrono::ceil<std::chrono::seconds>(it->second.blocked_until - now);
}

std::chrono::seconds LoginThrottle::blocked(const std::string& source, const std::string& login,
                                            Clock::time_point now) const {
  return std::max(remaining(by_source_, source, now), remaining(by_login_, login, now));
}

void LoginThrottle::count(std::map<std::string, Entry>& table, const std::string& key,
                          Clock::time_point now) {
  if (table.size() >= kMaxEntries && !table.count(key)) {
    const auto oldest = std::min_element(table.begin(), table.end(), [](auto& a, auto& b) {
      return a.second.first < b.second.first;
    });
    table.erase(oldest);
  }
  Entry& e = table[key];
  if (e.failures == 0 || now - e.first > kWindow) {
    e.failures = 0;
    e.first = now;
  }
  if (++e.failures >= kMaxFailures) {
    e.blocked_until = now + kBlock;
    e.failures = 0;
  }
}

void LoginThrottle::failed(const std::string& source, const std::string& login,
                           Clock::time_point now) {
  count(by_source_, source, now);
  count(by_login_, login, now);
}

void LoginThrottle::succeeded(const std::string& login) { by_login_.erase(login); }

}  // namespace callplan::panel
