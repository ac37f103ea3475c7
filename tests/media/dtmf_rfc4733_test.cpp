// RFC 4733 telephone-events: the receiver on the captures that sipp ships (Debian
// sip-tester: one key each, with the usual start, updates and three end packets), and on
// event streams built here with the sender, including loss, repetition and reordering.
#include "media/dtmf_rfc4733.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "media/rtp_packet.hpp"
#include "pcap_reader.hpp"

namespace callplan::media {
namespace {

struct Capture {
  const char* file;
  char digit;
};

class SippDtmfPcap : public ::testing::TestWithParam<Capture> {};

TEST_P(SippDtmfPcap, GivesExactlyOneDigit) {
  const std::string path = std::string(CALLPLAN_SIPP_PCAP_DIR) + "/" + GetParam().file;
  ASSERT_TRUE(std::filesystem::exists(path))
      << path << " is missing: install Debian's sip-tester (scripts/install-deps.sh)";
  std::vector<testing::UdpDatagram> datagrams = testing::read_pcap_udp(path);
  ASSERT_GE(datagrams.size(), 4u) << path;

  TelephoneEventReceiver receiver;
  std::vector<Digit> digits;
  std::size_t events = 0;
  std::uint32_t last_timestamp = 0;
  for (const auto& d : datagrams) {
    RtpPacket p;
    ASSERT_EQ(parse_rtp(d.payload, p), RtpError::none);
    ASSERT_EQ(p.header.payload_type, 101);  // sipp's telephone-event number
    ++events;
    last_timestamp = p.header.timestamp;
    if (auto digit = receiver.on_packet(p.header.timestamp, p.payload)) digits.push_back(*digit);
  }
  // A second later nothing more comes out.
  while (auto digit = receiver.expire(last_timestamp + 8000 * 10)) digits.push_back(*digit);
  ASSERT_EQ(digits.size(), 1u) << path << ": " << events << " event packets";
  EXPECT_EQ(digits[0].digit, GetParam().digit);
  EXPECT_EQ(digits[0].timestamp, last_timestamp);
  EXPECT_EQ(digits[0].duration, 2240u);  // 280 ms, from the end packets
}

INSTANTIATE_TEST_SUITE_P(
    Rfc4733, SippDtmfPcap,
    ::testing::Values(Capture{"dtmf_2833_0.pcap", '0'}, Capture{"dtmf_2833_1.pcap", '1'},
                      Capture{"dtmf_2833_2.pcap", '2'}, Capture{"dtmf_2833_3.pcap", '3'},
                      Capture{"dtmf_2833_4.pcap", '4'}, Capture{"dtmf_2833_5.pcap", '5'},
                      Capture{"dtmf_2833_6.pcap", '6'}, Capture{"dtmf_2833_7.pcap", '7'},
                      Capture{"dtmf_2833_8.pcap", '8'}, Capture{"dtmf_2833_9.pcap", '9'},
                      Capture{"dtmf_2833_pound.pcap", '#'},
                      Capture{"dtmf_2833_star.pcap", '*'}),
    [](const ::testing::TestParamInfo<Capture>& param) {
      std::string name = param.param.file;
      return name.substr(10, name.size() - 15);  // "dtmf_2833_" ... ".pcap"
    });

TEST(Rfc4733, EventPayloadRoundTrips) {
  TelephoneEvent e{11, true, 63, 0xABCD};
  auto bytes = write_telephone_event(e);
  EXPECT_EQ(bytes, (std::array<std::uint8_t, 4>{11, 0xBF, 0xAB, 0xCD}));
  auto back = parse_telephone_event(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->event, 11);
  EXPECT_TRUE(back->end);
  EXPECT_EQ(back->volume, 63);
  EXPECT_EQ(back->duration, 0xABCD);
  EXPECT_FALSE(parse_telephone_event(std::span(bytes).first(3)));
  EXPECT_EQ(dtmf_digit(10), '*');
  EXPECT_EQ(dtmf_digit(11), '#');
  EXPECT_EQ(dtmf_digit(15), 'D');
  EXPECT_FALSE(dtmf_digit(16));
  EXPECT_EQ(dtmf_event('#'), 11);
  EXPECT_EQ(dtmf_event('a'), 12);
  EXPECT_FALSE(dtmf_event('x'));
}

TEST(Rfc4733, SenderBuildsStartUpdatesAndThreeEnds) {
  auto packets = telephone_event_packets('5', 800, 160);
  ASSERT_EQ(packets.size(), 4u + 3u);
  for (std::size_t i = 0; i < packets.size(); ++i) {
    auto e = parse_telephone_event(packets[i].payload);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->event, 5);
    EXPECT_EQ(packets[i].marker, i == 0);
    EXPECT_EQ(e->end, i >= 4);
    EXPECT_EQ(e->duration, i < 4 ? 160 * (i + 1) : 800);
  }
  EXPECT_TRUE(telephone_event_packets('x', 800, 160).empty());
  EXPECT_EQ(telephone_event_packets('1', 10, 160).size(), 3u);  // shorter than a frame: ends only
}

// Feeds packets of events (each: timestamp, packets) and returns the digits.
std::string run(TelephoneEventReceiver& r, std::uint32_t timestamp,
                const std::vector<TelephoneEventPacket>& packets) {
  std::string out;
  for (const auto& p : packets) {
    if (auto d = r.on_packet(timestamp, p.payload)) out += d->digit;
  }
  return out;
}

TEST(Rfc4733, OneDigitPerEventDespiteRepeats) {
  TelephoneEventReceiver r;
  auto packets = telephone_event_packets('7', 1600, 160);
  // The start sent three times (RFC 4733 2.5.1.2 allows it) and the ends repeated again.
  std::vector<TelephoneEventPacket> noisy{packets[0], packets[0], packets[0]};
  noisy.insert(noisy.end(), packets.begin() + 1, packets.end());
  noisy.insert(noisy.end(), packets.end() - 3, packets.end());
  EXPECT_EQ(run(r, 1000, noisy), "7");
  // A late update of the finished event changes nothing.
  EXPECT_EQ(run(r, 1000, {packets[2]}), "");
  // The same key again is a new event (a new timestamp): a second digit.
  EXPECT_EQ(run(r, 1000 + 4000, packets), "7");
  EXPECT_FALSE(r.expire(1000 + 80000));
}

TEST(Rfc4733, LostEndsAreReportedOnceByTheNextEventOrByExpiry) {
  TelephoneEventReceiver r;
  auto one = telephone_event_packets('1', 800, 160);
  auto two = telephone_event_packets('2', 800, 160);
  one.resize(one.size() - 3);  // all three end packets lost
  EXPECT_EQ(run(r, 8000, one), "");
  EXPECT_EQ(run(r, 16000, two), "12");  // the next event ends the first
  EXPECT_FALSE(r.expire(100000));

  TelephoneEventReceiver quiet;
  auto three = telephone_event_packets('3', 800, 160);
  three.resize(2);  // start and one update (duration 320), then nothing
  EXPECT_EQ(run(quiet, 500, three), "");
  EXPECT_FALSE(quiet.expire(500 + 320 + TelephoneEventReceiver::kEventTimeout));
  auto d = quiet.expire(500 + 320 + TelephoneEventReceiver::kEventTimeout + 1);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digit, '3');
  EXPECT_EQ(d->duration, 320u);
  EXPECT_FALSE(quiet.expire(900000));
  // Its end packets turning up late are ignored.
  auto late = telephone_event_packets('3', 800, 160);
  EXPECT_EQ(run(quiet, 500, {late.back()}), "");
}

