// sip/proxy/next_hop.hpp — where a URI or a Via points, as a Peer. The server never resolves
// names: hosts must be IP literals (devices register with their address; the trunk and the
// media server are given as addresses).
#pragma once

#include <optional>

#include "sip/uri.hpp"
#include "sip/via.hpp"
#include "sip/transport/peer.hpp"

namespace callplan::sip {

// sip:user@192.0.2.1:5070;transport=tcp -> tcp:192.0.2.1:5070 (port 5060 when absent).
std::optional<Peer> peer_of_uri(const Uri& uri);
// The next hop of a response (RFC 3261 18.2.2, RFC 3581): received and rport when present,
// else sent-by; 5060 when no port.
std::optional<Peer> peer_of_via(const Via& via);
// Who sent the request, as its Via's sent-by says (host and port, 5060 when no port): the
// address a loop check compares with our own (RFC 3261 16.3 step 4).
std::optional<Peer> sent_by_of_via(const Via& via);

}  // namespace callplan::sip
