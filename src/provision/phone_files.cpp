// provision/phone_files.cpp — see phone_files.hpp.
#include "provision/phone_files.hpp"

#include "provision/phone_settings.hpp"
#include "provision/provision.hpp"

namespace callplan::provision {

PhoneFiles phone_files(const Tenant& tenant) {
  PhoneFiles out;
  const RenderOptions options;
  for (const Device& device : tenant.devices) {
    if (!is_provisionable(device)) continue;
    try {
      const std::string username = gather_settings(tenant, device, options).user;
      std::string all;
      for (const ProvisioningFile& f : render(tenant, device, options).files) {
        all += f.name;
        all += '\0';
        all += f.content;
        all += '\0';
      }
      out.emplace(username, std::move(all));
    } catch (const NotProvisionable&) {
      // Not served at all: the checker and `provision render` say why.
    }
  }
  return out;
}

std::vector<std::string> changed_phones(const PhoneFiles& before, const PhoneFiles& after) {
  std::vector<std::string> out;
  for (const auto& [username, files] : after) {
    auto it = before.find(username);
    if (it != before.end() && it->second != files) out.push_back(username);
  }
  return out;
}

}  // namespace callplan::provision
