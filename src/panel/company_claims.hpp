// What a company must not take from the companies served beside it (SPEC 11): a number, a SIP
// username, its login, a provisioned phone's MAC. `callplan serve` refuses to load a company
// file that claims one (CP600-CP603) and keeps serving the company's old version, so a panel
// save that did so would be written but never applied. The panel shows such a claim as an
// error of the preview, and the save is refused like any other error.
//
// The message says only that the value is taken: it names neither the other company nor its
// files, so one company's administrator learns nothing else about another.
#pragma once

#include <span>
#include <vector>

#include "callplan/diagnostics.hpp"
#include "callplan/model.hpp"
#include "check/companies.hpp"

namespace callplan::panel {

// One error per claim of `tenant` that one of `others` holds, at the claim's place (its file
// name as the tenant's sources give it).
Issues claims_taken_by_others(const Tenant& tenant, std::span<const Claim> others);

}  // namespace callplan::panel
