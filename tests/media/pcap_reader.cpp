// A pcap reader small enough to check by eye: the file header fixes the byte order and the
// link type; each record's link header is skipped to the IPv4 header, whose length field
// bounds the UDP datagram. Every length is checked against what is left before it is used.
#include "pcap_reader.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace callplan::media::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::uint32_t read32(const Bytes& b, std::size_t at, bool swap) {
  std::uint32_t v = std::uint32_t{b[at]} | std::uint32_t{b[at + 1]} << 8 |
                    std::uint32_t{b[at + 2]} << 16 | std::uint32_t{b[at + 3]} << 24;
  if (swap) v = __builtin_bswap32(v);
  return v;
}
std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

// Bytes from the start of a frame to its IPv4 header, or -1 when the frame is not IPv4.
long ip_offset(std::uint32_t link, const std::uint8_t* frame, std::size_t size) {
  switch (link) {
    case 1:  // Ethernet, with at most one 802.1Q tag
      if (size >= 14 && be16(frame + 12) == 0x0800) return 14;
      if (size >= 18 && be16(frame + 12) == 0x8100 && be16(frame + 16) == 0x0800) return 18;
      return -1;
    case 113:  // Linux cooked capture
      return size >= 16 && be16(frame + 14) == 0x0800 ? 16 : -1;
    case 0:  // BSD loopback: a 4-byte family in host order; AF_INET is 2
      return size >= 4 && (frame[0] == 2 || frame[3] == 2) ? 4 : -1;
    case 101:
    case 228:  // raw IPv4
      return 0;
    default: return -1;
  }
}

}  // namespace

std::vector<UdpDatagram> read_pcap_udp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  Bytes b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (b.size() < 24) throw std::runtime_error(path + ": too short for a pcap header");
  const std::uint32_t magic = read32(b, 0, false);
  bool swap = false;
  double fraction = 1e-6;
  switch (magic) {
    case 0xA1B2C3D4: break;
    case 0xD4C3B2A1: swap = true; break;
    case 0xA1B23C4D: fraction = 1e-9; break;
    case 0x4D3CB2A1: swap = true, fraction = 1e-9; break;
    default: throw std::runtime_error(path + ": not a pcap file (pcapng is not read)");
  }
  const std::uint32_t link = read32(b, 20, swap) & 0xFFFF;

  std::vector<UdpDatagram> out;
  std::size_t at = 24;
  while (b.size() - at >= 16) {
    const double time = read32(b, at, swap) + read32(b, at + 4, swap) * fraction;
    const std::uint32_t captured = read32(b, at + 8, swap);
    at += 16;
    if (captured > b.size() - at) throw std::runtime_error(path + ": a record runs past the end");
    const std::uint8_t* frame = b.data() + at;
    const std::size_t size = captured;
    at += captured;

    long ip = ip_offset(link, frame, size);
    if (ip < 0 || size - static_cast<std::size_t>(ip) < 20) continue;
    const std::uint8_t* h = frame + ip;
    const std::size_t available = size - static_cast<std::size_t>(ip);
    const std::size_t header = std::size_t{h[0] & 0x0Fu} * 4;
    const std::size_t total = be16(h + 2);
    if ((h[0] >> 4) != 4 || header < 20 || total < header || total > available) continue;
    if (h[9] != 17) continue;                          // not UDP
    if ((be16(h + 6) & 0x3FFF) != 0) continue;         // a fragment
    if (total - header < 8) continue;
    const std::uint8_t* udp = h + header;
    const std::size_t udp_length = be16(udp + 4);
    if (udp_length < 8 || udp_length > total - header) continue;
    UdpDatagram d;
    d.time = time;
    d.source = be32(h + 12);
    d.destination = be32(h + 16);
    d.source_port = be16(udp);
    d.destination_port = be16(udp + 2);
    d.payload.assign(udp + 8, udp + udp_length);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace callplan::media::testing
