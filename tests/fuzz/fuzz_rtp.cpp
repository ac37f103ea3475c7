// libFuzzer target: the RTP reader and writer and the receive path behind them (src/media).
// The input is a series of datagrams, each preceded by its length in one byte. A datagram
// that parses must write back to bytes that parse to the same header and payload; every
// parsed packet then goes through the telephone-event receiver, the jitter buffer and the
// recorder, which must stay within their bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "media/dtmf_rfc4733.hpp"
#include "media/g711.hpp"
#include "media/jitter_buffer.hpp"
#include "media/recorder.hpp"
#include "media/rtp_packet.hpp"

namespace {

using namespace callplan::media;

void require(bool condition) {
  if (!condition) std::abort();
}

bool same(const RtpHeader& a, const RtpHeader& b) {
  if (a.marker != b.marker || a.payload_type != b.payload_type || a.sequence != b.sequence ||
      a.timestamp != b.timestamp || a.ssrc != b.ssrc || a.csrc_count != b.csrc_count ||
      a.has_extension != b.has_extension || a.extension_profile != b.extension_profile) {
    return false;
  }
  for (std::size_t i = 0; i < a.csrc_count; ++i) {
    if (a.csrc[i] != b.csrc[i]) return false;
  }
  return std::equal(a.extension.begin(), a.extension.end(), b.extension.begin(), b.extension.end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kMaxRecording = 8000;
  TelephoneEventReceiver events;
  JitterBuffer jitter(3);
  RecordingBuffer recording(kMaxRecording);
  std::vector<std::int16_t> pcm;
  std::vector<std::uint8_t> wire;

  std::span<const std::uint8_t> rest(data, size);
  while (!rest.empty()) {
    std::size_t n = std::min<std::size_t>(rest[0], rest.size() - 1);
    std::span<const std::uint8_t> datagram = rest.subspan(1, n);
    rest = rest.subspan(1 + n);
    // A copy of its own, so that AddressSanitizer sees any read past its end.
    std::vector<std::uint8_t> own(datagram.begin(), datagram.end());

    RtpPacket p;
    if (parse_rtp(own, p) != RtpError::none) continue;
    require(p.payload.size() + p.padding + rtp_header_size(p.header) == own.size());

    wire.assign(rtp_header_size(p.header) + p.payload.size(), 0);
    require(write_rtp(p.header, p.payload, wire) == wire.size());
    RtpPacket back;
    require(parse_rtp(wire, back) == RtpError::none);
    require(same(p.header, back.header));
    require(std::equal(p.payload.begin(), p.payload.end(), back.payload.begin(),
                       back.payload.end()));

    if (auto digit = events.on_packet(p.header.timestamp, p.payload)) {
      require(dtmf_event(digit->digit).has_value());
    }
    (void)events.expire(p.header.timestamp);
    pcm.resize(p.payload.size());
    decode(p.header.payload_type == 8 ? Codec::pcma : Codec::pcmu, p.payload, pcm);
    jitter.put(p.header.sequence, p.header.timestamp, pcm);
    while (auto frame = jitter.pop()) require(frame->samples.size() <= 255);
    recording.put(p.header.ssrc, p.header.timestamp, pcm);
    require(recording.size() <= kMaxRecording);
  }
  while (jitter.drain()) {
  }
  return 0;
}
