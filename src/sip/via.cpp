#include "sip/via.hpp"

#include "sip/name_addr.hpp"
#include "sip/scanner.hpp"

namespace callplan::sip {
namespace {

using namespace detail;

bool valid_received(std::string_view v) {
  if (is_ipv4_address(v) || is_ipv6_address(v)) return true;
  // RFC 5118 4.5: a bracketed IPv6 reference is tolerated too.
  return v.size() > 2 && v.front() == '[' && v.back() == ']' &&
         is_ipv6_address(v.substr(1, v.size() - 2));
}

}  // namespace

std::string_view to_string(ViaError error) noexcept {
  switch (error) {
    case ViaError::none: return "no error";
    case ViaError::bad_protocol: return "bad sent-protocol (expected e.g. SIP/2.0/UDP)";
    case ViaError::bad_sent_by: return "bad sent-by host";
    case ViaError::bad_port: return "bad sent-by port";
    case ViaError::bad_param: return "bad Via parameter";
    case ViaError::bad_received: return "received is not an IP address";
    case ViaError::bad_rport: return "bad rport value";
  }
  return "unknown error";
}

ViaError parse_via(std::string_view value, Via& out) noexcept {
  out = Via{};
  value = trim_lws(value);
  out.text = value;
  Cursor cur{value};
  out.protocol_name = cur.take_token();
  if (out.protocol_name.empty() || !cur.sep('/')) return ViaError::bad_protocol;
  out.protocol_version = cur.take_token();
  if (out.protocol_version.empty() || !cur.sep('/')) return ViaError::bad_protocol;
  out.transport = cur.take_token();
  if (out.transport.empty() || !cur.skip_lws()) return ViaError::bad_protocol;
  // sent-by = host [ COLON port ]; COLON allows LWS on both sides.
  const std::size_t host_start = cur.i;
  if (cur.peek() == '[') {
    const std::size_t close = value.find(']', cur.i);
    if (close == std::string_view::npos) return ViaError::bad_sent_by;
    cur.i = close + 1;
  } else {
    cur.take_while([](char c) { return has_class(c, kAlpha | kDigit) || c == '-' || c == '.'; });
  }
  out.host = value.substr(host_start, cur.i - host_start);
  out.host_kind = classify_host(out.host);
  if (out.host_kind == HostKind::none) return ViaError::bad_sent_by;
  if (cur.sep(':')) {
    std::uint64_t port = 0;
    if (!parse_uint(cur.take_while(is_digit), 65535, port) || port == 0) {
      return ViaError::bad_port;
    }
    out.port = static_cast<std::uint16_t>(port);
  }
  cur.skip_lws();
  if (cur.done()) return ViaError::none;
  if (!cur.eat(';')) return ViaError::bad_sent_by;
  const std::string_view raw = cur.rest();
  if (!valid_header_params(raw)) return ViaError::bad_param;
  out.params = ParamList(raw, true);
  ViaError error = ViaError::none;
  out.params.for_each([&](const Param& p) {
    if (iequals(p.name, "branch")) {
      if (!is_token(p.value)) error = ViaError::bad_param;
      out.branch = p.value;
    } else if (iequals(p.name, "received")) {
      if (!valid_received(p.value)) error = ViaError::bad_received;
      out.received = p.value;
    } else if (iequals(p.name, "maddr")) {
      out.maddr = p.value;
    } else if (iequals(p.name, "rport")) {
      out.has_rport = true;
      if (p.has_value) {
        std::uint64_t port = 0;
        if (!parse_uint(p.value, 65535, port)) error = ViaError::bad_rport;
        out.rport = static_cast<std::uint16_t>(port);
      }
    }
    return error == ViaError::none;
  });
  return error;
}

}  // namespace callplan::sip
