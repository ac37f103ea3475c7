// sip/security/lru_table.hpp — a map with a fixed capacity that forgets its least recently used
// entry when full: the security tables are keyed by what remote peers send, so their memory
// must not grow with the number of (possibly spoofed) peers.
//
//   LruTable<asio::ip::address, Bucket, SourceHash> buckets(65536);
//   auto [bucket, inserted] = buckets.touch(source, Bucket{burst, now});
//
// find, touch and erase are O(1) on average. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <list>
#include <unordered_map>
#include <utility>

namespace callplan::sip {

template <class Key, class Value, class Hash>
class LruTable {
 public:
  using Entry = std::pair<const Key, Value>;

  // A capacity of 0 is taken as 1: a table that can hold nothing would make every caller's
  // "insert then use" path special.
  explicit LruTable(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

  // The value for `key`, or nullptr. Does not change the recency order.
  Value* find(const Key& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->second;
  }
  const Value* find(const Key& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->second;
  }

  // Marks `key` most recently used and returns its value, first inserting `fresh` when absent
  // (evicting the least recently used entry when the table is full). `inserted` tells which.
  std::pair<Value&, bool> touch(const Key& key, const Value& fresh) {
    if (auto it = index_.find(key); it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);
      return {it->second->second, false};
    }
    if (index_.size() >= capacity_) pop_oldest();
    order_.emplace_front(key, fresh);
    index_.emplace(key, order_.begin());
    return {order_.front().second, true};
  }

  bool erase(const Key& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    order_.erase(it->second);
    index_.erase(it);
    return true;
  }

  // The least recently used entry, or nullptr when empty.
  const Entry* oldest() const { return order_.empty() ? nullptr : &order_.back(); }
  void pop_oldest() {
    if (order_.empty()) return;
    index_.erase(order_.back().first);
    order_.pop_back();
  }

  std::size_t size() const noexcept { return index_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  std::size_t capacity_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<Key, typename std::list<Entry>::iterator, Hash> index_;
};

}  // namespace callplan::sip
