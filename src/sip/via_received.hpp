// sip/via_received.hpp — what a server writes into the top Via of every request it receives:
// `received` (RFC 3261 18.2.1) and the `rport` value (RFC 3581 section 4), so that its
// responses, and every hop after it, know the address and port the request really came from
// (a phone behind NAT writes its private address in its Via).
//
//   std::string stamped = stamp_received(request, "203.0.113.7", 41234);
//   // "SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKx;rport" becomes
//   // "SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKx;received=203.0.113.7;rport=41234"
//   if (!stamped.empty()) parse_message(stamped, request);  // the same request, stamped
//
// Rules: `received` is written when the request asks for rport or its sent-by host is not
// the source address (the source address as text; IPv6 without brackets, RFC 5118 4.5);
// `rport` gets the source port when the Via carries the parameter (RFC 3581: only then).
// Values the sender wrote into these parameters are replaced. Nothing else in the message
// changes (Content-Length stays right: only the header part grows).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sip/message.hpp"

namespace callplan::sip {

// The request's bytes (request.raw) with its top Via stamped, or "" when the Via already
// says what it should (nothing to rewrite). Precondition: `request` was parsed and accepted.
std::string stamp_received(const Message& request, std::string_view source_address,
                           std::uint16_t source_port);

// The same stamp written before parsing, so a server parses each request once (issue 18: the
// stamp used to cost a copy and a second parse of every request). Finds the top Via in the
// raw `bytes` as parse_message would, writes the stamped request into `out` (its capacity
// reused) and returns the stamped Via value's place in `out`. nullopt when `bytes` is a
// response, when nothing needs writing, or when the scan cannot tell where the top Via is
// (odd framing, a Via that does not parse): parse `bytes` as they came then, and stamp the
// parsed request. A caller must check that the parser found its top Via at the returned
// place (top_via.text has its data() and size()) before relying on the stamp.
std::optional<std::string_view> stamp_received_unparsed(std::string_view bytes,
                                                        std::string_view source_address,
                                                        std::uint16_t source_port,
                                                        std::string& out);

}  // namespace callplan::sip
