// sip/transport/peer.hpp — where a message came from or goes to: protocol, address, port and,
// for TCP, the connection it travels on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <asio/ip/address.hpp>

namespace callplan::sip {

enum class Protocol : std::uint8_t { udp, tcp };

std::string_view to_string(Protocol protocol) noexcept;  // "udp", "tcp"
// "UDP" / "TCP" as Via writes it.
std::string_view via_transport(Protocol protocol) noexcept;

using ConnectionId = std::uint64_t;
inline constexpr ConnectionId kNoConnection = 0;

struct Peer {
  Protocol protocol = Protocol::udp;
  asio::ip::address address;
  std::uint16_t port = 0;
  // TCP: the connection the message arrived on, or the one to send on. kNoConnection when
  // sending means "an open connection to address:port, or a new one".
  ConnectionId connection = kNoConnection;

  // "udp:127.0.0.1:5060", "tcp:[::1]:5062"
  std::string to_string() const;
  // address:port as it goes into a Via or a URI: "127.0.0.1:5060", "[::1]:5062"
  std::string host_port() const;

  // Same protocol, address and port (the connection is not compared).
  bool same_endpoint(const Peer& other) const noexcept {
    return protocol == other.protocol && address == other.address && port == other.port;
  }
};

// "udp:127.0.0.1:5060", "tcp:[::1]:5070", "127.0.0.1:5060" (UDP when no protocol is given).
// Only literal addresses: the server never resolves names. nullopt with `error` set otherwise.
std::optional<Peer> parse_peer(std::string_view text, std::string* error = nullptr);

}  // namespace callplan::sip