TEST(Rfc4733, AStartWhoseOnlyPacketsAreEndsAfterAnUnfinishedEvent) {
  TelephoneEventReceiver r;
  auto held = telephone_event_packets('4', 800, 160);
  held.resize(1);
  auto tap = telephone_event_packets('5', 100, 160);  // ends only
  EXPECT_EQ(run(r, 0, held), "");
  // One packet completes two events: the first comes now, the second on the next call.
  auto first = r.on_packet(1600, tap[0].payload);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->digit, '4');
  auto second = r.expire(1600);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->digit, '5');
  EXPECT_EQ(run(r, 1600, {tap[1], tap[2]}), "");
}

TEST(Rfc4733, IgnoresStragglersNonDtmfEventsAndShortPayloads) {
  TelephoneEventReceiver r;
  auto a = telephone_event_packets('8', 800, 160);
  auto b = telephone_event_packets('9', 800, 160);
  EXPECT_EQ(run(r, 2000, {b[0]}), "");
  EXPECT_EQ(run(r, 1000, {a[0], a[1]}), "");  // older than the open event
  EXPECT_EQ(run(r, 2000, {b.begin() + 1, b.end()}), "9");
  TelephoneEvent flash{16, true, 10, 800};  // "flash", not a digit
  auto bytes = write_telephone_event(flash);
  EXPECT_FALSE(r.on_packet(3000, bytes));
  EXPECT_FALSE(r.on_packet(4000, std::span(bytes).first(2)));
  EXPECT_FALSE(r.expire(90000));
}

TEST(Rfc4733, TimestampsAcrossTheWrap) {
  TelephoneEventReceiver r;
  auto a = telephone_event_packets('A', 800, 160);
  auto d = telephone_event_packets('D', 800, 160);
  EXPECT_EQ(run(r, 4294967000u, a), "A");
  EXPECT_EQ(run(r, 3000, d), "D");  // after the wrap: newer
  EXPECT_EQ(run(r, 4294967000u, {a.back()}), "");
}

}  // namespace
}  // namespace callplan::media
