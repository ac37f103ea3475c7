// sip/proxy/dialogs.hpp — the dialogs this proxy put itself on the path of (Record-Route), so
// in-dialog requests are relayed only for calls it set up: a forged BYE with a made-up To tag
// is answered 481 and never reaches a phone or the trunk.
//
// A dialog is named by its Call-ID and its two tags, in either order (requests travel both
// ways). It lives until a BYE is answered 2xx or for `lifetime` without a refresh, and the set
// is bounded (the oldest dialog makes room).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace callplan::sip {

class DialogSet {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit DialogSet(std::chrono::seconds lifetime = std::chrono::hours(12),
                     std::size_t max_dialogs = 200000);

  void add(std::string_view call_id, std::string_view tag1, std::string_view tag2, TimePoint now);
  // Known and not expired; a hit refreshes it.
  bool touch(std::string_view call_id, std::string_view tag1, std::string_view tag2, TimePoint now);
  void remove(std::string_view call_id, std::string_view tag1, std::string_view tag2);
  void expire(TimePoint now);
  std::size_t size() const { return by_key_.size(); }

  // Called with the key of every dialog forgotten without a BYE (expired, or pushed out by
  // the bound), so the proxy can close its call record.
  void on_forget(std::function<void(const std::string& key)> callback) {
    on_forget_ = std::move(callback);
  }
  // The same key for (call_id, tag1, tag2) and (call_id, tag2, tag1).
  static std::string key(std::string_view call_id, std::string_view tag1, std::string_view tag2);

 private:
  struct Entry {
    TimePoint last_used;
    std::list<std::string>::iterator age;
  };
  void forget(const std::string& key) {
    if (on_forget_) on_forget_(key);
  }

  std::chrono::seconds lifetime_;
  std::function<void(const std::string& key)> on_forget_;
  std::size_t max_;
  std::unordered_map<std::string, Entry> by_key_;
  std::list<std::string> by_age_;  // least recently used first
};

}  // namespace callplan::sip
