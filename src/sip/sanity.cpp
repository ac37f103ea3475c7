#include "sip/sanity.hpp"

#include "sip/host.hpp"
#include "sip/scanner.hpp"

namespace callplan::sip {

bool max_forwards_exhausted(const Message& request) noexcept { return request.max_forwards == 0; }

std::string unsupported_option_tags(const Message& request, HeaderId which,
                                    std::span<const std::string_view> supported) {
  std::string out;
  request.for_each_value(which, [&](std::string_view tag) {
    bool known = false;
    for (std::string_view s : supported) known = known || detail::iequals(s, tag);
    if (!known) {
      if (!out.empty()) out += ", ";
      out += tag;
    }
    return true;
  });
  return out;
}

bool response_can_be_forwarded(const Message& response) noexcept {
  std::size_t index = 0;
  bool ok = false;
  response.for_each_value(HeaderId::via, [&](std::string_view value) {
    if (index++ == 0) return true;  // ours, removed before relaying
    Via via;
    if (parse_via(value, via) != ViaError::none) return false;
    ok = !is_broadcast_or_multicast(via.host) && !is_broadcast_or_multicast(via.received) &&
         !is_broadcast_or_multicast(via.maddr);
    return false;
  });
  return ok;
}

}  // namespace callplan::sip
