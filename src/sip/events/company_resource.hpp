// sip/events/company_resource.hpp — what a watched resource is when one server serves many
// companies (SPEC 11): a user of one company, keyed "<company login>/<extension>", so that two
// companies' 101 are two resources and no lamp or mailbox count crosses companies.
//
// A SUBSCRIBE names a user in the subscriber's own company only: the Request-URI user is
// looked up in the Directory of the subscriber's SIP username, never in another's.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sip/proxy/directory.hpp"

namespace callplan::sip {

// Where the packages find the companies (a reload swaps the Directories: asked at every use).
struct CompanyDirectories {
  // The company of a SIP username, nullptr when none serves it.
  std::function<std::shared_ptr<Directory>(std::string_view username)> of_device;
  // A company by its login, nullptr when it is no longer served.
  std::function<std::shared_ptr<Directory>(std::string_view login)> of_company;
};

// The user a SUBSCRIBE names in `directory`: an extension, or a device's SIP username.
std::optional<UserIndex> named_user(const Directory& directory, std::string_view name);

// The resource key of `subscriber`'s colleague `name`, "" when the subscriber has no company
// or the name no user in it.
std::string company_resource(const CompanyDirectories& companies, std::string_view subscriber,
                             std::string_view name);

// A resource key taken apart: its company (nullptr when no longer served) and extension.
struct CompanyUser {
  std::shared_ptr<Directory> directory;
  std::string_view extension;
};
CompanyUser company_user(const CompanyDirectories& companies, std::string_view resource);

}  // namespace callplan::sip
