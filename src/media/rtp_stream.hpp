// media/rtp_stream.hpp — one call leg's audio over UDP: the RTP endpoint of the media side.
//
//   asio::io_context io;
//   media::MediaClock clock(io);                       // one for all the process's legs
//   media::RtpStream stream(clock, {asio::ip::make_address("127.0.0.1"), 40000, 40999});
//   local.port = stream.local_port();                  // into the SDP answer
//   stream.start(answer.audio, {.on_audio = record, .on_digit = press});
//   stream.play(prompt_source);                        // what the caller hears
//   io.run();
//
// Pacing: the stream is a member of a MediaClock (media_clock.hpp), which wakes the thread
// once per frame time for every leg: the clock's packet I/O (packet_io.hpp) first hands the
// stream what arrived on its socket, then the stream sends its frame when it is due, queued
// with every other leg's and sent in one batch. Its socket is never waited on by itself, so a
// packet's arrival does not wake the thread. A stream made with an io_context alone has a
// clock of its own.
//
// Sending: one packet every ptime (20 ms), at fixed deadlines so the clock does not drift;
// silence when nothing plays — always send (a silent leg looks dead to NATs, to RTP timeouts
// of phones and carriers, and to the latching of the other side) — unless the negotiated
// direction forbids it (recvonly, inactive). Digits go as RFC 4733 events when
// telephone-event was negotiated, else as in-band tones.
//
// Receiving: packets are checked (RTP, the negotiated payload types) and accepted from one
// source, the latched one. Symmetric RTP (RFC 4961 and practice behind NAT): the stream
// first sends where the SDP says; it latches to the address RTP really comes from — at once
// when the first packet comes from the SDP's address, else after kLatchPackets consecutive
// packets from one new address with one SSRC. Once latched, it moves to another source only
// when that source has sent kLatchPackets in a row and the latched one has been quiet for
// kRelatchQuiet (a phone whose NAT binding changed), so stray or injected packets cannot take
// over a live stream. Audio is decoded, put back in order by a small jitter buffer (3
// frames) and delivered with its timestamp and any gap; digits come from the telephone-event
// receiver, or from the in-band detector when telephone-event was not negotiated.
//
// Thread safety: every call on the io_context's thread, and callbacks run there. The stream
// may be destroyed at any time on that thread (not from its own callbacks); it leaves its
// clock, which must outlive it.
// Errors: the constructor throws std::system_error when no port of the range can be bound.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/udp.hpp>

#include "media/dtmf_rfc4733.hpp"
#include "media/jitter_buffer.hpp"
#include "media/media_clock.hpp"
#include "media/sdp_offer_answer.hpp"

namespace callplan::media {

struct PortRange {
  asio::ip::address address;  // to bind to
  std::uint16_t first = 0;    // even ports in [first, last] are tried
  std::uint16_t last = 0;
};

enum class DigitSource : std::uint8_t { rfc4733, inband };

struct StreamEvents {
  // Decoded audio of the latched source, in order, with its RTP timestamp and the gap
  // before it.
  std::function<void(const AudioFrame&)> on_audio;
  std::function<void(const Digit&, DigitSource)> on_digit;
  // The stream latched (or re-latched) to this source.
  std::function<void(const asio::ip::udp::endpoint&)> on_latched;
  // A source given to play() has ended (returned fewer samples than a frame).
  std::function<void()> on_played;
};

struct StreamStats {
  std::uint64_t sent = 0;           // packets
  std::uint64_t received = 0;       // packets accepted from the latched source
  std::uint64_t malformed = 0;      // not RTP
  std::uint64_t foreign = 0;        // from a source other than the latched one
  std::uint64_t unexpected_payload = 0;  // a payload type that was not negotiated
  std::uint64_t late = 0;           // arrived after their place in the stream had passed
  std::uint64_t lost = 0;           // sequence numbers that never arrived (sequence_loss.hpp):
                                    // every payload type counts, so RFC 4733 events are no loss
  std::uint64_t latches = 0;        // latches and re-latches
};

class RtpStream {
 public:
  static constexpr int kLatchPackets = 3;
  static constexpr std::chrono::milliseconds kRelatchQuiet{500};
  static constexpr std::size_t kJitterFrames = 3;

  // On a clock shared with the process's other streams (the clock outlives the stream).
  RtpStream(MediaClock& clock, const PortRange& ports);
  // On a clock of its own (tests, a single stream).
  RtpStream(asio::io_context& io, const PortRange& ports);
  ~RtpStream();
  RtpStream(const RtpStream&) = delete;
  RtpStream& operator=(const RtpStream&) = delete;

  std::uint16_t local_port() const noexcept;

  // Starts sending and receiving by what was negotiated. Calling it again (a re-INVITE)
  // takes the new parameters and forgets the latch.
  void start(const NegotiatedAudio& audio, StreamEvents events);
  // Stops sending and receiving; the port stays bound until destruction.
  void stop();

  // What the other side hears: `source` fills each frame of 8 kHz samples and returns how
  // many it wrote; fewer than the frame means it has ended (on_played is called, and silence
  // follows). Replaces what was playing. An empty function plays silence.
  using Source = std::function<std::size_t(std::span<std::int16_t>)>;
  void play(Source source);

  // Sends a digit (RFC 4733 or in-band, as negotiated) held for `duration`. Digits queue.
  void send_digit(char digit, std::chrono::milliseconds duration = std::chrono::milliseconds(100));

  StreamStats stats() const noexcept;
  // Where the stream sends now: the latched source, or the SDP's address until then.
  std::optional<asio::ip::udp::endpoint> remote() const;
  bool latched() const noexcept;
  // How long no packet has been accepted from the other side (since start() when none has
  // come yet): the owner's RTP timeout, for a caller who vanished without a BYE.
  std::chrono::steady_clock::duration quiet_for() const noexcept;
  // The same at `now` (a clock wake's time: no clock read per leg).
  std::chrono::steady_clock::duration quiet_for(std::chrono::steady_clock::time_point now) const noexcept;

 private:
  class Impl;
  std::unique_ptr<MediaClock> own_clock_;  // before impl_: destroyed after it
  std::unique_ptr<Impl> impl_;
};

}  // namespace callplan::media
