// media/dtmf_rfc4733.hpp — DTMF digits as RTP telephone-events (RFC 4733 section 2.3).
//
// Receiving: a sender repeats an event's packets (start with the marker bit, updates every
// 50 ms or so, and usually three copies of the end packet), all with the RTP timestamp of the
// event's start. The receiver keys each event by that timestamp and reports exactly one digit
// per event, when it ends, with its duration:
//
//   media::TelephoneEventReceiver receiver;
//   if (auto digit = receiver.on_packet(rtp.header.timestamp, rtp.payload)) menu.press(*digit);
//   ...  // every 20 ms with nothing received:
//   if (auto digit = receiver.expire(now_in_rtp_units)) menu.press(*digit);
//
// An event whose end packets are all lost is still reported once: when a packet of a later
// event arrives, or when expire() finds it silent for longer than kEventTimeout.
//
// Sending: TelephoneEventSender turns a digit into the payloads of one event (one packet per
// frame while the key is held, then three end packets), for the endpoint to put in RTP.
// Thread safety: none; one receiver per stream.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace callplan::media {

// Event codes 0-15 (RFC 4733 section 3.2) as characters: 0-9, *, #, A-D.
std::optional<char> dtmf_digit(std::uint8_t event) noexcept;
std::optional<std::uint8_t> dtmf_event(char digit) noexcept;

struct TelephoneEvent {
  std::uint8_t event = 0;
  bool end = false;
  std::uint8_t volume = 10;     // -dBm0, 0..63
  std::uint16_t duration = 0;   // in RTP timestamp units since the event's timestamp
};

// Reads / writes the 4-byte payload. parse: nullopt when shorter than 4 bytes.
std::optional<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload) noexcept;
std::array<std::uint8_t, 4> write_telephone_event(const TelephoneEvent& event) noexcept;

struct Digit {
  char digit = '0';
  std::uint32_t timestamp = 0;  // RTP timestamp of the event (its start)
  std::uint32_t duration = 0;   // RTP timestamp units (8 per ms at 8 kHz)
};

class TelephoneEventReceiver {
 public:
  // Silence after which an event without an end packet is taken as ended (in RTP units:
  // 8000 per second). Senders refresh at least every 50 ms.
  static constexpr std::uint32_t kEventTimeout = 8000 / 2;

  // One telephone-event packet: its RTP timestamp and payload. Returns the digit when this
  // packet completes an event (its first end packet), or when it starts a new event while an
  // earlier one never ended (that earlier digit is returned; the new one is tracked).
  // Repeated and late packets of a reported event return nullopt; so do events 16 and up
  // (tones other than DTMF) and payloads too short to be events. When one packet completes
  // two events (an unfinished event, then a new event's end packet), the second digit is
  // returned by the next call of on_packet() or expire(): call expire() every frame.
  std::optional<Digit> on_packet(std::uint32_t timestamp,
                                 std::span<const std::uint8_t> payload) noexcept;

  // `now` is the current RTP time (the timestamp a packet sent now would carry). Reports an
  // unfinished event that has not been refreshed for kEventTimeout.
  std::optional<Digit> expire(std::uint32_t now) noexcept;

 private:
  struct Open {
    std::uint32_t timestamp;
    std::uint8_t event;
    std::uint32_t duration;
  };
  bool reported(std::uint32_t timestamp) const noexcept;
  void remember(std::uint32_t timestamp) noexcept;
  Digit finish() noexcept;
  std::optional<Digit> take() noexcept;
  void push(Digit digit) noexcept;

  std::optional<Open> open_;
  std::uint32_t last_heard_ = 0;  // RTP time the open event was last known to be going on
  std::array<Digit, 3> ready_{};  // digits completed and not yet returned, oldest first
  std::size_t ready_count_ = 0;
  // Timestamps of the last events reported: their retransmissions are dropped.
  std::array<std::uint32_t, 8> done_{};
  std::size_t done_count_ = 0;
  std::size_t done_next_ = 0;
};

// The packets of one event, in order. Each entry is the payload plus whether the RTP marker
// bit is set (the first packet only); all share the event's RTP timestamp. One packet per
// `frame` of duration while the key is held, then the end packet three times (RFC 4733
// section 2.5.1.4), all with the final duration.
struct TelephoneEventPacket {
  std::array<std::uint8_t, 4> payload;
  bool marker = false;
};
std::vector<TelephoneEventPacket> telephone_event_packets(char digit, std::uint32_t duration,
                                                          std::uint32_t frame,
                                                          std::uint8_t volume = 10);

}  // namespace callplan::media
