// sip/sanity.hpp — the proxy's request and response checks that need policy (RFC 3261 16.3,
// 16.7, 18.2.2) on top of what parse_message() already enforces (syntax, required headers,
// CSeq method, SIP version, Request-URI scheme).
//
//   if (max_forwards_exhausted(req)) answer 483 Too Many Hops (unless OPTIONS to us);
//   if (auto tags = unsupported_option_tags(req, HeaderId::proxy_require, kOurs); !tags.empty())
//     answer 420 Bad Extension with {"Unsupported", tags};
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "sip/message.hpp"

namespace callplan::sip {

// RFC 3261 16.3 step 3: Max-Forwards is present and 0. An absent header is not exhausted.
bool max_forwards_exhausted(const Message& request) noexcept;

// Option tags of `which` (HeaderId::proxy_require for a proxy, HeaderId::require for a UAS)
// that are not in `supported`, comma-separated in order of appearance; "" when none. Tags
// compare case-insensitively (they are tokens; RFC 3261 19.2 registers them in lower case).
std::string unsupported_option_tags(const Message& request, HeaderId which,
                                    std::span<const std::string_view> supported);

// RFC 3261 16.7 step 9 with 18.2.2: a response can be relayed only when a Via remains after
// ours and that Via does not point at a broadcast/multicast/unspecified address (RFC 4475
// bcast: drop). Checks sent-by, received and maddr of the second Via value.
bool response_can_be_forwarded(const Message& response) noexcept;

}  // namespace callplan::sip
