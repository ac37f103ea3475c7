// The media clock: one wake per frame time for all members, members of different periods on
// one 10 ms grid, joining and leaving during a wake, and many RTP streams sharing one clock
// (RTP on 127.0.0.1 ports 28000-28099).
#include "media/media_clock.hpp"

#include <functional>
#include <memory>
#include <set>
#include <vector>

#include <asio/ip/udp.hpp>
#include <gtest/gtest.h>

#include "media/rtp_stream.hpp"

namespace callplan::media {
namespace {

using namespace std::chrono_literals;

struct Counter final : MediaClock::Member {
  void on_receive(MediaClock::Clock::time_point) override { ++receives; }
  void on_frame(MediaClock::Clock::time_point now) override {
    ++frames;
    wakes.insert(now);  // every member of one wake is given the same time
    if (then) then();
  }
  int receives = 0;
  int frames = 0;
  std::set<MediaClock::Clock::time_point> wakes;
  std::function<void()> then;
};

TEST(MediaClock, MembersOfOnePeriodShareEachWake) {
  asio::io_context io;
  MediaClock clock(io);
  std::vector<Counter> members(100);
  for (auto& m : members) clock.join(m, 20ms);
  io.run_for(500ms);
  for (auto& m : members) clock.leave(m);
  // About 25 frames each (fewer only if the machine held the thread beyond the catch-up).
  EXPECT_GE(members[0].frames, 15);
  EXPECT_LE(members[0].frames, 26);
  for (const auto& m : members) EXPECT_EQ(m.frames, members[0].frames);
  // One wake for all hundred, never one per member; each member reads once per wake.
  EXPECT_LE(clock.wakes(), static_cast<std::uint64_t>(members[0].frames));
  EXPECT_EQ(static_cast<std::uint64_t>(members[0].receives), clock.wakes());
}

TEST(MediaClock, PeriodsShareOneGridAndWakeOnlyWhereDue) {
  asio::io_context io;
  MediaClock clock(io);
  Counter twenty, thirty;
  clock.join(twenty, 20ms);
  clock.join(thirty, 30ms);
  io.run_for(600ms);
  clock.leave(twenty);
  clock.leave(thirty);
  EXPECT_GE(twenty.frames, 20);
  EXPECT_LE(twenty.frames, 31);
  // 3 frames of 20 ms for 2 of 30 ms, within one frame either way.
  EXPECT_NEAR(2.0 * twenty.frames, 3.0 * thirty.frames, 6.0);
  // Both due every 60 ms: those points are one wake, and no wake happens where none is due.
  EXPECT_LT(clock.wakes(), static_cast<std::uint64_t>(twenty.frames + thirty.frames));
}

TEST(MediaClock, AMemberThatLeavesDuringAWakeIsNotCalledAgain) {
  asio::io_context io;
  MediaClock clock(io);
  Counter first, second, late;
  clock.join(first, 20ms);
  clock.join(second, 20ms);
  MediaClock::Clock::time_point joined{};
  first.then = [&] {
    if (first.frames == 3) {
      clock.leave(second);  // in the middle of the wake that would call `second` next
      clock.join(late, 20ms);
      joined = *first.wakes.rbegin();
    }
  };
  io.run_for(300ms);
  EXPECT_EQ(second.frames, 2);
  EXPECT_GE(first.frames, 8);
  // `late` joined during a wake: called from the next one on, in every one after. Compared
  // by wake, not by frame count: a wake that comes late under load sends the frames it
  // missed at once, so the counts can differ by more than the joining wake's frames.
  const std::set<MediaClock::Clock::time_point> after(first.wakes.upper_bound(joined),
                                                      first.wakes.end());
  EXPECT_FALSE(after.empty());
  EXPECT_EQ(late.wakes, after);
  EXPECT_LE(late.frames, first.frames - 3);
  clock.leave(first);
  clock.leave(late);
}

TEST(MediaClock, StreamsOnOneClockEachSendFiftyPacketsASecond) {
  asio::io_context io;
  MediaClock clock(io);
  asio::ip::udp::socket sink(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const asio::ip::address loopback = asio::ip::make_address("127.0.0.1");
  std::vector<std::unique_ptr<RtpStream>> streams;
  for (int i = 0; i < 40; ++i) {
    streams.push_back(std::make_unique<RtpStream>(clock, PortRange{loopback, 28000, 28099}));
    NegotiatedAudio audio;
    audio.remote_address = "127.0.0.1";
    audio.remote_address_usable = true;
    audio.remote_port = sink.local_endpoint().port();
    streams.back()->start(audio, {});
  }
  io.run_for(500ms);
  std::uint64_t first = streams[0]->stats().sent;
  EXPECT_GE(first, 15u);
  EXPECT_LE(first, 26u);
  for (const auto& s : streams) EXPECT_NEAR(static_cast<double>(s->stats().sent), static_cast<double>(first), 1.0);
  EXPECT_LE(clock.wakes(), first + 1);  // not 40 wakes per frame time
  streams.clear();                      // leaving the clock; it stops waking
  EXPECT_EQ(clock.members(), 0u);
}

}  // namespace
}  // namespace callplan::media
