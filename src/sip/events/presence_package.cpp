#include "sip/events/presence_package.hpp"

#include <fmt/format.h>

namespace callplan::sip {

std::string presence_body(PresenceState state, std::string_view extension, std::string_view realm) {
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
      "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
      "xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" "
      "xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\" entity=\"sip:{}@{}\">\r\n"
      "  <tuple id=\"t{}\"><status><basic>{}</basic></status>{}</tuple>\r\n",
      extension, realm, extension, state.registered ? "open" : "closed",
      state.on_the_phone ? "<note>On the phone</note>" : "");
  // The person element carries the activity; phones (baresip, linphone, desk phones' BLF
  // over presence) read `<rpid:on-the-phone/>` as busy.
  if (state.on_the_phone)
    out += fmt::format(
        "  <dm:person id=\"p{}\"><rpid:activities><rpid:on-the-phone/></rpid:activities>"
        "</dm:person>\r\n",
        extension);
  out += "</presence>\r\n";
  return out;
}

PresencePackage::PresencePackage(CompanyDirectories companies, Registered registered,
                                 Activity activity)
    : companies_(std::move(companies)),
      registered_(std::move(registered)),
      activity_(std::move(activity)) {}

std::string PresencePackage::resource(std::string_view subscriber,
                                      std::string_view uri_user) const {
  // Only a colleague of the subscriber's own company (company_resource.hpp): a watcher of
  // another company finds nobody (404), as with busy lamps.
  return company_resource(companies_, subscriber, uri_user);
}

int PresencePackage::authorize(std::string_view subscriber, std::string_view resource) const {
  CompanyUser colleague = company_user(companies_, resource);
  return colleague.directory && colleague.directory->device_of(subscriber) ? 0 : 403;
}

std::string PresencePackage::body(std::string_view resource) const {
  CompanyUser colleague = company_user(companies_, resource);
  PresenceState state;
  if (!colleague.directory) return presence_body(state, colleague.extension, "");
  const Directory& directory = *colleague.directory;
  const Engine& engine = *directory.engine();
  if (auto user = engine.find_user(colleague.extension)) {
    for (DeviceIndex device : engine.devices_of(*user)) {
      const std::string_view username = directory.username(device);
      state.registered = state.registered || registered_(username);
      const PhoneActivity activity = activity_(username);
      state.on_the_phone = state.on_the_phone || activity == PhoneActivity::trying ||
                           activity == PhoneActivity::confirmed;
    }
  }
  return presence_body(state, colleague.extension, directory.realm());
}

}  // namespace callplan::sip
