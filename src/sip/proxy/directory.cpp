#include "sip/proxy/directory.hpp"

#include "callplan/prompts.hpp"

namespace callplan::sip {

std::string device_username(const Tenant& tenant, const Device& device) {
  if (!device.sip.username.value.empty()) return device.sip.username.value;
  return tenant.info.login.value + "-" + device.id.value;
}

Directory::Directory(const Tenant& tenant, std::shared_ptr<const Engine> engine, std::string realm,
                     std::string folder)
    : engine_(std::move(engine)),
      folder_(std::move(folder)),
      credentials_(CredentialStore::from_tenant(
          tenant, realm.empty() ? tenant.info.login.value : std::move(realm))) {
  company_ = tenant.info.login.value;
  usernames_.resize(engine_->device_count());
  for (const Device& device : tenant.devices) {
    if (auto index = engine_->find_device(device.id.value))
      usernames_[*index] = device_username(tenant, device);
  }
  presence_.assign(engine_->user_count(), Presence::offline);
  owners_.resize(engine_->user_count());
  for (const User& user : tenant.users) {
    if (auto index = engine_->find_user(user.extension.value))
      owners_[*index] = {user.first_name, user.last_name, user.email.value, user.voicemail_pin.value};
  }
  language_ = speech_language(tenant.info);  // tenant.language, else by country (SPEC 10)
}

std::optional<DeviceIndex> Directory::device_of(std::string_view username) const {
  return engine_->find_device_by_sip_username(username);
}

void Directory::refresh_user(UserIndex user, const Location& location, TimePoint now) {
  std::span<const DeviceIndex> devices = engine_->devices_of(user);
  if (devices.empty()) {
    presence_[user] = Presence::no_device;
    return;
  }
  presence_[user] = Presence::offline;
  for (DeviceIndex d : devices) {
    if (location.registered(usernames_[d], now)) {
      presence_[user] = Presence::available;
      return;
    }
  }
}

void Directory::refresh_presence(const Location& location, TimePoint now) {
  for (UserIndex u = 0; u < presence_.size(); ++u) refresh_user(u, location, now);
}

void Directory::refresh_presence(std::string_view username, const Location& location,
                                 TimePoint now) {
  auto device = device_of(username);
  if (!device) return;
  UserIndex user = engine_->device_user(*device);
  if (user != kNoUser) refresh_user(user, location, now);
}

}  // namespace callplan::sip
