#include "sip/events/company_resource.hpp"

namespace callplan::sip {

std::optional<UserIndex> named_user(const Directory& directory, std::string_view name) {
  const Engine& engine = *directory.engine();
  if (auto user = engine.find_user(name)) return user;
  if (auto device = directory.device_of(name)) {
    UserIndex user = engine.device_user(*device);
    if (user != kNoUser) return user;
  }
  return std::nullopt;
}

std::string company_resource(const CompanyDirectories& companies, std::string_view subscriber,
                             std::string_view name) {
  std::shared_ptr<Directory> directory = companies.of_device(subscriber);
  if (!directory) return {};
  auto user = named_user(*directory, name);
  if (!user) return {};
  std::string key = directory->company();
  key += '/';
  key += directory->engine()->extension(*user);
  return key;
}

CompanyUser company_user(const CompanyDirectories& companies, std::string_view resource) {
  // Extensions are digits, so the last '/' separates them from any login.
  std::size_t slash = resource.rfind('/');
  if (slash == std::string_view::npos) return {};
  return {companies.of_company(resource.substr(0, slash)), resource.substr(slash + 1)};
}

}  // namespace callplan::sip
