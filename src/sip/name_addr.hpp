// sip/name_addr.hpp — From, To, Contact, Route and Record-Route values (RFC 3261 20.10,
// 20.20, 20.39, 25.1: name-addr / addr-spec followed by header parameters).
//
//   NameAddr na;
//   parse_name_addr("\"Bob \\\"B\\\"\" <sip:bob@example.com;lr>;tag=x1", na, {}) == none
//   na.display_name == "Bob \\\"B\\\"" (escapes kept; see unquote()), na.uri.params has "lr",
//   na.params.value("tag") == "x1".
//
// A parameter outside '<>' belongs to the header (RFC 4475 cparam01); without '<>' the URI
// ends at the first ';' and may not contain '?' or ',' (RFC 4475 regbadct).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sip/params.hpp"
#include "sip/uri.hpp"

namespace callplan::sip {

struct NameAddr {
  std::string_view text;          // the whole value
  std::string_view display_name;  // without quotes; quoted-pair escapes kept
  bool display_quoted = false;
  bool bracketed = false;         // the URI was inside '<>'
  bool wildcard = false;          // Contact: *
  Uri uri;
  ParamList params;               // header parameters (tag, expires, q, ...)

  std::string_view tag() const { return params.value("tag").value_or(std::string_view{}); }
};

enum class NameAddrError : std::uint8_t {
  none,
  empty,
  bad_display_name,
  unterminated_quote,
  missing_laquot,
  missing_raquot,
  bad_uri,
  bad_param,
  unbracketed_special,  // '?' or ',' in an addr-spec outside '<>'
  bad_wildcard,
};

std::string_view to_string(NameAddrError error) noexcept;

struct NameAddrOptions {
  bool allow_wildcard = false;  // Contact
  bool require_brackets = false; // Route, Record-Route
  std::size_t max_uri_length = 2048;
};

// Parses one value (lists are split by the caller). On failure `uri_error` (if given) says
// why the URI was refused.
NameAddrError parse_name_addr(std::string_view value, NameAddr& out, NameAddrOptions options,
                              UriError* uri_error = nullptr) noexcept;

// Validates header parameters: *( SEMI generic-param ), generic-param = token [ EQUAL
// gen-value ], gen-value = token / host / quoted-string. `raw` starts after the first ';'.
bool valid_header_params(std::string_view raw) noexcept;

// Contact binding parameters for the registrar (RFC 3261 10.3 step 7). Both assume a value
// that parse_message() accepted; malformed text gives nullopt / the default.
// `expires` parameter in seconds, nullopt when absent (then the Expires header applies).
std::optional<std::uint32_t> contact_expires(const NameAddr& contact) noexcept;
// `q` in thousandths (q=0.7 -> 700); 1000 when absent, as RFC 3261 treats a missing q as
// the highest preference.
int contact_q_millis(const NameAddr& contact) noexcept;

// Removes quoted-pair escapes from the inside of a quoted string. Allocates.
std::string unquote(std::string_view inside);

}  // namespace callplan::sip
