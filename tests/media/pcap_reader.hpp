// tests/media/pcap_reader.hpp — the UDP datagrams of a classic pcap capture file (as sipp's
// RTP pcaps are), for the media tests: link types Ethernet, Linux cooked, raw IP and BSD
// loopback; IPv4 only; fragments skipped. Throws std::runtime_error naming the file and the
// problem when the file cannot be read as such.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace callplan::media::testing {

struct UdpDatagram {
  double time = 0;  // seconds since the epoch, as captured
  std::uint32_t source = 0;       // IPv4 address, host order
  std::uint32_t destination = 0;
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  std::vector<std::uint8_t> payload;
};

std::vector<UdpDatagram> read_pcap_udp(const std::string& path);

}  // namespace callplan::media::testing
