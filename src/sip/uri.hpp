// sip/uri.hpp — SIP, SIPS and tel URIs, other schemes kept opaque (RFC 3261 19.1, RFC 3966).
//
// A Uri is a set of views into the text it was parsed from: it owns nothing and is valid only
// while that text is. Escapes are kept as they are ("sips%3Auser%40example.com" stays
// escaped; "%00" never cuts a string short); use unescape() when you need the bytes.
//
//   Uri uri;
//   if (parse_uri("sip:alice@[2001:db8::1]:5070;transport=tcp", uri) == UriError::none)
//     uri.host == "[2001:db8::1]", uri.port == 5070, uri.params.value("transport") == "tcp"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sip/host.hpp"
#include "sip/params.hpp"

namespace callplan::sip {

enum class Scheme : std::uint8_t { sip, sips, tel, other };

struct Uri {
  std::string_view text;         // the whole URI
  Scheme scheme = Scheme::other;
  std::string_view scheme_text;  // as written ("sip", "SIP", "soap.beep")
  std::string_view opaque;       // tel/other: everything after "scheme:"
  // sip/sips only:
  std::string_view user;      // escaped user part, may contain ';' '?' (RFC 4475 semiuri)
  std::string_view password;  // after ':' in userinfo
  bool has_userinfo = false;
  std::string_view host;      // IPv6 references keep their brackets
  HostKind host_kind = HostKind::none;
  std::uint16_t port = 0;     // 0 when absent
  ParamList params;           // URI parameters (";lr;transport=tcp")
  std::string_view headers;   // after '?', raw ("Route=%3Csip:example.com%3E")

  bool is_sip() const { return scheme == Scheme::sip || scheme == Scheme::sips; }
};

enum class UriError : std::uint8_t {
  none,
  too_long,
  bad_scheme,
  bad_user,
  bad_password,
  bad_host,
  bad_port,
  bad_param,
  bad_header,
  bad_opaque,
};

// Human-readable text of an error ("bad host"), for diagnostics.
std::string_view to_string(UriError error) noexcept;

// Parses `text` as a whole URI. `max_length` bounds the input (ParseLimits::max_uri_length).
UriError parse_uri(std::string_view text, Uri& out, std::size_t max_length = 2048) noexcept;

// Decodes %HH escapes (invalid escapes are copied through). Allocates; use it off the hot path.
std::string unescape(std::string_view text);

// Scheme-aware comparison helpers for the registrar and proxy.
bool is_sip_scheme(std::string_view scheme_text) noexcept;

}  // namespace callplan::sip
