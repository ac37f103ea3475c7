// The numbers screen's changes (SPEC 14: "every external number follows a call plan; a newly
// created plan is empty"): add a number, point it at another plan, relabel or renumber it,
// remove it; and add or remove the plan itself.
//
//   {"op": "add_plan",      "plan": {"id": "main", "label": "Main line"}}
//   {"op": "add_number",    "number": {"number": "+31881234567", "plan": "main", "label": "Main line"}}
//   {"op": "update_number", "number": "+31881234567", "set": {"plan": "service", "label": null}}
//   {"op": "remove_number", "number": "+31881234568"}
//   {"op": "remove_plan",   "plan": "service"}
//
// A new number goes after the last one, in the file that holds the numbers (else at the end
// of the top file); a new plan after the last plan, likewise, with no steps (an empty
// timeline: the checker warns CP408 until a step is added). A removed entry takes its lines
// and the comment directly above it. The values are written as text: the loader and checker
// judge them as for a hand edit (an unknown plan is CP4xx, a malformed number CP1xx), so a
// number may be pointed at a plan added by an earlier change of the same request.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "panel/changes.hpp"

namespace callplan::panel {

// Applies `change` when its op is one of the above and returns true; false for any other op.
// Throws ChangeError ("bad-change", "no-such-number", "number-exists", "no-such-plan",
// "plan-exists") or EditError.
bool apply_number_change(const nlohmann::json& change, const TenantFiles& files,
                         FileEdits& edits, const std::string& where);

}  // namespace callplan::panel
