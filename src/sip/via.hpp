// sip/via.hpp — one Via value (RFC 3261 20.42, 18.2.2; RFC 3581 rport; RFC 5118 4.5).
//
//   Via via;
//   parse_via("SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bKx;rport", via) == ViaError::none
//   via.transport == "UDP", via.host == "[2001:db8::9:1]", via.port == 5070,
//   via.branch == "z9hG4bKx", via.has_rport && via.rport == 0
//
// Whitespace and folds are allowed around '/', ':' and ';' (RFC 4475 wsinv); unknown
// transports are accepted (transports.dat). `received` may be an IPv6 address with or
// without brackets.
#pragma once

#include <cstdint>
#include <string_view>

#include "sip/host.hpp"
#include "sip/params.hpp"

namespace callplan::sip {

inline constexpr std::string_view kBranchCookie = "z9hG4bK";

struct Via {
  std::string_view text;
  std::string_view protocol_name;     // "SIP"
  std::string_view protocol_version;  // "2.0"
  std::string_view transport;         // "UDP", "TCP", "TLS", "SCTP", "WS", anything
  std::string_view host;              // IPv6 references keep their brackets
  HostKind host_kind = HostKind::none;
  std::uint16_t port = 0;             // 0 when absent
  std::string_view branch;            // "" when absent
  std::string_view received;          // "" when absent
  std::string_view maddr;
  bool has_rport = false;
  std::uint16_t rport = 0;            // 0 for a valueless ";rport"
  ParamList params;

  // RFC 3261 branch: starts with the magic cookie. Otherwise RFC 2543 transaction matching
  // applies (RFC 4475 badbranch: a bare cookie counts as RFC 3261 only with more after it).
  bool rfc3261_branch() const {
    return branch.size() > kBranchCookie.size() && branch.starts_with(kBranchCookie);
  }
};

enum class ViaError : std::uint8_t {
  none,
  bad_protocol,
  bad_sent_by,
  bad_port,
  bad_param,
  bad_received,
  bad_rport,
};

std::string_view to_string(ViaError error) noexcept;

ViaError parse_via(std::string_view value, Via& out) noexcept;

}  // namespace callplan::sip
