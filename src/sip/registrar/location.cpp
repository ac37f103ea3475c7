#include "sip/registrar/location.hpp"

#include <algorithm>

namespace callplan::sip {

std::vector<const Binding*> Location::lookup(std::string_view username, TimePoint now) const {
  std::vector<const Binding*> out;
  const auto it = by_user_.find(std::string(username));
  if (it == by_user_.end()) return out;
  for (const Binding& b : it->second) {
    if (b.expires > now) out.push_back(&b);
  }
  // stable: contacts registered together keep the order of their REGISTER.
  std::stable_sort(out.begin(), out.end(), [](const Binding* a, const Binding* b) {
    if (a->q_millis != b->q_millis) return a->q_millis > b->q_millis;
    return a->updated > b->updated;
  });
  return out;
}

bool Location::registered(std::string_view username, TimePoint now) const {
  const auto it = by_user_.find(std::string(username));
  if (it == by_user_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [now](const Binding& b) { return b.expires > now; });
}

std::vector<std::string> Location::expire(TimePoint now) {
  std::vector<std::string> lost;
  for (auto it = by_user_.begin(); it != by_user_.end();) {
    std::vector<Binding>& bindings = it->second;
    const bool had = !bindings.empty();
    const std::size_t removed =
        std::erase_if(bindings, [now](const Binding& b) { return b.expires <= now; });
    if (removed > 0 && on_bindings_) on_bindings_(it->first, bindings);
    if (bindings.empty()) {
      if (had) lost.push_back(it->first);
      it = by_user_.erase(it);
    } else {
      ++it;
    }
  }
  // Callbacks after the sweep, so a callback may look the location up safely.
  if (on_change_) {
    for (const std::string& username : lost) on_change_(username, false);
  }
  return lost;
}

std::size_t Location::binding_count() const {
  std::size_t n = 0;
  for (const auto& [username, bindings] : by_user_) n += bindings.size();
  return n;
}

std::span<const Binding> Location::stored(std::string_view username) const {
  const auto it = by_user_.find(std::string(username));
  if (it == by_user_.end()) return {};
  return it->second;
}

void Location::on_change(std::function<void(std::string_view, bool)> fn) {
  on_change_ = std::move(fn);
}

std::vector<Binding>& Location::bindings_of(std::string_view username) {
  return by_user_[std::string(username)];
}

void Location::on_bindings(BindingsObserver fn) { on_bindings_ = std::move(fn); }

void Location::notify(std::string_view username, bool was_registered, TimePoint now) {
  const bool is_registered = registered(username, now);
  const auto it = by_user_.find(std::string(username));
  if (on_bindings_) on_bindings_(username, it != by_user_.end() ? std::span<const Binding>(it->second)
                                                                : std::span<const Binding>());
  if (it != by_user_.end() && it->second.empty()) by_user_.erase(it);
  if (is_registered != was_registered && on_change_) on_change_(username, is_registered);
}

}  // namespace callplan::sip
