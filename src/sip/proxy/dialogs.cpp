#include "sip/proxy/dialogs.hpp"

namespace callplan::sip {

DialogSet::DialogSet(std::chrono::seconds lifetime, std::size_t max_dialogs)
    : lifetime_(lifetime), max_(max_dialogs) {}

std::string DialogSet::key(std::string_view call_id, std::string_view tag1,
                           std::string_view tag2) {
  if (tag2 < tag1) std::swap(tag1, tag2);
  std::string k;
  k.reserve(call_id.size() + tag1.size() + tag2.size() + 2);
  k.append(call_id).append(1, '\n').append(tag1).append(1, '\n').append(tag2);
  return k;
}

void DialogSet::add(std::string_view call_id, std::string_view tag1, std::string_view tag2,
                    TimePoint now) {
  std::string k = key(call_id, tag1, tag2);
  auto it = by_key_.find(k);
  if (it != by_key_.end()) {
    it->second.last_used = now;
    by_age_.splice(by_age_.end(), by_age_, it->second.age);
    return;
  }
  if (by_key_.size() >= max_ && !by_age_.empty()) {
    std::string oldest = std::move(by_age_.front());
    by_key_.erase(oldest);
    by_age_.pop_front();
    forget(oldest);
  }
  by_age_.push_back(k);
  by_key_.emplace(std::move(k), Entry{now, std::prev(by_age_.end())});
}

bool DialogSet::touch(std::string_view call_id, std::string_view tag1, std::string_view tag2,
                      TimePoint now) {
  auto it = by_key_.find(key(call_id, tag1, tag2));
  if (it == by_key_.end()) return false;
  if (now - it->second.last_used > lifetime_) {
    std::string forgotten = it->first;
    by_age_.erase(it->second.age);
    by_key_.erase(it);
    forget(forgotten);
    return false;
  }
  it->second.last_used = now;
  by_age_.splice(by_age_.end(), by_age_, it->second.age);
  return true;
}

void DialogSet::remove(std::string_view call_id, std::string_view tag1, std::string_view tag2) {
  auto it = by_key_.find(key(call_id, tag1, tag2));
  if (it == by_key_.end()) return;
  by_age_.erase(it->second.age);
  by_key_.erase(it);
}

void DialogSet::expire(TimePoint now) {
  while (!by_age_.empty()) {
    auto it = by_key_.find(by_age_.front());
    if (now - it->second.last_used <= lifetime_) break;
    std::string forgotten = std::move(by_age_.front());
    by_key_.erase(it);
    by_age_.pop_front();
    forget(forgotten);
  }
}

}  // namespace callplan::sip
