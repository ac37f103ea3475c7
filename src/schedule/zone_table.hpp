// Internal: a time zone's UTC offsets as a flat table, for allocation-free local-time lookup.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace callplan::detail {

// Instants (seconds since the epoch, UTC) beyond these are clamped: far enough for any call
// plan, near enough that adding an offset or a horizon never overflows.
inline constexpr std::int64_t kFarPast = -(std::int64_t{1} << 52);
inline constexpr std::int64_t kFarFuture = std::int64_t{1} << 52;

// One stretch of time with a constant UTC offset: [begin, end).
struct ZonePeriod {
  std::int64_t begin;
  std::int64_t end;
  std::int32_t offset;  // local = utc + offset
};

// Built from Howard Hinnant's date/tz (system tzdata) at compile time. date 3.0 reading the
// OS database stops at the last transition stored in the TZif file (2037 for "fat" files) and
// ignores the file's POSIX TZ footer, which would silently end daylight saving time in 2038;
// the table therefore continues the footer's rule (via date's Posix::time_zone) up to
// kRuleHorizonYear. Offsets are merged where they do not change, so every period boundary is
// a real change of local time.
class ZoneTable {
 public:
  // Throws callplan::Error when date/tz does not know the zone.
  static ZoneTable load(std::string_view name);

  const std::string& name() const { return name_; }
  std::int32_t offset_at(std::int64_t utc) const {
    return offsets_[index_at(utc)];
  }
  ZonePeriod period_at(std::int64_t utc) const;

 private:
  // The period containing utc. Every time condition of every call asks this, so instants in
  // [kIndexBase, horizon) go through a bucket index (the period at each bucket's start, then a
  // step or two forward: offsets change at most a few times a month); others binary-search.
  std::size_t index_at(std::int64_t utc) const {
    const auto bucket = static_cast<std::uint64_t>(utc - kIndexBase) >> kBucketShift;
    if (bucket < bucket_first_.size()) {
      std::size_t i = bucket_first_[bucket];
      while (i + 1 < begins_.size() && begins_[i + 1] <= utc) ++i;
      return i;
    }
    return search(utc);
  }
  std::size_t search(std::int64_t utc) const;
  void push(std::int64_t begin, std::int32_t offset);
  void build_index(std::int64_t horizon);

  static constexpr std::int64_t kIndexBase = 0;  // 1970-01-01T00:00Z
  static constexpr int kBucketShift = 21;        // 2^21 s: about 24 days per bucket

  std::string name_;
  std::vector<std::int64_t> begins_;  // begins_[0] == kFarPast; strictly increasing
  std::vector<std::int32_t> offsets_;
  std::vector<std::uint32_t> bucket_first_;  // index of the period at each bucket's start
};

}  // namespace callplan::detail
