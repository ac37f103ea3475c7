#include "panel/roles.hpp"

#include <fmt/format.h>

namespace callplan::panel {

const User* find_user(const Tenant& tenant, const std::string& extension) {
  for (const User& u : tenant.users)
    if (u.extension.value == extension) return &u;
  return nullptr;
}

std::optional<std::string> refuse_changes(const User& actor, const nlohmann::json& changes) {
  if (actor.role.value == Role::admin) return std::nullopt;
  if (!changes.is_array()) return "`changes` must be a list of changes";
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const nlohmann::json& c = changes[i];
    const std::string op = c.is_object() ? c.value("op", "") : "";
    const bool own = c.is_object() && c.contains("extension") && c["extension"].is_string() &&
                     c["extension"].get<std::string>() == actor.extension.value;
    if (own && op == "set_personal_plan") continue;  // a plan of their own name only (changes.cpp)
    const bool own_update = own && op == "update_user" && c.contains("set") && c["set"].is_object();
    if (!own_update)
      return fmt::format("changes[{}]: a user changes only their own settings", i);
    for (const auto& [field, value] : c["set"].items())
      if (field != "voicemail")
        return fmt::format("changes[{}]: a user cannot change their own `{}`", i, field);
  }
  return std::nullopt;
}

}  // namespace callplan::panel
