// The tenant as the panel's screens read it (GET /api/model): tenant, numbers, users, devices,
// schedules (their windows and days as the schedules screen edits them, and which time
// conditions and schedules name each) and plans with their steps, plus the check results. SIP
// passwords and digest hashes are never included: a device says only whether it can register.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "callplan/check.hpp"

namespace callplan::panel {

// Step places name files relative to `root` (the tenant's directory).
nlohmann::json model_json(const Tenant& tenant, const std::filesystem::path& root);
nlohmann::json issue_json(const Issue& issue);
nlohmann::json issues_json(const Issues& issues);
// One user as a user sees themselves ("my settings").
nlohmann::json user_json(const User& user);
// The user's personal plan as "my settings" edits it: {"kind": "default"} (SPEC 3.2),
// {"kind": "own", "ring_seconds", "forward_to", "forward_seconds", "voicemail"} for their plan
// `personal-<extension>`, or {"kind": "shared", "plan": id} for a plan an administrator set.
nlohmann::json personal_plan_json(const Tenant& tenant, const User& user);

}  // namespace callplan::panel
