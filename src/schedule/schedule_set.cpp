#include "callplan/schedule.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "schedule/compiled_schedule.hpp"
#include "schedule/zone_table.hpp"

namespace callplan {

using detail::CompiledSchedule;
using detail::ZoneTable;

struct ScheduleSet::Impl {
  std::vector<std::unique_ptr<ZoneTable>> zones;  // stable addresses, one per distinct zone
  std::vector<CompiledSchedule> schedules;
  std::vector<std::pair<std::string, ScheduleIndex>> by_name;  // sorted by name

  const CompiledSchedule& at(ScheduleIndex s) const {
    if (s >= schedules.size()) {
      throw Error(fmt::format("schedule index {} out of range (the set has {} schedules)", s,
                              schedules.size()));
    }
    return schedules[s];
  }

  void link_excepts(const Tenant& tenant);

  // Recursion depth is bounded by the except graph, which compile() proved acyclic.
  bool matches(const CompiledSchedule& s, std::int64_t utc) const {
    return matches(s, utc, s.zone, utc + s.zone->offset_at(utc));
  }
  // `local` is utc in `zone`: an except schedule in the same zone (the usual holidays) reuses
  // it instead of searching the zone's offsets again.
  bool matches(const CompiledSchedule& s, std::int64_t utc, const ZoneTable* zone,
               detail::LocalSeconds local) const {
    if (s.zone != zone) {
      zone = s.zone;
      local = utc + zone->offset_at(utc);
    }
    if (!s.own_matches(local)) return false;
    for (const ScheduleIndex e : s.except) {
      if (matches(schedules[e], utc, zone, local)) return false;
    }
    return true;
  }
};

namespace {

std::int64_t clamp_instant(Instant t) {
  return std::clamp<std::int64_t>(t.time_since_epoch().count(), detail::kFarPast,
                                  detail::kFarFuture);
}

}  // namespace

// Resolves `except` names to indices, rejects cycles (depth-first, three colours) and
// collects each schedule's closure: itself and everything it subtracts, directly or not.
void ScheduleSet::Impl::link_excepts(const Tenant& tenant) {
  Impl& impl = *this;
  const auto find = [&](const std::string& name) -> std::optional<ScheduleIndex> {
    const auto it = std::lower_bound(
        impl.by_name.begin(), impl.by_name.end(), name,
        [](const auto& entry, const std::string& n) { return entry.first < n; });
    if (it == impl.by_name.end() || it->first != name) return std::nullopt;
    return it->second;
  };
  for (std::size_t i = 0; i < tenant.schedules.size(); ++i) {
    for (const Located<std::string>& name : tenant.schedules[i].except) {
      const auto e = find(name.value);
      if (!e) {
        throw Error(fmt::format("schedule `{}` subtracts unknown schedule `{}` (run the checker "
                                "first)",
                                tenant.schedules[i].name.value, name.value));
      }
      impl.schedules[i].except.push_back(*e);
    }
  }

  enum class Mark { unseen, active, done };
  std::vector<Mark> mark(impl.schedules.size(), Mark::unseen);
  std::vector<ScheduleIndex> path;
  const auto visit = [&](auto& self, ScheduleIndex s) -> void {
    if (mark[s] == Mark::done) return;
    if (mark[s] == Mark::active) {
      std::string cycle;
      const auto from = std::find(path.begin(), path.end(), s);
      for (auto it = from; it != path.end(); ++it) cycle += impl.schedules[*it].name + " -> ";
      cycle += impl.schedules[s].name;
      throw Error(fmt::format("schedules subtract each other in a cycle: {}", cycle));
    }
    mark[s] = Mark::active;
    path.push_back(s);
    std::vector<ScheduleIndex> closure{s};
    for (const ScheduleIndex e : impl.schedules[s].except) {
      self(self, e);
      const auto& sub = impl.schedules[e].closure;
      closure.insert(closure.end(), sub.begin(), sub.end());
    }
    std::sort(closure.begin(), closure.end());
    closure.erase(std::unique(closure.begin(), closure.end()), closure.end());
    impl.schedules[s].closure = std::move(closure);
    path.pop_back();
    mark[s] = Mark::done;
  };
  for (ScheduleIndex s = 0; s < impl.schedules.size(); ++s) visit(visit, s);
}

ScheduleSet ScheduleSet::compile(const Tenant& tenant) {
  auto impl = std::make_unique<Impl>();
  std::map<std::string, const ZoneTable*, std::less<>> zones;
  impl->schedules.resize(tenant.schedules.size());

  for (std::size_t i = 0; i < tenant.schedules.size(); ++i) {
    const Schedule& schedule = tenant.schedules[i];
    CompiledSchedule& compiled = impl->schedules[i];
    compiled.name = schedule.name.value;

    const std::string& zone_name =
        schedule.timezone.value.empty() ? tenant.info.timezone.value : schedule.timezone.value;
    if (zone_name.empty()) {
      throw Error(fmt::format("schedule `{}` has no time zone: set tenant.timezone or the "
                              "schedule's timezone",
                              schedule.name.value));
    }
    auto zone = zones.find(zone_name);
    if (zone == zones.end()) {
      impl->zones.push_back(std::make_unique<ZoneTable>(ZoneTable::load(zone_name)));
      zone = zones.emplace(zone_name, impl->zones.back().get()).first;
    }
    compiled.zone = zone->second;
    compiled.compile_windows(schedule);
    impl->by_name.emplace_back(schedule.name.value, static_cast<ScheduleIndex>(i));
  }

  std::sort(impl->by_name.begin(), impl->by_name.end());
  for (std::size_t i = 1; i < impl->by_name.size(); ++i) {
    if (impl->by_name[i].first == impl->by_name[i - 1].first) {
      throw Error(fmt::format("two schedules are named `{}` (run the checker first)",
                              impl->by_name[i].first));
    }
  }
  impl->link_excepts(tenant);

  ScheduleSet set;
  set.impl_ = std::move(impl);
  return set;
}

ScheduleSet::ScheduleSet() : impl_(std::make_unique<const Impl>()) {}
ScheduleSet::~ScheduleSet() = default;
ScheduleSet::ScheduleSet(ScheduleSet&&) noexcept = default;
ScheduleSet& ScheduleSet::operator=(ScheduleSet&&) noexcept = default;

std::size_t ScheduleSet::size() const { return impl_ ? impl_->schedules.size() : 0; }

std::optional<ScheduleIndex> ScheduleSet::find(std::string_view name) const {
  if (!impl_) return std::nullopt;
  const auto it = std::lower_bound(
      impl_->by_name.begin(), impl_->by_name.end(), name,
      [](const auto& entry, std::string_view n) { return std::string_view(entry.first) < n; });
  if (it == impl_->by_name.end() || it->first != name) return std::nullopt;
  return it->second;
}

const ScheduleSet::Impl& ScheduleSet::impl() const {
  if (!impl_) throw Error("use of a moved-from ScheduleSet");
  return *impl_;
}

std::string_view ScheduleSet::name(ScheduleIndex schedule) const {
  return impl().at(schedule).name;
}

std::string_view ScheduleSet::timezone(ScheduleIndex schedule) const {
  return impl().at(schedule).zone->name();
}

std::chrono::seconds ScheduleSet::utc_offset(ScheduleIndex schedule, Instant at) const {
  return std::chrono::seconds{impl().at(schedule).zone->offset_at(clamp_instant(at))};
}

bool ScheduleSet::matches(ScheduleIndex schedule, Instant at) const {
  const Impl& impl = this->impl();
  return impl.matches(impl.at(schedule), clamp_instant(at));
}

std::optional<Instant> ScheduleSet::next_change(ScheduleIndex schedule, Instant after,
                                                std::chrono::seconds horizon) const {
  const Impl& impl = this->impl();
  const CompiledSchedule& s = impl.at(schedule);
  if (horizon.count() <= 0) return std::nullopt;
  std::int64_t t = clamp_instant(after);
  const std::int64_t until =
      std::min(t + std::min<std::int64_t>(horizon.count(), detail::kFarFuture), detail::kFarFuture);
  const bool value = impl.matches(s, t);

  // matches() is a function of the own windows of the schedules in the closure, so it can only
  // change where one of them does. Each member's next own change is computed in its own zone
  // and kept until time passes it; at the earliest one we re-evaluate the whole expression.
  const std::size_t n = s.closure.size();
  std::vector<std::optional<std::int64_t>> next(n);
  for (std::size_t i = 0; i < n; ++i) {
    next[i] = impl.schedules[s.closure[i]].next_own_change(t, until);
  }
  for (;;) {
    std::optional<std::int64_t> earliest;
    for (const auto& c : next) {
      if (c && (!earliest || *c < *earliest)) earliest = c;
    }
    if (!earliest) return std::nullopt;
    t = *earliest;
    if (impl.matches(s, t) != value) return Instant{std::chrono::seconds{t}};
    for (std::size_t i = 0; i < n; ++i) {
      if (next[i] && *next[i] <= t) {
        next[i] = impl.schedules[s.closure[i]].next_own_change(t, until);
      }
    }
  }
}

}  // namespace callplan
