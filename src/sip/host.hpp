// sip/host.hpp — host and port syntax shared by URIs and Via sent-by (RFC 3261 25.1, RFC 5118).
#pragma once

#include <cstdint>
#include <string_view>

namespace callplan::sip {

enum class HostKind : std::uint8_t { none, hostname, ipv4, ipv6 };

// RFC 3986 IPv6address (no brackets): at most 8 groups of 1-4 hex digits, at most one "::",
// an optional trailing dotted IPv4. "2001:db8:::192.0.2.1" (RFC 5118 4.10) is rejected.
bool is_ipv6_address(std::string_view text) noexcept;

// Four decimal octets 0-255, no leading sign or empty part.
bool is_ipv4_address(std::string_view text) noexcept;

// hostname = *( domainlabel "." ) toplabel [ "." ]; labels of alphanumerics and inner '-'.
// Names whose last label is numeric must be valid IPv4 addresses instead.
bool is_hostname(std::string_view text) noexcept;

// Classifies `text` as a host: "[v6]" (brackets included in the text), IPv4, or hostname;
// HostKind::none when it is none of them.
HostKind classify_host(std::string_view text) noexcept;

// 255.255.255.255, 0.0.0.0 and IPv4 multicast (224/4): never valid destinations for a
// response (RFC 4475 3.3.10).
bool is_broadcast_or_multicast(std::string_view host) noexcept;

// Splits "host[:port]" where host may be an IPv6 reference. Returns false on bad syntax or a
// port outside 1-65535. `port` is 0 when absent.
bool split_host_port(std::string_view text, std::string_view& host, HostKind& kind,
                     std::uint16_t& port) noexcept;

}  // namespace callplan::sip
