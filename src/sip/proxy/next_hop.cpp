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

}  // namespace

std::optional<Peer> peer_of_uri(const Uri& uri) {
  if (!uri.is_sip()) return std::nullopt;
  auto address = literal_address(uri.host);
  if (!address) return std::nullopt;
  Peer peer;
  peer.address = *address;
  peer.port = uri.port != 0 ? uri.port : 5060;
  if (auto transport = uri.params.value("transport"); transport && iequals(*transport, "tcp"))
    peer.protocol = Protocol::tcp;
  return peer;
}

std::optional<Peer> peer_of_via(const Via& via) {
  auto address = literal_address(via.received.empty() ? via.host : via.received);
  if (!address) return std::nullopt;
  Peer peer;
  peer.address = *address;
  peer.port = via.rport != 0 ? via.rport : (via.port != 0 ? via.port : 5060);
  if (iequals(via.transport, "TCP")) peer.protocol = Protocol::tcp;
  return peer;
}

std::optional<Peer> sent_by_of_via(const Via& via) {
  auto address = literal_address(via.host);
  if (!address) return std::nullopt;
  Peer peer;
  peer.address = *address;
  peer.port = via.port != 0 ? via.port : 5060;
  return peer;
}

}  // namespace callplan::sip
