// sip/method.hpp — SIP request methods.
//
// Methods are case-sensitive tokens (RFC 3261 7.1): "invite" is an unknown method, and
// "RE%47IST%45R" (RFC 4475 esc02) is not REGISTER. Unknown methods are Method::other; the
// text is always kept next to the enum.
#pragma once

#include <cstdint>
#include <string_view>

namespace callplan::sip {

enum class Method : std::uint8_t {
  other,
  invite,
  ack,
  bye,
  cancel,
  register_,
  options,
  info,
  update,
  prack,
  subscribe,
  notify,
  refer,
  message,
  publish,
};

// Exact (case-sensitive) lookup; Method::other for anything else.
Method method_from_text(std::string_view text) noexcept;

// The canonical text; "" for Method::other.
std::string_view method_text(Method method) noexcept;

}  // namespace callplan::sip
