#include "sip/events/dialog_package.hpp"

#include <fmt/format.h>

namespace callplan::sip {
namespace {

constexpr std::string_view kVersionMark = "version=\"\"";

}  // namespace

std::string dialog_info_body(PhoneActivity activity, std::string_view extension,
                             std::string_view realm) {
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
      "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" {} state=\"full\" "
      "entity=\"sip:{}@{}\">\r\n",
      kVersionMark, extension, realm);
  if (activity != PhoneActivity::idle) {
    std::string_view direction = activity == PhoneActivity::trying  ? " direction=\"initiator\""
                                 : activity == PhoneActivity::early ? " direction=\"recipient\""
                                                                    : "";
    out += fmt::format("  <dialog id=\"{}\"{}><state>{}</state></dialog>\r\n", extension,
                       direction, to_string(activity));
  }
  out += "</dialog-info>\r\n";
  return out;
}

DialogPackage::DialogPackage(CompanyDirectories companies, Activity activity)
    : companies_(std::move(companies)), activity_(std::move(activity)) {}

std::string DialogPackage::resource(std::string_view subscriber, std::string_view uri_user) const {
  // company_resource looks the colleague up in the subscriber's own company only: any device
  // of a company may watch any user of it (the same rule as calling them), and nobody else.
  return company_resource(companies_, subscriber, uri_user);
}

int DialogPackage::authorize(std::string_view subscriber, std::string_view resource) const {
  CompanyUser colleague = company_user(companies_, resource);
  return colleague.directory && colleague.directory->device_of(subscriber) ? 0 : 403;
}

std::string DialogPackage::body(std::string_view resource) const {
  CompanyUser colleague = company_user(companies_, resource);
  PhoneActivity most = PhoneActivity::idle;
  if (!colleague.directory) return dialog_info_body(most, colleague.extension, "");
  const Directory& directory = *colleague.directory;
  const Engine& engine = *directory.engine();
  if (auto user = engine.find_user(colleague.extension)) {
    for (DeviceIndex device : engine.devices_of(*user))
      most = std::max(most, activity_(directory.username(device)));
  }
  return dialog_info_body(most, colleague.extension, directory.realm());
}

std::string DialogPackage::versioned(const std::string& body, std::uint32_t version) const {
  std::string out = body;
  if (auto at = out.find(kVersionMark); at != std::string::npos)
    out.replace(at, kVersionMark.size(), fmt::format("version=\"{}\"", version));
  return out;
}

}  // namespace callplan::sip
