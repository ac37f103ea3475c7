#include "provision/phone_settings.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "model/phone_models.hpp"
#include "model/provisioning_syntax.hpp"
#include "provision/escape.hpp"
#include "provision/mac.hpp"

namespace callplan::provision {
namespace {

const User* find_user(const Tenant& tenant, const std::string& extension) {
  for (const User& u : tenant.users) {
    if (u.extension.value == extension) return &u;
  }
  return nullptr;
}

void merge(ExtraKeys& into, const ExtraKeys& from) {
  for (const auto& [key, value] : from) into[key] = value;
}

void merge(ExtraKeys& into, const ProvisioningKeys& from) {
  for (const ProvisioningKey& key : from.keys) into[key.name.value] = key.value.value;
}

}  // namespace

bool is_known_model(Brand brand, std::string_view model) {
  return is_known_phone_model(brand, model);
}

bool is_provisionable(const Device& device) {
  return device.brand.value != Brand::other && !device.mac.value.empty();
}

PhoneSettings gather_settings(const Tenant& tenant, const Device& device,
                              const RenderOptions& options) {
  const std::string& id = device.id.value;
  if (device.brand.value == Brand::other) {
    throw NotProvisionable(fmt::format(
        "device `{}` has brand `{}`: only yealink, snom, grandstream and polycom phones can be "
        "provisioned",
        id, brand_word(device.brand.value)));
  }
  if (device.mac.value.empty()) {
    throw NotProvisionable(fmt::format(
        "device `{}` has no `mac`: the phone is identified by its MAC address", id));
  }
  std::optional<std::string> mac = normalise_mac(device.mac.value);
  if (!mac) {
    throw NotProvisionable(fmt::format(
        "device `{}`: `{}` is not a MAC address (12 hex digits, optionally in pairs separated "
        "by `:` or `-`)",
        id, device.mac.value));
  }
  if (device.sip.password.value.empty()) {
    throw NotProvisionable(fmt::format(
        "device `{}` has no SIP password, only a hash: the phone needs the password itself; "
        "add `sip.password` to provision it",
        id));
  }

  PhoneSettings s;
  s.device_id = id;
  s.brand = device.brand.value;
  s.model = device.model;
  s.known_model = is_known_model(s.brand, s.model);
  s.mac = *mac;
  s.server = options.server;
  s.user = device.sip.username.value.empty() ? tenant.info.login.value + "-" + id
                                             : device.sip.username.value;
  s.auth_name = s.user;
  s.password = device.sip.password.value;
  if (const User* user = find_user(tenant, device.user.value)) {
    s.display_name = user->first_name;
    if (!user->last_name.empty()) {
      if (!s.display_name.empty()) s.display_name += ' ';
      s.display_name += user->last_name;
    }
    s.label = user->extension.value;
  } else {
    // An unlinked phone registers but is never rung; it still shows who it is.
    s.display_name = device.name.empty() ? id : device.name;
    s.label = id;
  }
  s.iana_zone = tenant.info.timezone.value;
  s.zone = find_zone(s.iana_zone);
  s.language = &language_for_country(tenant.info.country.value);
  s.ntp_server = options.ntp_server;

  // Level by level: the tenant's own block, then the caller's keys for that level.
  const TenantProvisioning& own = tenant.provisioning;
  const ExtraKeyLevels& extra = options.extra;
  merge(s.shared_extra, own.keys);
  merge(s.shared_extra, extra.tenant);
  for (const TenantProvisioning::ByBrand& b : own.brands) {
    if (b.brand.value == s.brand) merge(s.shared_extra, b.keys);
  }
  if (auto it = extra.brand.find(s.brand); it != extra.brand.end()) {
    merge(s.shared_extra, it->second);
  }
  const std::string model = model_key(s.model);
  for (const TenantProvisioning::ByModel& m : own.models) {
    if (model_key(m.model.value) == model) merge(s.device_extra, m.keys);
  }
  for (const auto& [name, keys] : extra.model) {
    if (model_key(name) == model) merge(s.device_extra, keys);
  }
  merge(s.device_extra, device.provisioning);
  if (auto it = extra.device.find(id); it != extra.device.end()) {
    merge(s.device_extra, it->second);
  }
  return s;
}

void SettingList::set(std::string key, std::string value) {
  for (auto& item : items_) {
    if (item.first == key) {
      item.second = std::move(value);
      return;
    }
  }
  items_.emplace_back(std::move(key), std::move(value));
}

void SettingList::set_all(const ExtraKeys& extra) {
  for (const auto& [key, value] : extra) {  // std::map: sorted, so the output is stable
    check_key_name(key);
    set(key, value);
  }
}

}  // namespace callplan::provision
