// sip/first_contact.hpp — the URI of a message's first Contact, the remote target of a dialog
// (RFC 3261 12.1): one definition for the proxy, the notifier and the registrar's neighbours.
#pragma once

#include <string_view>

#include "sip/message.hpp"
#include "sip/name_addr.hpp"

namespace callplan::sip {

// "" when the message has no Contact that parses. A view into `m`'s text.
inline std::string_view first_contact_uri(const Message& m) {
  std::string_view uri;
  m.for_each_value(HeaderId::contact, [&](std::string_view value) {
    NameAddr na;
    if (parse_name_addr(value, na, {}) == NameAddrError::none) uri = na.uri.text;
    return false;
  });
  return uri;
}

}  // namespace callplan::sip
