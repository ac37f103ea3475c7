// The RTP endpoint on loopback (ports 23000-23999): two streams negotiated through the SDP
// offer/answer exchange audio and digits; always sending; symmetric-RTP latching and its
// guard against stray sources.
#include "media/rtp_stream.hpp"

#include <cmath>
#include <iostream>
#include <system_error>
#include <numbers>
#include <string>
#include <vector>

#include <asio/ip/udp.hpp>
#include <gtest/gtest.h>

#include "media/dtmf_rfc4733.hpp"
#include "media/recorder.hpp"
#include "media/tone.hpp"

namespace callplan::media {
namespace {

using namespace std::chrono_literals;
using asio::ip::udp;

const asio::ip::address kLoopback = asio::ip::make_address("127.0.0.1");

struct Pair {
  NegotiatedAudio offerer;
  NegotiatedAudio answerer;
};

// The offer/answer exchange between two local streams, as serve would do it.
Pair negotiate(const RtpStream& a, const RtpStream& b, bool telephone_event = true) {
  LocalAudio offerer{.address = "127.0.0.1", .port = a.local_port()};
  LocalAudio answerer{.address = "127.0.0.1", .port = b.local_port(),
                      .telephone_event = telephone_event};
  SessionDescription offer = make_offer(offerer);
  Answer answer = answer_offer(offer, answerer);
  EXPECT_EQ(answer.sip_status(), 200) << answer.reason;
  AcceptedAnswer accepted = accept_answer(offer, answer.description);
  EXPECT_TRUE(accepted.audio) << accepted.reason;
  return {accepted.audio.value_or(NegotiatedAudio{}), answer.audio};
}

// A 1 kHz sine at about -16 dBm0, forever.
RtpStream::Source sine(double hz) {
  return [hz, phase = 0.0](std::span<std::int16_t> frame) mutable {
    for (auto& s : frame) {
      s = static_cast<std::int16_t>(4000 * std::sin(phase));
      phase += 2 * std::numbers::pi * hz / kSampleRate;
    }
    return frame.size();
  };
}

double share_at(std::span<const std::int16_t> x, double hz) {
  double w = 2 * std::numbers::pi * hz / kSampleRate, c = 2 * std::cos(w), s1 = 0, s2 = 0;
  double total = 0;
  for (std::int16_t v : x) {
    double s0 = v + c * s1 - s2;
    s2 = s1, s1 = s0;
    total += double(v) * v;
  }
  return total == 0 ? 0 : 2 * (s1 * s1 + s2 * s2 - c * s1 * s2) / (double(x.size()) * total);
}

struct Heard {
  RecordingBuffer recording{8000 * 10};
  std::string digits;
  std::vector<DigitSource> sources;
  std::vector<udp::endpoint> latches;
  std::size_t frames = 0;

