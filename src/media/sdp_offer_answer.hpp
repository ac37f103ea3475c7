// media/sdp_offer_answer.hpp — the offer/answer model (RFC 3264) for callplan's one audio
// stream: G.711 PCMU / PCMA and RFC 4733 telephone-event.
//
//   media::LocalAudio local{.address = "192.0.2.10", .port = 40000};
//   media::Answer answer = media::answer_offer(offer, local);
//   if (answer.outcome == media::AnswerOutcome::not_acceptable) reply(488, answer.reason);
//   else { reply(200, media::format_sdp(answer.description)); start(answer.audio); }
//
// Answering (section 6 of the RFC): the first audio stream over RTP/AVP that offers a codec
// we take is accepted; every other m= line (video, a second audio stream, SRTP profiles, port
// 0) is answered with port 0 (rejected). The codec is the first of the offer's formats that
// we take (the offerer's order wins), with the offerer's payload type number; telephone-event
// is answered only when offered at 8000 Hz, again with the offerer's number. No codec in
// common: AnswerOutcome::not_acceptable, which is a 488 Not Acceptable Here. Directions are
// mirrored (sendonly -> recvonly, recvonly -> sendonly, inactive -> inactive) and narrowed by
// what the local side wants; the answer carries a=ptime.
//
// Offering (for calls the media side originates): make_offer() then accept_answer().
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "media/g711.hpp"
#include "media/sdp.hpp"

namespace callplan::media {

inline constexpr std::uint8_t kDefaultTelephoneEventPayloadType = 101;

struct LocalAudio {
  std::string address;  // our IP literal, for o= and c=
  std::uint16_t port = 0;
  std::vector<Codec> codecs{Codec::pcmu, Codec::pcma};  // what we take; our order in offers
  bool telephone_event = true;
  std::uint8_t telephone_event_payload_type = kDefaultTelephoneEventPayloadType;  // offers
  std::uint16_t ptime_ms = 20;  // what we ask to receive
  Direction direction = Direction::sendrecv;  // what we want to do, at most
  std::string session_id = "0";               // o= line
  std::string session_version = "0";
};

// What both sides agreed on for the audio stream: everything an RTP endpoint needs.
struct NegotiatedAudio {
  Codec codec = Codec::pcmu;
  std::uint8_t payload_type = 0;
  std::optional<std::uint8_t> telephone_event;  // payload type, when negotiated
  std::string remote_address;                   // where to send, from c=
  bool remote_address_usable = false;           // a literal, not 0.0.0.0 / ::, not a name
  std::uint16_t remote_port = 0;
  Direction direction = Direction::sendrecv;    // ours: sendonly means we only send
  std::uint16_t ptime_ms = 20;                  // the packet time we send with
};

enum class AnswerOutcome : std::uint8_t { answered, not_acceptable };

struct Answer {
  AnswerOutcome outcome = AnswerOutcome::not_acceptable;
  SessionDescription description;  // when answered
  NegotiatedAudio audio;           // when answered
  std::string reason;              // when not acceptable: why, for the 488 and the log

  // The SIP status this outcome maps to: 200 or 488.
  int sip_status() const noexcept { return outcome == AnswerOutcome::answered ? 200 : 488; }
};

Answer answer_offer(const SessionDescription& offer, const LocalAudio& local);

SessionDescription make_offer(const LocalAudio& local);

struct AcceptedAnswer {
  std::optional<NegotiatedAudio> audio;  // nullopt: the answer is unusable (see reason)
  std::string reason;
};

// Reads the answer to an offer made by make_offer(): the codec the answer's audio stream
// lists first among those we offered, telephone-event when both have it.
AcceptedAnswer accept_answer(const SessionDescription& offer, const SessionDescription& answer);

}  // namespace callplan::media
