// sip/server/registered_devices.hpp — which SIP usernames have a live registration, kept by the
// SIP loop (Location's on_change) for readers on other threads: the panel's dashboard under
// `callplan serve --panel` (tools/callplan/serve_panel.cpp). A username is in the set from its
// first binding to the loss of its last (expiry included).
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace callplan::sip {

class RegisteredDevices {
 public:
  // The SIP loop: a username gained its first binding or lost its last one.
  void set(std::string_view username, bool registered) {
    std::lock_guard lock(mutex_);
    if (registered) usernames_.emplace(username);
    else usernames_.erase(std::string(username));
  }
  // Any thread: a copy of the set now.
  std::set<std::string> snapshot() const {
    std::lock_guard lock(mutex_);
    return usernames_;
  }

 private:
  mutable std::mutex mutex_;
  std::set<std::string> usernames_;
};

}  // namespace callplan::sip
