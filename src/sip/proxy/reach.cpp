#include "sip/proxy/reach.hpp"

#include <optional>

#include "sip/proxy/next_hop.hpp"

namespace callplan::sip {
namespace {

bool private_v4(const asio::ip::address_v4& address) {
  const auto b = address.to_bytes();
  return b[0] == 10 || b[0] == 127 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
         (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xc0) == 64) ||
         (b[0] == 169 && b[1] == 254);
}

// The Contact's own address when it may be sent to directly; nullopt when the flow is needed.
std::optional<Peer> direct(std::string_view contact, const Peer& source) {
  if (source.protocol == Protocol::tcp) return std::nullopt;
  Uri uri;
  if (parse_uri(contact, uri) != UriError::none) return std::nullopt;
  auto peer = peer_of_uri(uri);
  if (!peer || peer->protocol != Protocol::udp) return std::nullopt;
  if (is_private_address(peer->address) && peer->address != source.address) return std::nullopt;
  return peer;
}

}  // namespace

bool is_private_address(const asio::ip::address& address) {
  if (address.is_v4()) return private_v4(address.to_v4());
  const asio::ip::address_v6 v6 = address.to_v6();
  if (v6.is_v4_mapped()) return private_v4(asio::ip::make_address_v4(asio::ip::v4_mapped, v6));
  const auto b = v6.to_bytes();
  return v6.is_loopback() || v6.is_link_local() || (b[0] & 0xfe) == 0xfc;
}

bool contact_needs_flow(std::string_view contact, const Peer& source) {
  return !direct(contact, source).has_value();
}

Peer reach(std::string_view contact, const Peer& source) {
  return direct(contact, source).value_or(source);
}

}  // namespace callplan::sip
