// sip/header_id.hpp — the header fields the message layer knows, and their names.
//
// Names compare case-insensitively and the compact forms of RFC 3261 7.3.3 (and later RFCs)
// map to the same id: "v", "V", "Via" and "vIA" are all HeaderId::via. Every other name is
// HeaderId::other and is kept verbatim.
#pragma once

#include <cstdint>
#include <string_view>

namespace callplan::sip {

enum class HeaderId : std::uint8_t {
  other,
  via,
  from,
  to,
  call_id,
  cseq,
  contact,
  max_forwards,
  expires,
  min_expires,
  content_length,
  content_type,
  content_encoding,
  route,
  record_route,
  authorization,
  proxy_authorization,
  www_authenticate,
  proxy_authenticate,
  authentication_info,
  require,
  proxy_require,
  supported,
  unsupported,
  allow,
  accept,
  subject,
  user_agent,
  server,
  event,
  allow_events,
  refer_to,
  referred_by,
  session_expires,
  date,
  retry_after,
  warning,
  count_,  // number of ids; keep last
};

// Id of a header name (full or compact form, any case); HeaderId::other when unknown.
HeaderId header_id_from_name(std::string_view name) noexcept;

// The canonical full name ("Call-ID", "CSeq", "WWW-Authenticate"); "" for HeaderId::other.
std::string_view header_canonical_name(HeaderId id) noexcept;

}  // namespace callplan::sip
