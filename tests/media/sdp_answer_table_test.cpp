// The SDP answer table: one row per rule of media/sdp_offer_answer.hpp. Each row is an offer
// (its m= section and attributes after a common session head), what the local side takes,
// and the answer expected: 200 or 488, codec and payload type, telephone-event, our
// direction, which m= lines are accepted (port != 0).
#include "media/sdp_offer_answer.hpp"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace callplan::media {
namespace {

struct Row {
  const char* name;
  std::string offer_media;  // everything after "t=0 0"
  std::vector<Codec> local_codecs{Codec::pcmu, Codec::pcma};
  Direction local_direction = Direction::sendrecv;
  // expected
  int status = 200;
  Codec codec = Codec::pcmu;
  std::uint8_t payload_type = 0;
  std::optional<std::uint8_t> telephone_event;
  Direction direction = Direction::sendrecv;
  std::vector<std::uint16_t> ports{5000};  // the answer's m= ports; 5000 is ours
  std::uint16_t send_ptime = 20;
};

constexpr const char* kHead =
    "v=0\r\no=- 7 7 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n";
constexpr std::uint8_t kTe = 101;

class SdpAnswerTable : public ::testing::TestWithParam<Row> {};

TEST_P(SdpAnswerTable, Answers) {
  const Row& row = GetParam();
  SdpParse offer = parse_sdp(std::string(kHead) + row.offer_media);
  ASSERT_TRUE(offer.ok()) << offer.problem.text();
  LocalAudio local;
  local.address = "192.0.2.1";
  local.port = 5000;
  local.codecs = row.local_codecs;
  local.direction = row.local_direction;
  Answer answer = answer_offer(*offer.description, local);
  ASSERT_EQ(answer.sip_status(), row.status) << answer.reason;
  if (row.status == 488) {
    EXPECT_EQ(answer.outcome, AnswerOutcome::not_acceptable);
    EXPECT_FALSE(answer.reason.empty());
    return;
  }
  const NegotiatedAudio& a = answer.audio;
  EXPECT_EQ(a.codec, row.codec);
  EXPECT_EQ(a.payload_type, row.payload_type);
  EXPECT_EQ(a.telephone_event, row.telephone_event);
  EXPECT_EQ(a.direction, row.direction);
  EXPECT_EQ(a.ptime_ms, row.send_ptime);

  // The answer as it goes on the wire, read back.
  std::string text = format_sdp(answer.description);
  SdpParse back = parse_sdp(text);
  ASSERT_TRUE(back.ok()) << back.problem.text() << "\n" << text;
  const SessionDescription& sd = *back.description;
  EXPECT_EQ(sd.connection->address, "192.0.2.1");
  EXPECT_EQ(sd.origin.address, "192.0.2.1");
  ASSERT_EQ(sd.media.size(), offer.description->media.size()) << text;  // RFC 3264 6
  std::vector<std::uint16_t> ports;
  for (const SdpMedia& m : sd.media) ports.push_back(m.port);
  EXPECT_EQ(ports, row.ports) << text;
  for (std::size_t i = 0; i < sd.media.size(); ++i) {
    const SdpMedia& m = sd.media[i];
    EXPECT_EQ(m.media, offer.description->media[i].media);
    EXPECT_EQ(m.protocol, offer.description->media[i].protocol);
    EXPECT_FALSE(m.formats.empty());
    if (m.port == 0) continue;
    std::vector<std::string> formats{std::to_string(row.payload_type)};
    if (row.telephone_event) formats.push_back(std::to_string(*row.telephone_event));
    EXPECT_EQ(m.formats, formats) << text;
    ASSERT_NE(m.rtpmap(row.payload_type), nullptr) << text;
    EXPECT_EQ(m.rtpmap(row.payload_type)->encoding, encoding_name(row.codec));
    if (row.telephone_event) {
      ASSERT_NE(m.rtpmap(*row.telephone_event), nullptr);
      EXPECT_EQ(m.rtpmap(*row.telephone_event)->encoding, "telephone-event");
      EXPECT_EQ(m.fmtp(*row.telephone_event)->parameters, "0-15");
    }
    EXPECT_EQ(m.ptime_ms, 20) << text;
    EXPECT_EQ(sd.direction_for(m), row.direction) << text;
  }
}

Row row(const char* name, std::string media) {
  Row r;
  r.name = name;
  r.offer_media = std::move(media);
  return r;
}
Row with(Row r, auto change) {
  change(r);
  return r;
}

const std::string kTeMap = "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n";

INSTANTIATE_TEST_SUITE_P(
    Rules, SdpAnswerTable,
    ::testing::Values(
        // codecs: the offerer's order, the offerer's numbers
        row("pcmu_static", "m=audio 4000 RTP/AVP 0\r\n"),
        with(row("offerer_order_wins", "m=audio 4000 RTP/AVP 8 0\r\n"),
             [](Row& r) { r.codec = Codec::pcma, r.payload_type = 8; }),
        with(row("dynamic_numbers_echoed",
                 "m=audio 4000 RTP/AVP 96 97 101\r\na=rtpmap:96 PCMA/8000\r\n"
                 "a=rtpmap:97 PCMU/8000\r\n" + kTeMap),
             [](Row& r) { r.codec = Codec::pcma, r.payload_type = 96, r.telephone_event = kTe; }),
        with(row("encoding_name_any_case", "m=audio 4000 RTP/AVP 98\r\na=rtpmap:98 pcmu/8000\r\n"),
             [](Row& r) { r.payload_type = 98; }),
        row("skips_codecs_it_does_not_take",
            "m=audio 4000 RTP/AVP 18 9 3 0\r\na=rtpmap:18 G729/8000\r\n"),
        with(row("local_order_does_not_matter", "m=audio 4000 RTP/AVP 0 8\r\n"),
             [](Row& r) { r.local_codecs = {Codec::pcma, Codec::pcmu}; }),
        with(row("local_pcma_only", "m=audio 4000 RTP/AVP 0 8\r\n"),
             [](Row& r) {
               r.local_codecs = {Codec::pcma};
               r.codec = Codec::pcma, r.payload_type = 8;
             }),
        // 488 when nothing matches
        with(row("no_codec_in_common", "m=audio 4000 RTP/AVP 18 9\r\na=rtpmap:18 G729/8000\r\n"),
             [](Row& r) { r.status = 488; }),
        with(row("pcmu_at_16k_is_not_g711", "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 PCMU/16000\r\n"),
             [](Row& r) { r.status = 488; }),
        with(row("pcmu_stereo_is_not_taken", "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 PCMU/8000/2\r\n"),
             [](Row& r) { r.status = 488; }),
        with(row("local_pcma_only_offer_pcmu", "m=audio 4000 RTP/AVP 0\r\n"),
             [](Row& r) { r.local_codecs = {Codec::pcma}, r.status = 488; }),
        with(row("only_telephone_event", "m=audio 4000 RTP/AVP 101\r\n" + kTeMap),
             [](Row& r) { r.status = 488; }),
        // telephone-event: only when offered, with the offerer's number, at 8000 Hz
        with(row("telephone_event_echoed", "m=audio 4000 RTP/AVP 0 101\r\n" + kTeMap),
             [](Row& r) { r.telephone_event = kTe; }),
        with(row("telephone_event_other_number",
                 "m=audio 4000 RTP/AVP 0 96\r\na=rtpmap:96 telephone-event/8000\r\n"),
             [](Row& r) { r.telephone_event = 96; }),
        row("telephone_event_not_offered", "m=audio 4000 RTP/AVP 0\r\n"),
        row("telephone_event_at_16k_ignored",
            "m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/16000\r\n"),
        row("telephone_event_number_without_rtpmap", "m=audio 4000 RTP/AVP 0 101\r\n"),
        // directions
        with(row("sendonly_answered_recvonly", "m=audio 4000 RTP/AVP 0\r\na=sendonly\r\n"),
             [](Row& r) { r.direction = Direction::recvonly; }),
        with(row("recvonly_answered_sendonly", "m=audio 4000 RTP/AVP 0\r\na=recvonly\r\n"),
             [](Row& r) { r.direction = Direction::sendonly; }),
        with(row("inactive_answered_inactive", "m=audio 4000 RTP/AVP 0\r\na=inactive\r\n"),
             [](Row& r) { r.direction = Direction::inactive; }),
        with(row("session_level_sendonly", "a=sendonly\r\nm=audio 4000 RTP/AVP 0\r\n"),
             [](Row& r) { r.direction = Direction::recvonly; }),
        with(row("media_level_overrides_session", "a=sendonly\r\nm=audio 4000 RTP/AVP 0\r\n"
                                                  "a=sendrecv\r\n"),
             [](Row& r) { r.direction = Direction::sendrecv; }),
        with(row("local_recvonly", "m=audio 4000 RTP/AVP 0\r\n"),
             [](Row& r) {
               r.local_direction = Direction::recvonly;
               r.direction = Direction::recvonly;
             }),
        with(row("local_recvonly_offer_recvonly", "m=audio 4000 RTP/AVP 0\r\na=recvonly\r\n"),
             [](Row& r) {
               r.local_direction = Direction::recvonly;
               r.direction = Direction::inactive;
             }),
        // other m= lines rejected with port 0, in place
        with(row("video_rejected", "m=audio 4000 RTP/AVP 0\r\nm=video 4002 RTP/AVP 96\r\n"
                                   "a=rtpmap:96 H264/90000\r\n"),
             [](Row& r) { r.ports = {5000, 0}; }),
        with(row("video_first_rejected", "m=video 4002 RTP/AVP 96\r\nm=audio 4000 RTP/AVP 0\r\n"),
             [](Row& r) { r.ports = {0, 5000}; }),
        with(row("video_only", "m=video 4002 RTP/AVP 96\r\n"), [](Row& r) { r.status = 488; }),
        with(row("image_t38_rejected", "m=audio 4000 RTP/AVP 0\r\nm=image 4004 udptl t38\r\n"),
             [](Row& r) { r.ports = {5000, 0}; }),
        with(row("second_audio_rejected", "m=audio 4000 RTP/AVP 0\r\nm=audio 4002 RTP/AVP 8\r\n"),
             [](Row& r) { r.ports = {5000, 0}; }),
        with(row("disabled_audio_then_audio", "m=audio 0 RTP/AVP 0\r\nm=audio 4002 RTP/AVP 8\r\n"),
             [](Row& r) {
               r.ports = {0, 5000};
               r.codec = Codec::pcma, r.payload_type = 8;
             }),
        with(row("audio_without_match_then_audio",
                 "m=audio 4000 RTP/AVP 9\r\nm=audio 4002 RTP/AVP 0\r\n"),
             [](Row& r) { r.ports = {0, 5000}; }),
        with(row("srtp_rejected", "m=audio 4000 RTP/SAVP 0\r\n"), [](Row& r) { r.status = 488; }),
        with(row("srtp_then_rtp", "m=audio 4000 RTP/SAVP 0\r\nm=audio 4002 RTP/AVP 0\r\n"),
             [](Row& r) { r.ports = {0, 5000}; }),
        // packet time: we answer a=ptime:20; we send with the offerer's when we can
        with(row("ptime_30_sent", "m=audio 4000 RTP/AVP 0\r\na=ptime:30\r\n"),
             [](Row& r) { r.send_ptime = 30; }),
        row("ptime_25_not_sent", "m=audio 4000 RTP/AVP 0\r\na=ptime:25\r\n"),
        row("ptime_90_not_sent", "m=audio 4000 RTP/AVP 0\r\na=ptime:90\r\n")),
    [](const ::testing::TestParamInfo<Row>& param) { return std::string(param.param.name); });

TEST(SdpAnswer, RemoteAddressFromTheMediaOrTheSession) {
  LocalAudio local{.address = "::1", .port = 6000};
  auto offer = parse_sdp(std::string("v=0\r\no=- 1 1 IN IP6 ::2\r\ns=-\r\nc=IN IP6 2001:db8::5\r\n"
                                     "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"));
  ASSERT_TRUE(offer.ok());
  Answer a = answer_offer(*offer.description, local);
  ASSERT_EQ(a.sip_status(), 200);
  EXPECT_EQ(a.audio.remote_address, "2001:db8::5");
  EXPECT_TRUE(a.audio.remote_address_usable);
  EXPECT_EQ(a.audio.remote_port, 4000);
  EXPECT_EQ(a.description.connection->type, AddressType::ip6);  // ours is ::1
  EXPECT_NE(format_sdp(a.description).find("c=IN IP6 ::1\r\n"), std::string::npos);

  // Old-style hold (c=0.0.0.0) and a name: nowhere to send until RTP arrives.
  for (const char* c : {"0.0.0.0", "phone.example.com"}) {
    auto held = parse_sdp(std::string(kHead) + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 " + c + "\r\n");
    ASSERT_TRUE(held.ok());
    Answer h = answer_offer(*held.description, local);
    ASSERT_EQ(h.sip_status(), 200);
    EXPECT_EQ(h.audio.remote_address, c);
    EXPECT_FALSE(h.audio.remote_address_usable);
  }
}

TEST(SdpOffer, OffersG711AndTelephoneEventAndReadsTheAnswer) {
  LocalAudio local{.address = "192.0.2.1", .port = 7000};
  SessionDescription offer = make_offer(local);
  std::string text = format_sdp(offer);
  EXPECT_NE(text.find("m=audio 7000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
                      "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                      "a=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n"),
            std::string::npos)
      << text;
  ASSERT_TRUE(parse_sdp(text).ok());

  // The far end answers our offer with PCMA and telephone-event: our own answerer will do.
  LocalAudio far{.address = "192.0.2.2", .port = 8000, .codecs = {Codec::pcma}};
  Answer answer = answer_offer(offer, far);
  ASSERT_EQ(answer.sip_status(), 200);
  auto back = parse_sdp(format_sdp(answer.description));
  ASSERT_TRUE(back.ok());
  AcceptedAnswer accepted = accept_answer(offer, *back.description);
  ASSERT_TRUE(accepted.audio) << accepted.reason;
  EXPECT_EQ(accepted.audio->codec, Codec::pcma);
  EXPECT_EQ(accepted.audio->payload_type, 8);
  EXPECT_EQ(accepted.audio->telephone_event, 101);
  EXPECT_EQ(accepted.audio->remote_address, "192.0.2.2");
  EXPECT_EQ(accepted.audio->remote_port, 8000);
  EXPECT_EQ(accepted.audio->direction, Direction::sendrecv);

  // An answer that puts the stream on hold towards us: we only send.
  auto recvonly = parse_sdp("v=0\r\no=- 1 1 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\n"
                            "t=0 0\r\nm=audio 8000 RTP/AVP 0\r\na=recvonly\r\n");
  ASSERT_TRUE(recvonly.ok());
  AcceptedAnswer held = accept_answer(offer, *recvonly.description);
  ASSERT_TRUE(held.audio);
  EXPECT_EQ(held.audio->direction, Direction::sendonly);
  EXPECT_FALSE(held.audio->telephone_event);  // not in the answer
}

TEST(SdpOffer, RefusesUnusableAnswers) {
  LocalAudio local{.address = "192.0.2.1", .port = 7000, .telephone_event = false};
  SessionDescription offer = make_offer(local);
  EXPECT_EQ(format_sdp(offer).find("telephone-event"), std::string::npos);
  auto answer_with = [&](const std::string& media) {
    auto p = parse_sdp("v=0\r\no=- 1 1 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\n" +
                       media);
    EXPECT_TRUE(p.ok()) << p.problem.text();
    return accept_answer(offer, *p.description);
  };
  EXPECT_FALSE(answer_with("m=audio 0 RTP/AVP 0\r\n").audio);
  EXPECT_FALSE(answer_with("m=audio 8000 RTP/AVP 18\r\n").audio);
  EXPECT_FALSE(answer_with("").audio);  // no m= line for our stream
  AcceptedAnswer ok = answer_with("m=audio 8000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n");
  ASSERT_TRUE(ok.audio);
  EXPECT_FALSE(ok.audio->telephone_event);  // we did not offer it
}

}  // namespace
}  // namespace callplan::media
