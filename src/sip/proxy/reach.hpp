// sip/proxy/reach.hpp — where a phone is reached: its Contact, or the flow its REGISTER (or
// INVITE) came on (docs/sip-server.md, "Where a phone is reached").
//
//   Peer to = reach("sip:201@192.168.1.20:5060", source_of_register);
//
// The rule (the one Kamailio's nathelper applies with nat_uac_test + fix_nated_register,
// flow-based: the Request-URI stays the Contact, only the destination changes):
// - TCP: always the flow (the connection the phone registered on; a phone on TCP rarely
//   listens itself, and behind NAT nothing could connect to it);
// - UDP: the Contact's address and port, unless the Contact cannot be reached from here:
//   it names no IP address, or a private, shared (carrier NAT), link-local or loopback address
//   that is not the address the packets came from. Then the source address and port of the
//   phone's own packets, the NAT's mapping, which the phone keeps open by re-registering and
//   keep-alives. A Contact with a public address other than the source (a phone with two
//   interfaces, a registration on behalf of another device) is taken at its word.
#pragma once

#include <string_view>

#include "sip/transport/peer.hpp"
#include "sip/uri.hpp"

namespace callplan::sip {

// 10/8, 172.16/12, 192.168/16 (RFC 1918), 100.64/10 (RFC 6598), 169.254/16, 127/8, and for
// IPv6 fc00::/7, fe80::/10, ::1 (an IPv4-mapped address as its IPv4 address).
bool is_private_address(const asio::ip::address& address);

// True when `contact` cannot be sent to directly and the flow of `source` must be used.
bool contact_needs_flow(std::string_view contact, const Peer& source);

// Where to send a request for a phone whose Contact is `contact` and whose packets come from
// `source` (the rule above).
Peer reach(std::string_view contact, const Peer& source);

}  // namespace callplan::sip
