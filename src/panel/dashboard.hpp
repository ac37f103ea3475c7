// The dashboard's facts about one tenant (GET /api/dashboard, administrators): counts, the
// check results with the screen each points to, what each number does right now (one simulated
// call, nobody answering), and, when the panel runs inside `callplan serve`, which devices are
// registered.
#pragma once

#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "callplan/schedule.hpp"
#include "panel/workspace.hpp"

namespace callplan::panel {

// `registered`: the SIP usernames with a live registration (nullopt: not run by serve, the
// screen says so). `now`: the instant "right now" means.
nlohmann::json dashboard_json(const Workspace& workspace,
                              const std::optional<std::set<std::string>>& registered, Instant now);

// Which screen an issue points to, by the file and the words of its code's area: "users",
// "devices", "plans" or "" (the tenant's settings).
std::string screen_of(const Issue& issue);

}  // namespace callplan::panel
