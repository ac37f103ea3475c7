#include "media/sdp_offer_answer.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace callplan::media {
namespace {

constexpr std::uint32_t kG711Rate = 8000;

std::optional<std::uint8_t> payload_type_of(const std::string& format) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(format.data(), format.data() + format.size(), value);
  if (ec != std::errc{} || end != format.data() + format.size() || value > 127) return std::nullopt;
  return static_cast<std::uint8_t>(value);
}

bool equals_nocase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// The G.711 codec a format of an m= line stands for: its rtpmap when there is one, else
// the static payload types 0 and 8 of RFC 3551.
std::optional<Codec> g711_of(const SdpMedia& m, std::uint8_t pt) {
  if (const SdpRtpMap* r = m.rtpmap(pt)) {
    auto codec = codec_named(r->encoding);
    if (codec && r->clock_rate == kG711Rate && r->channels == 1) return codec;
    return std::nullopt;
  }
  if (pt == 0) return Codec::pcmu;
  if (pt == 8) return Codec::pcma;
  return std::nullopt;
}

std::optional<std::uint8_t> telephone_event_of(const SdpMedia& m) {
  for (const std::string& format : m.formats) {
    auto pt = payload_type_of(format);
    if (!pt) continue;
    const SdpRtpMap* r = m.rtpmap(*pt);
    if (r && equals_nocase(r->encoding, "telephone-event") && r->clock_rate == kG711Rate) return pt;
  }
  return std::nullopt;
}

bool is_rtp_avp(const SdpMedia& m) { return m.protocol == "RTP/AVP"; }

// Narrows what the offer allows us (the reverse of its direction) by what we want.
Direction combine(Direction allowed, Direction wanted) {
  bool send = (allowed == Direction::sendrecv || allowed == Direction::sendonly) &&
              (wanted == Direction::sendrecv || wanted == Direction::sendonly);
  bool receive = (allowed == Direction::sendrecv || allowed == Direction::recvonly) &&
                 (wanted == Direction::sendrecv || wanted == Direction::recvonly);
  if (send && receive) return Direction::sendrecv;
  if (send) return Direction::sendonly;
  if (receive) return Direction::recvonly;
  return Direction::inactive;
}

bool usable(const SdpConnection& c) {
  return c.literal && c.address != "0.0.0.0" && c.address != "::";
}

AddressType type_of(const std::string& address) {
  return address.find(':') != std::string::npos ? AddressType::ip6 : AddressType::ip4;
}

SessionDescription our_session(const LocalAudio& local) {
  SessionDescription sd;
  sd.origin = {"callplan", local.session_id, local.session_version, type_of(local.address),
               local.address};
  sd.session_name = "callplan";
  sd.connection = SdpConnection{type_of(local.address), local.address, true};
  return sd;
}

SdpMedia rejected(const SdpMedia& offered) {
  SdpMedia m;
  m.media = offered.media;
  m.port = 0;
  m.protocol = offered.protocol;
  m.formats = offered.formats;  // an m= line needs at least one format; echo the offer's
  return m;
}

void add_telephone_event(SdpMedia& m, std::uint8_t pt) {
  m.formats.push_back(std::to_string(pt));
  m.rtpmaps.push_back({pt, "telephone-event", kG711Rate, 1});
  m.fmtps.push_back({pt, "0-15"});
}

std::uint16_t send_ptime(const SdpMedia& m) {
  // The peer's wish when it is a whole number of 10 ms frames we can send, else 20 ms.
  if (m.ptime_ms && *m.ptime_ms % 10 == 0 && *m.ptime_ms >= 10 && *m.ptime_ms <= 60) {
    return *m.ptime_ms;
  }
  return 20;
}

NegotiatedAudio negotiated(const SessionDescription& sd, const SdpMedia& m, Codec codec,
                           std::uint8_t pt, std::optional<std::uint8_t> event, Direction ours) {
  NegotiatedAudio a;
  a.codec = codec;
  a.payload_type = pt;
  a.telephone_event = event;
  if (const SdpConnection* c = sd.connection_for(m)) {
    a.remote_address = c->address;
    a.remote_address_usable = usable(*c);
  }
  a.remote_port = m.port;
  a.direction = ours;
  a.ptime_ms = send_ptime(m);
  return a;
}

}  // namespace

