// sip/events/event_package.hpp — what one event package (RFC 6665 section 7) tells the
// notifier: who may watch what, and the state document of a resource.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace callplan::sip {

class EventPackage {
 public:
  virtual ~EventPackage() = default;
  // The Event header token ("message-summary", "dialog").
  virtual std::string_view name() const = 0;
  // The Content-Type of its NOTIFY bodies.
  virtual std::string_view content_type() const = 0;
  // The resource a SUBSCRIBE of `subscriber` (an authenticated SIP username) names by its
  // Request-URI user (an extension or a device's SIP username), as the package keys it, or ""
  // when it names nothing (404).
  virtual std::string resource(std::string_view subscriber, std::string_view uri_user) const = 0;
  // 0 when `subscriber` (an authenticated SIP username) may watch `resource`, else the status
  // to refuse with (403).
  virtual int authorize(std::string_view subscriber, std::string_view resource) const = 0;
  // The resource's state now, as the NOTIFY body. May block briefly (a mailbox count).
  virtual std::string body(std::string_view resource) const = 0;
  // The body as sent in the `version`-th NOTIFY of a subscription (0, 1, ...): packages whose
  // documents count their notifications (RFC 4235 version) write it in; body() must not, so
  // that equal states compare equal.
  virtual std::string versioned(const std::string& body, std::uint32_t /*version*/) const {
    return body;
  }
};

}  // namespace callplan::sip
