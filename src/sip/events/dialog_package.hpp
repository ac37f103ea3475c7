// sip/events/dialog_package.hpp — the `dialog` event package (RFC 4235) as busy lamp fields
// use it: a colleague's extension shows idle, ringing or busy, from the server's own call
// state (Proxy::activity), not from the phones.
//
// The resource is the colleague's extension (a SUBSCRIBE may name the extension or one of
// the user's devices' SIP usernames); any device of the company may watch any user of it
// (the same rule as calling them); others 403. The state is the most active of the user's
// devices: one dialog element with state trying (calling out), early (ringing, direction
// recipient) or confirmed (in a call); none when idle (a full state without dialogs):
//
//   <dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full"
//                entity="sip:101@acme">
//     <dialog id="101" direction="recipient"><state>early</state></dialog>
//   </dialog-info>
#pragma once

#include <functional>
#include <memory>

#include "sip/events/company_resource.hpp"
#include "sip/events/event_package.hpp"
#include "sip/proxy/directory.hpp"
#include "sip/proxy/proxy.hpp"

namespace callplan::sip {

// The dialog-info document of `extension` in `activity`, without its version (versioned()).
std::string dialog_info_body(PhoneActivity activity, std::string_view extension,
                             std::string_view realm);

class DialogPackage final : public EventPackage {
 public:
  using Activity = std::function<PhoneActivity(std::string_view username)>;
  DialogPackage(CompanyDirectories companies, Activity activity);

  std::string_view name() const override { return "dialog"; }
  std::string_view content_type() const override { return "application/dialog-info+xml"; }
  std::string resource(std::string_view subscriber, std::string_view uri_user) const override;
  int authorize(std::string_view subscriber, std::string_view resource) const override;
  std::string body(std::string_view resource) const override;
  // RFC 4235 4.1: version counts the NOTIFYs of a subscription from 0.
  std::string versioned(const std::string& body, std::uint32_t version) const override;

 private:
  CompanyDirectories companies_;
  Activity activity_;
};

}  // namespace callplan::sip
