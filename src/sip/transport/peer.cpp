#include "sip/transport/peer.hpp"

#include <charconv>

namespace callplan::sip {

std::string_view to_string(Protocol protocol) noexcept {
  return protocol == Protocol::tcp ? "tcp" : "udp";
}

std::string_view via_transport(Protocol protocol) noexcept {
  return protocol == Protocol::tcp ? "TCP" : "UDP";
}

std::string Peer::host_port() const {
  std::string out = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  out += ':';
  out += std::to_string(port);
  return out;
}

std::string Peer::to_string() const {
  std::string out(sip::to_string(protocol));
  out += ':';
  out += host_port();
  return out;
}

std::optional<Peer> parse_peer(std::string_view text, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<Peer> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  Peer peer;
  if (text.starts_with("udp:")) {
    text.remove_prefix(4);
  } else if (text.starts_with("tcp:")) {
    peer.protocol = Protocol::tcp;
    text.remove_prefix(4);
  }
  std::string_view host;
  std::string_view port_text;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos) return fail("missing ']' after the IPv6 address");
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.starts_with(':')) return fail("expected ':PORT' after the address");
    port_text = rest.substr(1);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail("expected ADDRESS:PORT");
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return fail("write IPv6 addresses in brackets: [::1]:5060");
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty())
    return fail("'" + std::string(port_text) + "' is not a port number (0-65535)");
  std::error_code bad;
  peer.address = asio::ip::make_address(std::string(host), bad);
  if (bad)
    return fail("'" + std::string(host) + "' is not an IP address (names are not resolved)");
  peer.port = static_cast<std::uint16_t>(port);
  return peer;
}

}  // namespace callplan::sip
