// Internal: a set of half-open intervals of local seconds, for `dates` and `ranges`.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace callplan::detail {

// Built once (add, then normalize), then read-only. After normalize() the set is stored as its
// sorted boundaries only, so membership is "an odd number of boundaries are <= x" (one binary
// search) and the next change after x is the first boundary > x: both allocation-free.
class IntervalSet {
 public:
  void add(std::int64_t from, std::int64_t to);  // [from, to); ignored when empty
  void normalize();                              // merges overlapping and touching intervals

  bool empty() const { return boundaries_.empty(); }
  bool contains(std::int64_t x) const;
  // The first boundary > x (where contains() changes), or nullopt.
  std::optional<std::int64_t> next_boundary(std::int64_t x) const;

 private:
  std::vector<std::pair<std::int64_t, std::int64_t>> pending_;
  std::vector<std::int64_t> boundaries_;  // start0, end0, start1, end1 ... strictly increasing
};

}  // namespace callplan::detail
