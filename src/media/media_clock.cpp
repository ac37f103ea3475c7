// media/media_clock.cpp — one timer on a 10 ms grid for every member.
#include "media/media_clock.hpp"

#include <algorithm>
#include <system_error>

namespace callplan::media {

MediaClock::MediaClock(asio::io_context& io, PacketIo::Kind packets)
    : timer_(io), packet_kind_(packets), epoch_(Clock::now()) {}

PacketIo& MediaClock::packets() {
  if (!packets_) packets_ = PacketIo::make(packet_kind_);
  return *packets_;
}

MediaClock::~MediaClock() = default;  // the timer's handler holds a weak alive_: it does nothing

std::uint64_t MediaClock::tick_of(Clock::time_point t) const noexcept {
  if (t <= epoch_) return 0;
  return static_cast<std::uint64_t>((t - epoch_) / kGrain);
}

bool MediaClock::any_due(std::uint64_t tick) const noexcept {
  for (std::uint32_t ticks = 1; ticks <= kMaxTicks; ++ticks) {
    if (by_ticks_[ticks] > 0 && tick % ticks == 0) return true;
  }
  return false;
}

void MediaClock::join(Member& member, std::chrono::milliseconds period) {
  auto ticks = static_cast<std::uint32_t>(
      std::clamp<std::int64_t>((period + kGrain / 2) / kGrain, 1, kMaxTicks));
  entries_.push_back({&member, ticks});
  ++by_ticks_[ticks];
  ++live_;
  if (in_wake_) return;  // the wake schedules its successor when it ends
  std::uint64_t now = std::max(tick_of(Clock::now()), last_tick_);
  std::uint64_t first = (now / ticks + 1) * ticks;  // the member's first point after now
  if (!armed_ || first < next_tick_) schedule(first - 1);
}

void MediaClock::leave(Member& member) noexcept {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.member == &member; });
  if (it == entries_.end()) return;
  --by_ticks_[it->ticks];
  --live_;
  if (in_wake_) {
    it->member = nullptr;  // the wake's loops go by index; it is removed when the wake ends
  } else {
    entries_.erase(it);
  }
  // An armed timer with no member left wakes once for nothing and is not armed again.
}

// Arms the timer for the first grid point after `after` where some member is due.
void MediaClock::schedule(std::uint64_t after) {
  armed_ = false;
  ++generation_;  // a wait already queued for an earlier point is void
  if (live_ == 0) {
    timer_.cancel();
    return;
  }
  std::uint64_t tick = after + 1;
  while (!any_due(tick)) ++tick;  // within kMaxTicks: some period divides one of them
  next_tick_ = tick;
  armed_ = true;
  timer_.expires_at(epoch_ + kGrain * static_cast<std::int64_t>(tick));
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_), generation = generation_](std::error_code ec) {
    if (!ec && !alive.expired()) wake(generation);
  });
}

void MediaClock::wake(std::uint64_t generation) {
  if (generation != generation_) return;
  armed_ = false;
  ++wakes_;
  const auto now = Clock::now();
  wake_time_ = now;
  const std::uint64_t current = std::max(tick_of(now), next_tick_);
  std::uint64_t from = next_tick_;
  if (current - from > static_cast<std::uint64_t>(kMaxCatchUp / kGrain)) from = current;  // stalled: no burst of stale frames

  in_wake_ = true;
  if (packets_) packets_->receive(now);  // every socket's datagrams, to the members' receivers
  const std::size_t count = entries_.size();  // members that join during the wake wait for the next
  for (std::size_t i = 0; i < count; ++i) {
    if (Member* m = entries_[i].member) m->on_receive(now);
  }
  for (std::uint64_t tick = from; tick <= current; ++tick) {
    if (!any_due(tick)) continue;
    for (std::size_t i = 0; i < count; ++i) {
      // By index and re-read each time: a callback may make members join (the vector grows)
      // or leave (their entry becomes null).
      const Entry e = entries_[i];
      if (e.member && tick % e.ticks == 0) e.member->on_frame(now);
    }
  }
  if (packets_) packets_->flush();  // the frames just made, all at once
  in_wake_ = false;
  std::erase_if(entries_, [](const Entry& e) { return e.member == nullptr; });
  last_tick_ = current;
  schedule(current);
}

}  // namespace callplan::media