  StreamEvents events() {
    StreamEvents e;
    e.on_audio = [this](const AudioFrame& f) {
      ++frames;
      recording.put(1, f.timestamp, f.samples);
    };
    e.on_digit = [this](const Digit& d, DigitSource source) {
      digits += d.digit;
      sources.push_back(source);
    };
    e.on_latched = [this](const udp::endpoint& from) { latches.push_back(from); };
    return e;
  }
};

TEST(RtpStream, TwoEndpointsExchangeAudioAndAnRfc4733Digit) {
  asio::io_context io;
  RtpStream a(io, {kLoopback, 23000, 23099});
  RtpStream b(io, {kLoopback, 23100, 23199});
  EXPECT_EQ(a.local_port() % 2, 0);
  EXPECT_GE(a.local_port(), 23000);
  EXPECT_LE(a.local_port(), 23099);
  Pair p = negotiate(a, b);
  ASSERT_EQ(p.answerer.telephone_event, 101);
  Heard at_a, at_b;
  a.start(p.offerer, at_a.events());
  b.start(p.answerer, at_b.events());
  a.play(sine(1000));
  b.play(sine(440));
  io.run_for(300ms);
  a.send_digit('7', 120ms);
  io.run_for(700ms);

  EXPECT_EQ(at_b.digits, "7");
  ASSERT_EQ(at_b.sources.size(), 1u);
  EXPECT_EQ(at_b.sources[0], DigitSource::rfc4733);
  EXPECT_EQ(at_a.digits, "");
  // About 50 frames each way in one second (the digit's 8 packets replace 8 of A's); the
  // bounds leave room for a loaded test machine.
  EXPECT_GT(at_b.frames, 25u);
  EXPECT_GT(at_a.frames, 30u);
  EXPECT_GT(share_at(at_b.recording.samples(), 1000), 0.8);
  EXPECT_GT(share_at(at_a.recording.samples(), 440), 0.8);
  // The recording is as long as the stream: the digit's frames are silence in it, not lost.
  EXPECT_NEAR(double(at_b.recording.size()), double(at_b.frames + 8) * 160, 3 * 160);
  // RTP came from where the SDP said: latched at once, to that address.
  ASSERT_EQ(at_b.latches.size(), 1u);
  EXPECT_EQ(at_b.latches[0], udp::endpoint(kLoopback, a.local_port()));
  EXPECT_TRUE(a.latched());
  EXPECT_EQ(a.stats().foreign, 0u);
  EXPECT_EQ(b.stats().malformed, 0u);
}

TEST(RtpStream, InBandDigitsWhenTelephoneEventWasNotNegotiated) {
  asio::io_context io;
  RtpStream a(io, {kLoopback, 23200, 23299});
  RtpStream b(io, {kLoopback, 23300, 23399});
  Pair p = negotiate(a, b, /*telephone_event=*/false);
  ASSERT_FALSE(p.offerer.telephone_event);
  ASSERT_FALSE(p.answerer.telephone_event);
  Heard at_a, at_b;
  a.start(p.offerer, at_a.events());
  b.start(p.answerer, at_b.events());
  io.run_for(100ms);
  a.send_digit('4', 100ms);
  a.send_digit('#', 100ms);
  io.run_for(800ms);
  EXPECT_EQ(at_b.digits, "4#");
  for (DigitSource s : at_b.sources) EXPECT_EQ(s, DigitSource::inband);
}

TEST(RtpStream, AlwaysSendsSilenceWhenNothingPlays) {
  asio::io_context io;
  RtpStream a(io, {kLoopback, 23400, 23449});
  RtpStream b(io, {kLoopback, 23450, 23499});
  Pair p = negotiate(a, b);
  Heard at_a, at_b;
  a.start(p.offerer, at_a.events());
  b.start(p.answerer, at_b.events());
  // A source of 300 ms, then silence: packets keep coming.
  a.play([left = std::size_t{2400}](std::span<std::int16_t> frame) mutable {
    std::size_t n = std::min(left, frame.size());
    std::fill_n(frame.begin(), n, std::int16_t{3000});
    left -= n;
    return n;
  });
  io.run_for(1000ms);
  StreamStats sa = a.stats();
  // 50 expected in 1 s, 15 of them from the source; the lower bound leaves room for a loaded
  // test machine (a stall of more than 100 ms restarts the clock instead of bursting).
  EXPECT_GE(sa.sent, 30u);
  EXPECT_LE(sa.sent, 52u);
  EXPECT_GE(at_b.frames, 30u);
  auto rec = at_b.recording.samples();
  ASSERT_GT(rec.size(), 8000u * 6 / 10);
  // The first 300 ms carry the source (G.711 of 3000), the rest is silence.
  EXPECT_NEAR(rec[100], 3000, 100);
  EXPECT_EQ(rec[rec.size() - 100], 0);
}

TEST(RtpStream, RecvonlyAndInactiveDoNotSend) {
  asio::io_context io;
  RtpStream a(io, {kLoopback, 23500, 23549});
  RtpStream b(io, {kLoopback, 23550, 23599});
  Pair p = negotiate(a, b);
  p.offerer.direction = Direction::recvonly;
  p.answerer.direction = Direction::inactive;
  Heard at_a, at_b;
  a.start(p.offerer, at_a.events());
  b.start(p.answerer, at_b.events());
  io.run_for(300ms);
  EXPECT_EQ(a.stats().sent, 0u);
  EXPECT_EQ(b.stats().sent, 0u);
  EXPECT_GE(a.quiet_for(), 290ms);  // counted from start() when nothing ever came
}

// A plain UDP socket that sends RTP: a phone behind NAT, or a stray source.
struct RawSender {
  RawSender(asio::io_context& io, std::uint16_t port) : socket(io, udp::endpoint(kLoopback, port)) {}
  void send(const udp::endpoint& to, std::uint8_t pt, std::uint32_t ssrc, int count) {
    for (int i = 0; i < count; ++i) {
      RtpHeader h;
      h.payload_type = pt;
      h.sequence = seq++;
      h.timestamp = ts;
      ts += 160;
      h.ssrc = ssrc;
      std::vector<std::uint8_t> payload(160, 0xFF), wire(172);
      write_rtp(h, payload, wire);
      socket.send_to(asio::buffer(wire), to);
    }
  }
  // A key as a phone sends it: RFC 4733 event packets (the last three its end), numbered in
  // the same sequence as the audio.
  void press(const udp::endpoint& to, char digit, std::uint8_t pt, std::uint32_t ssrc) {
    for (const TelephoneEventPacket& p : telephone_event_packets(digit, 800, 160)) {
      RtpHeader h;
      h.payload_type = pt;
      h.marker = p.marker;
      h.sequence = seq++;
      h.timestamp = ts;
      h.ssrc = ssrc;
      std::vector<std::uint8_t> wire(kRtpHeaderSize + p.payload.size());
      write_rtp(h, p.payload, wire);
      socket.send_to(asio::buffer(wire), to);
    }
    ts += 800;
  }
  udp::socket socket;
  std::uint16_t seq = 1;
  std::uint32_t ts = 0;
};

TEST(RtpStream, LatchesToWhereRtpComesFromAndGuardsTheLatch) {
  asio::io_context io;
  RtpStream b(io, {kLoopback, 23600, 23649});
  const udp::endpoint to_b(kLoopback, b.local_port());
  // The SDP names an address nobody sends from (a phone behind NAT gives its private one).
  NegotiatedAudio audio;
  audio.codec = Codec::pcmu;
  audio.payload_type = 0;
  audio.remote_address = "127.0.0.1";
  audio.remote_address_usable = true;
  audio.remote_port = 23698;
  Heard heard;
  b.start(audio, heard.events());
  EXPECT_EQ(b.remote(), udp::endpoint(kLoopback, 23698));  // until RTP says otherwise
  EXPECT_FALSE(b.latched());

  RawSender phone(io, 23650), stray(io, 23652);
  udp::endpoint phone_at(kLoopback, 23650), stray_at(kLoopback, 23652);
  phone.send(to_b, 0, 0xAAAA, 2);
  io.run_for(30ms);
  EXPECT_FALSE(b.latched()) << "latched after 2 packets from a new source";
  phone.send(to_b, 0, 0xAAAA, 1);
  io.run_for(30ms);
  ASSERT_TRUE(b.latched());
  EXPECT_EQ(b.remote(), phone_at);
  ASSERT_EQ(heard.latches.size(), 1u);

  // B now sends to the phone: what it sends arrives there.
  io.run_for(100ms);
  EXPECT_GT(phone.socket.available(), 0u);

  // While the phone keeps talking, another source cannot take the stream over.
  for (int i = 0; i < 10; ++i) {
    stray.send(to_b, 0, 0xBBBB, 1);
    phone.send(to_b, 0, 0xAAAA, 1);
    io.run_for(20ms);
  }
  EXPECT_EQ(b.remote(), phone_at);
  EXPECT_GE(b.stats().foreign, 10u);
  // Nor a burst of packets while the phone has not been quiet for long.
  stray.send(to_b, 0, 0xBBBB, 5);
  io.run_for(50ms);
  EXPECT_EQ(b.remote(), phone_at);

  // The phone goes quiet (its NAT binding changed): the new source takes over.
  io.run_for(RtpStream::kRelatchQuiet + 50ms);
  stray.send(to_b, 0, 0xBBBB, 3);
  io.run_for(30ms);
  EXPECT_EQ(b.remote(), stray_at);
  EXPECT_EQ(heard.latches.size(), 2u);
  EXPECT_EQ(b.stats().latches, 2u);
}

TEST(RtpStream, CountsWhatItDoesNotAccept) {
  asio::io_context io;
  RtpStream b(io, {kLoopback, 23700, 23749});
  const udp::endpoint to_b(kLoopback, b.local_port());
  NegotiatedAudio audio;
  audio.remote_address = "127.0.0.1";
  audio.remote_address_usable = true;
  audio.remote_port = 23750;
  Heard heard;
  b.start(audio, heard.events());
  RawSender phone(io, 23750);
  phone.send(to_b, 0, 1, 3);   // PCMU: accepted (from the SDP's address: latched at once)
  phone.send(to_b, 18, 1, 2);  // G.729: not negotiated
  phone.send(to_b, 101, 1, 1);  // telephone-event: not negotiated either
  std::vector<std::uint8_t> junk{1, 2, 3};
  phone.socket.send_to(asio::buffer(junk), to_b);
  io.run_for(100ms);
  StreamStats s = b.stats();
  EXPECT_EQ(s.received, 3u);
  EXPECT_EQ(s.unexpected_payload, 3u);
  EXPECT_EQ(s.malformed, 1u);
  EXPECT_EQ(s.latches, 1u);
}

// `lost` counts sequence numbers that never came, whatever the payload type: a key pressed in
// the middle of the audio is no loss (its event packets take 8 numbers of the sequence), a
// real gap is. With both kinds of packet I/O.
TEST(RtpStream, LostCountsMissingSequenceNumbersNotKeyPresses) {
  for (PacketIo::Kind kind : {PacketIo::Kind::uring, PacketIo::Kind::syscalls}) {
    SCOPED_TRACE(kind == PacketIo::Kind::uring ? "io_uring" : "syscalls");
    asio::io_context io;
    MediaClock clock(io, kind);
    try {
      clock.packets();
    } catch (const std::system_error& e) {
      std::cout << "io_uring refused here, not tested: " << e.what() << "\n";
      continue;
    }
    RtpStream b(clock, {kLoopback, 23950, 23979});
    const udp::endpoint to_b(kLoopback, b.local_port());
    NegotiatedAudio audio;
    audio.telephone_event = 101;
    audio.remote_address = "127.0.0.1";
    audio.remote_address_usable = true;
    audio.remote_port = 23990;
    Heard heard;
    b.start(audio, heard.events());
    RawSender phone(io, 23990);
    phone.send(to_b, 0, 7, 10);
    phone.press(to_b, '5', 101, 7);
    phone.send(to_b, 0, 7, 10);
    io.run_for(100ms);
    EXPECT_EQ(heard.digits, "5");
    EXPECT_EQ(b.stats().received, 20u + telephone_event_packets('5', 800, 160).size());
    EXPECT_EQ(b.stats().lost, 0u);
    // Three packets never sent: three lost.
    phone.seq = static_cast<std::uint16_t>(phone.seq + 3);
    phone.ts += 3 * 160;
    phone.send(to_b, 0, 7, 5);
    io.run_for(100ms);
    EXPECT_EQ(b.stats().lost, 3u);
  }
}

TEST(RtpStream, ThrowsWhenNoPortOfTheRangeIsFree) {
  asio::io_context io;
  RtpStream first(io, {kLoopback, 23800, 23801});
  EXPECT_EQ(first.local_port(), 23800);
  EXPECT_THROW(RtpStream(io, {kLoopback, 23800, 23801}), std::system_error);
  EXPECT_THROW(RtpStream(io, {kLoopback, 23803, 23803}), std::system_error);  // no even port
}

TEST(RtpStream, OutlivesItsPeerAndEndsQuietlyWhenDestroyed) {
  asio::io_context io;
  RtpStream a(io, {kLoopback, 23850, 23899});
  auto b = std::make_unique<RtpStream>(io, PortRange{kLoopback, 23900, 23949});
  Pair p = negotiate(a, *b);
  Heard at_a, at_b;
  a.start(p.offerer, at_a.events());
  b->start(p.answerer, at_b.events());
  io.run_for(200ms);
  std::size_t heard = at_b.frames;
  EXPECT_GT(heard, 5u);
  // B goes away while its handlers are pending; A now sends to a closed port (ICMP port
  // unreachable comes back as an error on A's next receive) and must carry on.
  EXPECT_LT(a.quiet_for(), 100ms);
  b.reset();
  std::uint64_t sent = a.stats().sent;
  io.run_for(300ms);
  EXPECT_EQ(at_b.frames, heard);  // no callback of the destroyed stream ran
  EXPECT_GE(a.stats().sent, sent + 10);
  // Nothing comes from B any more: A's owner sees it in quiet_for (its RTP timeout). A reads
  // B's last packets at its clock's next wake, up to a frame (20 ms) after B went.
  EXPECT_GE(a.quiet_for(), 300ms - 25ms);
}

}  // namespace
}  // namespace callplan::media
