#include "sip/proxy/next_hop.hpp"

#include <string>

#include "sip/scanner.hpp"

using callplan::sip::detail::iequals;

namespace callplan::sip {
namespace {

std::optional<asio::ip::address> literal_address(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  std::error_code ec;
  asio::ip::address address = asio::ip::make_address(std::string(host), ec);
  if (ec) return std::nullopt;
  return address;
}

// host (an IP literal, IPv6 in brackets or not) and port (5060 when 0), over UDP.
std::optional<Peer> peer_at(std::string_view host, std::uint16_t port) {
  auto address = literal_address(host);
  if (!address) return std::nullopt;
  Peer peer;
  peer.address = *address;
  peer.port = port != 0 ? port : 5060;
  return peer;
}

}  // namespace

std::optional<Peer> peer_of_uri(const Uri& uri) {
  if (!uri.is_sip()) return std::nullopt;
  auto peer = peer_at(uri.host, uri.port);
  if (auto transport = uri.params.value("transport");
      peer && transport && iequals(*transport, "tcp"))
    peer->protocol = Protocol::tcp;
  return peer;
}

std::optional<Peer> peer_of_via(const Via& via) {
  auto peer = peer_at(via.received.empty() ? via.host : via.received,
                      via.rport != 0 ? via.rport : via.port);
  if (peer && iequals(via.transport, "TCP")) peer->protocol = Protocol::tcp;
  return peer;
}

std::optional<Peer> sent_by_of_via(const Via& via) { return peer_at(via.host, via.port); }

}  // namespace callplan::sip
