// What each role may do, checked by the server on every request (never by the screens):
// an administrator manages the whole company; a user reads only their own settings and
// changes only their own voicemail switch, their own personal plan (set_personal_plan with
// their extension) and their password (through /api/password).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "callplan/model.hpp"

namespace callplan::panel {

// The user behind a session, as the tenant says now (nullptr: no such user any more).
const User* find_user(const Tenant& tenant, const std::string& extension);

// Why `changes` are not allowed for `actor` ("change 0: only an administrator adds users"), or
// nullopt when they are.
std::optional<std::string> refuse_changes(const User& actor, const nlohmann::json& changes);

}  // namespace callplan::panel
