// provision/server_address.hpp — the SIP server's address as the phones reach it, as written on
// the command line (`provision render --server`, `serve --provision-sip`).
#pragma once

#include <optional>
#include <string_view>

#include "provision/provision.hpp"

namespace callplan::provision {

// "host", "host:port", "[v6]" or "[v6]:port"; the port defaults to 5060, the transport to UDP.
// nullopt for an empty host, blanks, a bad port.
std::optional<SipServer> parse_sip_server(std::string_view text);

}  // namespace callplan::provision
