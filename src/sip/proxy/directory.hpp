// sip/proxy/directory.hpp — one loaded tenant as the server sees it: the compiled engine, the
// devices' SIP credentials, which SIP username is which device, and every user's presence.
//
// A reload builds a new Directory; calls in progress keep the one they started with (through
// a shared_ptr), so they finish on the old plan. Presence is kept up to date (from the
// location service) only in the current Directory.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "callplan/engine.hpp"
#include "callplan/model.hpp"
#include "callplan/session.hpp"
#include "sip/registrar/credentials.hpp"
#include "sip/registrar/location.hpp"

namespace callplan::sip {

class Directory {
 public:
  using TimePoint = Location::TimePoint;

  // `engine` must be compiled from `tenant`. The digest realm is `realm`, or the tenant's
  // login when it is empty (docs/sip-server.md). `folder` is the tenant file's folder, which
  // the plan's prompt files are relative to (as the checker reads them).
  Directory(const Tenant& tenant, std::shared_ptr<const Engine> engine, std::string realm = {},
            std::string folder = {});

  const std::shared_ptr<const Engine>& engine() const { return engine_; }
  const CredentialStore& credentials() const { return credentials_; }
  const std::string& realm() const { return credentials_.realm(); }
  const std::string& company() const { return company_; }  // the tenant's login
  const std::string& folder() const { return folder_; }    // prompt files are relative to it

  // The SIP username of a device ("<login>-<id>" unless the tenant sets one).
  const std::string& username(DeviceIndex device) const { return usernames_[device]; }
  std::optional<DeviceIndex> device_of(std::string_view username) const;

  // Who a mailbox belongs to, by UserIndex: its voicemail greeting and mail.
  struct MailboxOwner {
    std::string first_name;
    std::string last_name;
    std::string email;
    std::string voicemail_pin;  // the mailbox by phone's (*98); "" for none
  };
  const MailboxOwner& owner(UserIndex user) const { return owners_[user]; }
  // The language of spoken prompts and mail: tenant.language, else "nl" for a tenant in NL,
  // else "en" (SPEC 10; callplan::speech_language).
  const std::string& language() const { return language_; }

  // By UserIndex; what CallSetup::presence views.
  std::span<const Presence> presence() const { return presence_; }
  // Recomputes every user (after a load) or the user whose device `username` is.
  void refresh_presence(const Location& location, TimePoint now);
  void refresh_presence(std::string_view username, const Location& location, TimePoint now);

 private:
  void refresh_user(UserIndex user, const Location& location, TimePoint now);

  std::shared_ptr<const Engine> engine_;
  std::string folder_;
  CredentialStore credentials_;
  std::vector<std::string> usernames_;
  std::string company_;
  std::vector<Presence> presence_;
  std::vector<MailboxOwner> owners_;
  std::string language_;
};

// The SIP username a device registers with: sip.username, else "<login>-<id>" (SPEC 2).
std::string device_username(const Tenant& tenant, const Device& device);

}  // namespace callplan::sip
