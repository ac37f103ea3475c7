// media/media_clock.hpp — the one clock that paces every RTP stream of a process.
//
//   asio::io_context io;
//   media::MediaClock clock(io);
//   media::RtpStream a(clock, ports), b(clock, ports);  // both paced by this clock
//   io.run();
//
// Why one clock: a media process carries hundreds of legs, each sending and receiving a
// packet every 20 ms. With a timer and a pending socket read per leg, the thread woke twice
// per packet (the leg's timer, the packet's arrival), and those wake-ups, not the audio, were
// most of its CPU (docs/performance.md "Media"). The clock wakes once per frame time for all
// of its members: each member first takes in what arrived on its socket without blocking
// (on_receive), then every member whose frame is due sends it (on_frame). Receiving first
// means a bridge relays, in the same wake, what its other leg just received.
//
// The clock also owns the streams' packet I/O (packet_io.hpp): a wake starts by taking in what
// arrived on every member's socket (PacketIo::receive), and ends by sending, in one batch, the
// packets its members queued (PacketIo::flush): a few system calls per wake for all legs.
//
// Wakes are points of a 10 ms grid (every ptime SDP allows us, 10-60 ms, is a multiple); only
// the points where some member is due wake the thread, so legs of 20 ms share each wake. The
// grid's points are fixed, so the clock does not drift. When the thread was held up, the
// missed frames are sent at once, up to kMaxCatchUp behind; beyond that the clock starts afresh
// from now instead of sending a burst of stale frames.
//
// Thread safety: everything on the io_context's thread. Members may join and leave at any time
// on that thread, during a wake too: a member that left is not called again, one that joined
// is called from the next wake on.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "media/packet_io.hpp"

namespace callplan::media {

class MediaClock {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kGrain{10};
  static constexpr std::chrono::milliseconds kMaxPeriod{60};
  static constexpr std::chrono::milliseconds kMaxCatchUp{100};

  // What a stream (or any other periodic work) does on the clock. `now` is the wake's time.
  class Member {
   public:
    // Every wake, before any frame is sent: take in what arrived.
    virtual void on_receive(Clock::time_point now) = 0;
    // At each grid point that is a multiple of the member's period: send a frame.
    virtual void on_frame(Clock::time_point now) = 0;

   protected:
    virtual ~Member() = default;
  };

  // `packets`: how the members' datagrams are sent and received (packet_io.hpp); made at the
  // first packets(), on the thread that runs `io`.
  explicit MediaClock(asio::io_context& io, PacketIo::Kind packets = PacketIo::Kind::automatic);
  ~MediaClock();
  MediaClock(const MediaClock&) = delete;
  MediaClock& operator=(const MediaClock&) = delete;

  // `period` is rounded to the grid, 10-60 ms. A member joins once; join again after leave()
  // to change its period.
  void join(Member& member, std::chrono::milliseconds period);
  void leave(Member& member) noexcept;

  // The members' packet I/O, received at the start of each wake and flushed at its end.
  // Throws std::system_error the first time when the kind asked for is refused (Kind::uring).
  PacketIo& packets();

  // The time the current (or last) wake started: what its members are given as `now`, for
  // their callbacks that need the time without reading the clock again.
  Clock::time_point wake_time() const noexcept { return wake_time_; }

  std::size_t members() const noexcept { return live_; }
  // How often the thread was woken: the figure this class exists to keep low (tests, bench).
  std::uint64_t wakes() const noexcept { return wakes_; }

 private:
  struct Entry {
    Member* member;  // null once it left during a wake; removed after the wake
    std::uint32_t ticks;
  };
  static constexpr std::uint32_t kMaxTicks = kMaxPeriod / kGrain;

  std::uint64_t tick_of(Clock::time_point t) const noexcept;
  bool any_due(std::uint64_t tick) const noexcept;
  void schedule(std::uint64_t after);
  void wake(std::uint64_t generation);

  asio::steady_timer timer_;
  PacketIo::Kind packet_kind_;
  std::unique_ptr<PacketIo> packets_;
  Clock::time_point epoch_;
  std::vector<Entry> entries_;
  std::array<std::size_t, kMaxTicks + 1> by_ticks_{};  // members per period, in ticks
  std::size_t live_ = 0;
  std::uint64_t last_tick_ = 0;  // the last grid point handled
  std::uint64_t next_tick_ = 0;  // the grid point the timer waits for, when armed
  bool armed_ = false;
  bool in_wake_ = false;
  std::uint64_t generation_ = 0;  // a wait replaced by a later one is void
  std::uint64_t wakes_ = 0;
  Clock::time_point wake_time_ = Clock::now();
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // a handler run after us does nothing
};

}  // namespace callplan::media
