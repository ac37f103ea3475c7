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

DialogPackage::DialogPackage(std::function<std::shared_ptr<Directory>()> directory,
                             Activity activity)
    : directory_(std::move(directory)), activity_(std::move(activity)) {}

std::string DialogPackage::resource(std::string_view uri_user) const {
  std::shared_ptr<Directory> directory = directory_();
  const Engine& engine = *directory->engine();
  if (auto user = engine.find_user(uri_user)) return std::string(engine.extension(*user));
  if (auto device = directory->device_of(uri_user)) {
    UserIndex user = engine.device_user(*device);
    if (user != kNoUser) return std::string(engine.extension(user));
  }
  return {};
}

int DialogPackage::authorize(std::string_view subscriber, std::string_view) const {
  // One company per server: every device of it may see every colleague, as it may call them.
  return directory_()->device_of(subscriber) ? 0 : 403;
}

std::string DialogPackage::body(std::string_view resource) const {
  std::shared_ptr<Directory> directory = directory_();
  const Engine& engine = *directory->engine();
  PhoneActivity most = PhoneActivity::idle;
  if (auto user = engine.find_user(resource)) {
    for (DeviceIndex device : engine.devices_of(*user))
      most = std::max(most, activity_(directory->username(device)));
  }
  return dialog_info_body(most, resource, directory->realm());
}

std::string DialogPackage::versioned(const std::string& body, std::uint32_t version) const {
  std::string out = body;
  if (auto at = out.find(kVersionMark); at != std::string::npos)
    out.replace(at, kVersionMark.size(), fmt::format("version=\"{}\"", version));
  return out;
}

}  // namespace callplan::sip
