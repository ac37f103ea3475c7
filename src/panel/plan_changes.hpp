// The plan editor's changes (SPEC 14 "Plans"): insert, move, change and remove a step of a
// plan, at any depth (a time condition's branches, a menu's options and its `invalid` steps).
//
//   {"op": "insert_step", "plan": "main", "at": [0, "then", 0],
//    "step": {"transfer": {"to": "001", "follow_personal_plan": false, "timeout": 30}}}
//   {"op": "update_step", "plan": "main", "at": [2], "set": {"members": ["002", "003"],
//                                                              "label": null}}
//   {"op": "move_step",   "plan": "main", "from": [3], "to": [0, "else", 0]}
//   {"op": "remove_step", "plan": "main", "at": [1]}
//
// A step's address (`at`) is written as a trace's `step` path without the plan id
// (SPEC 5: `main/0/else/1` is `[0, "else", 1]`): indexes into a step list, and after a step's
// index the branch that goes on: "then", "else", "invalid" or a menu digit ("1", "*").
// `move_step`'s `to` is the address after the step was taken out of its place. A moved step
// keeps its text and its comments (YamlEditor::item_text), re-indented to its new place.
//
// Every change is a few edits of the file that holds the plan, through YamlEditor: a new step
// is written like its siblings (flow or block, quoting), its fields in the order of SPEC 2.1
// with `label` last; comments elsewhere stay. A branch that does not exist yet is added to
// its step (`then:`, a menu's new digit, quoted like the menu's other digits); a branch's
// last step removed takes the branch with it (an empty `else: []` would say nothing). A step
// written with `rings:` keeps its unit when its time-out changes.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "panel/changes.hpp"

namespace callplan::panel {

// Applies `change` when its op is a plan op and returns true; false for any other op.
// Throws ChangeError ("bad-change", "no-such-plan", "no-such-step") or EditError.
bool apply_plan_change(const nlohmann::json& change, const TenantFiles& files, FileEdits& edits,
                       const std::string& where);

}  // namespace callplan::panel
