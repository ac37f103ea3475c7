#include "schedule/interval_set.hpp"

#include <algorithm>

namespace callplan::detail {

void IntervalSet::add(std::int64_t from, std::int64_t to) {
  if (from < to) pending_.emplace_back(from, to);
}

void IntervalSet::normalize() {
  std::sort(pending_.begin(), pending_.end());
  boundaries_.clear();
  for (const auto& [from, to] : pending_) {
    // Touching intervals merge too, so every stored boundary is a real change of contains().
    if (!boundaries_.empty() && from <= boundaries_.back()) {
      boundaries_.back() = std::max(boundaries_.back(), to);
    } else {
      boundaries_.push_back(from);
      boundaries_.push_back(to);
    }
  }
  pending_.clear();
  pending_.shrink_to_fit();
}

bool IntervalSet::contains(std::int64_t x) const {
  const auto after = std::upper_bound(boundaries_.begin(), boundaries_.end(), x);
  return (after - boundaries_.begin()) % 2 == 1;
}

std::optional<std::int64_t> IntervalSet::next_boundary(std::int64_t x) const {
  const auto after = std::upper_bound(boundaries_.begin(), boundaries_.end(), x);
  if (after == boundaries_.end()) return std::nullopt;
  return *after;
}

}  // namespace callplan::detail
