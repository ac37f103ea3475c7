// provision/phone_settings.hpp — what every brand's file says, gathered once from the tenant.
//
// The renderers only spell these in their brand's format; every decision (which user, which
// name, which zone, which language, which extra keys win) is made here, the same for all.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "callplan/model.hpp"
#include "provision/language.hpp"
#include "provision/provision.hpp"
#include "provision/zones.hpp"

namespace callplan::provision {

struct PhoneSettings {
  std::string device_id;
  Brand brand = Brand::other;
  std::string model;
  std::string mac;           // 12 lower-case hex digits
  SipServer server;
  std::string user;          // SIP user name (the To/From user part)
  std::string auth_name;     // digest user name: the same as `user` in callplan
  std::string password;
  std::string display_name;  // the user's "first last"
  std::string label;         // the user's extension
  std::string iana_zone;
  const Zone* zone = nullptr;  // nullptr: not in the table, no time-zone keys
  const Language* language = nullptr;
  std::string ntp_server;
  ExtraKeys shared_extra;    // tenant and brand levels (Yealink's common file)
  ExtraKeys device_extra;    // model and device levels, over the shared ones for other brands
  bool known_model = true;
};

// Throws NotProvisionable when the device cannot be given a file.
PhoneSettings gather_settings(const Tenant& tenant, const Device& device,
                              const RenderOptions& options);

// An ordered list of settings: what a renderer writes, in the order it writes it. An extra key
// that names a setting already in the list replaces its value in place (the tenant's own
// block wins over callplan's default); other extra keys come after, sorted.
class SettingList {
 public:
  void set(std::string key, std::string value);
  void set_all(const ExtraKeys& extra);  // checks every key name
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// Case and blanks ignored: "VVX 450" and "vvx450" are the same model.
bool is_known_model(Brand brand, std::string_view model);

}  // namespace callplan::provision