Answer answer_offer(const SessionDescription& offer, const LocalAudio& local) {
  Answer result;
  SessionDescription sd = our_session(local);
  bool accepted = false;
  std::string why = "the offer has no audio stream";
  for (const SdpMedia& m : offer.media) {
    if (accepted || m.media != "audio" || m.port == 0 || !is_rtp_avp(m)) {
      if (!accepted && m.media == "audio" && m.port != 0 && !is_rtp_avp(m)) {
        why = fmt::format("the audio stream uses {}, not RTP/AVP", m.protocol);
      }
      sd.media.push_back(rejected(m));
      continue;
    }
    std::optional<std::pair<Codec, std::uint8_t>> choice;
    for (const std::string& format : m.formats) {
      auto pt = payload_type_of(format);
      if (!pt) continue;
      auto codec = g711_of(m, *pt);
      if (codec && std::find(local.codecs.begin(), local.codecs.end(), *codec) !=
                       local.codecs.end()) {
        choice = {{*codec, *pt}};
        break;
      }
    }
    if (!choice) {
      std::vector<std::string_view> names;
      for (Codec c : local.codecs) names.push_back(encoding_name(c));
      why = fmt::format("no codec in common: the audio stream offers formats {}, we take {}",
                        fmt::join(m.formats, " "), fmt::join(names, " "));
      sd.media.push_back(rejected(m));
      continue;
    }
    auto [codec, pt] = *choice;
    std::optional<std::uint8_t> event;
    if (local.telephone_event) event = telephone_event_of(m);
    Direction ours = combine(reverse(offer.direction_for(m)), local.direction);

    SdpMedia a;
    a.media = "audio";
    a.port = local.port;
    a.protocol = m.protocol;
    a.formats.push_back(std::to_string(pt));
    a.rtpmaps.push_back({pt, std::string(encoding_name(codec)), kG711Rate, 1});
    if (event) add_telephone_event(a, *event);
    a.ptime_ms = local.ptime_ms;
    a.direction = ours;
    sd.media.push_back(std::move(a));

    result.audio = negotiated(offer, m, codec, pt, event, ours);
    accepted = true;
  }
  if (!accepted) {
    result.outcome = AnswerOutcome::not_acceptable;
    result.reason = why;
    return result;
  }
  result.outcome = AnswerOutcome::answered;
  result.description = std::move(sd);
  return result;
}

SessionDescription make_offer(const LocalAudio& local) {
  SessionDescription sd = our_session(local);
  SdpMedia m;
  m.media = "audio";
  m.port = local.port;
  m.protocol = "RTP/AVP";
  for (Codec codec : local.codecs) {
    std::uint8_t pt = static_payload_type(codec);
    m.formats.push_back(std::to_string(pt));
    m.rtpmaps.push_back({pt, std::string(encoding_name(codec)), kG711Rate, 1});
  }
  if (local.telephone_event) add_telephone_event(m, local.telephone_event_payload_type);
  m.ptime_ms = local.ptime_ms;
  m.direction = local.direction;
  sd.media.push_back(std::move(m));
  return sd;
}

AcceptedAnswer accept_answer(const SessionDescription& offer, const SessionDescription& answer) {
  AcceptedAnswer result;
  auto ours = std::find_if(offer.media.begin(), offer.media.end(),
                           [](const SdpMedia& m) { return m.media == "audio"; });
  if (ours == offer.media.end()) {
    result.reason = "the offer has no audio stream";
    return result;
  }
  auto index = static_cast<std::size_t>(ours - offer.media.begin());
  // RFC 3264 section 6: the answer has as many m= lines as the offer, in the same order.
  if (answer.media.size() != offer.media.size()) {
    result.reason = fmt::format("the answer has {} m= lines, the offer {}", answer.media.size(),
                                offer.media.size());
    return result;
  }
  const SdpMedia& m = answer.media[index];
  if (m.media != "audio" || m.port == 0) {
    result.reason = "the answer rejects the audio stream";
    return result;
  }
  for (const std::string& format : m.formats) {
    auto pt = payload_type_of(format);
    if (!pt) continue;
    auto codec = g711_of(m, *pt);
    if (!codec || !g711_of(*ours, static_payload_type(*codec)).has_value()) continue;
    std::optional<std::uint8_t> event;
    if (telephone_event_of(*ours)) event = telephone_event_of(m);
    result.audio = negotiated(answer, m, *codec, *pt, event, reverse(answer.direction_for(m)));
    return result;
  }
  result.reason = fmt::format("the answer's audio formats ({}) are none of those offered",
                              fmt::join(m.formats, " "));
  return result;
}

}  // namespace callplan::media
