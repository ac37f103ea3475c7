// sip/proxy/dead_bindings.hpp — dropping a binding whose phone is gone before it expires
// (docs/sip-server.md, "When a phone stops answering"), so calls stop ringing it and the
// user's presence follows at once.
//
// Two signs that a phone is gone, and only these (a busy or rejecting phone is alive):
// - an INVITE sent to it got no response at all, not even 100 Trying, until its transaction
//   gave up (Timer B or C: 32 s of retransmissions over UDP): the phone is off, unplugged,
//   or its NAT mapping closed;
// - the TCP connection it registered on closed: nothing else can reach it (reach.hpp), and a
//   phone that is still there opens a new connection and registers again.
// ICMP errors are not used: the server's UDP sockets are unconnected, and Linux reports an
// ICMP "port unreachable" for those only through IP_RECVERR, without saying which datagram
// it was for; the silent INVITE covers the same case a little later.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "sip/registrar/location.hpp"
#include "sip/transport/peer.hpp"

namespace callplan::sip {

// Removes the bindings of `username` that reach() sends to `where` (same protocol, address
// and port); returns how many. Presence follows (Location::notify).
std::size_t drop_bindings_reached_at(Location& location, std::string_view username,
                                     const Peer& where, std::chrono::steady_clock::time_point now);

// Removes the bindings of `username` registered on TCP connection `connection`.
std::size_t drop_bindings_on_connection(Location& location, std::string_view username,
                                        ConnectionId connection,
                                        std::chrono::steady_clock::time_point now);

}  // namespace callplan::sip
