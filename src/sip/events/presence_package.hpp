// sip/events/presence_package.hpp — the `presence` event package (RFC 3856) as softphones'
// buddy lists use it: a colleague is online while one of their devices is registered, and
// "on the phone" while one is in a call, both from the server's own state (the registrar and
// Proxy::activity), not from PUBLISH (the server takes none).
//
// Resource and authorisation are the dialog package's (dialog_package.hpp): a colleague of
// the subscriber's own company, by extension or device username; others 404/403. The body
// is PIDF (RFC 3863) with the RPID activity (RFC 4480) that phones show as "busy":
//
//   <presence xmlns="urn:ietf:params:xml:ns:pidf" ... entity="sip:101@acme">
//     <tuple id="t101"><status><basic>open</basic></status><note>On the phone</note></tuple>
//     <dm:person id="p101"><rpid:activities><rpid:on-the-phone/></rpid:activities></dm:person>
//   </presence>
//
// Ringing is not "on the phone" (the colleague is still free to take a call); calling out
// (trying) and talking (confirmed) are.
#pragma once

#include <functional>

#include "sip/events/company_resource.hpp"
#include "sip/events/event_package.hpp"
#include "sip/proxy/proxy.hpp"

namespace callplan::sip {

// What presence says of a user: reachable at all, and busy in a call.
struct PresenceState {
  bool registered = false;   // basic open / closed
  bool on_the_phone = false; // rpid:on-the-phone
};

// The PIDF document of `extension` (RFC 3863, with RPID activities).
std::string presence_body(PresenceState state, std::string_view extension, std::string_view realm);

class PresencePackage final : public EventPackage {
 public:
  using Registered = std::function<bool(std::string_view username)>;
  using Activity = std::function<PhoneActivity(std::string_view username)>;
  PresencePackage(CompanyDirectories companies, Registered registered, Activity activity);

  std::string_view name() const override { return "presence"; }
  std::string_view content_type() const override { return "application/pidf+xml"; }
  std::string resource(std::string_view subscriber, std::string_view uri_user) const override;
  int authorize(std::string_view subscriber, std::string_view resource) const override;
  std::string body(std::string_view resource) const override;

 private:
  CompanyDirectories companies_;
  Registered registered_;
  Activity activity_;
};

}  // namespace callplan::sip
