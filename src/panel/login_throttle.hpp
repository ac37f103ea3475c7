// Login throttling: 5 failed logins within 60 s, from one address or for one login, block
// further tries from that address or for that login for 5 minutes (the same limits as the SIP
// server's AuthThrottle, so contrib/fail2ban's jail fits both). A blocked try is refused
// before the password is even hashed. Tables are bounded: past kMaxEntries the oldest entries
// are forgotten.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

namespace callplan::panel {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int kMaxFailures = 5;
  static constexpr std::chrono::seconds kWindow{60};
  static constexpr std::chrono::seconds kBlock{300};
  static constexpr std::size_t kMaxEntries = 100000;

  // Seconds the try must wait (0: it may go ahead).
  std::chrono::seconds blocked(const std::string& source, const std::string& login,
                               Clock::time_point now = Clock::now()) const;
  void failed(const std::string& source, const std::string& login,
              Clock::time_point now = Clock::now());
  // A successful login clears its login's failures (not the address's).
  void succeeded(const std::string& login);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point first;
    Clock::time_point blocked_until;
  };
  static std::chrono::seconds remaining(const std::map<std::string, Entry>& table,
                                        const std::string& key, Clock::time_point now);
  static void count(std::map<std::string, Entry>& table, const std::string& key,
                    Clock::time_point now);

  std::map<std::string, Entry> by_source_;
  std::map<std::string, Entry> by_login_;
};

}  // namespace callplan::panel
