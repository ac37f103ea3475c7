// The schedules screen's changes (SPEC 2 `schedules:`, SPEC 3.5, docs/schedules.md): add a
// schedule, change its weekly hours, its days (dates, yearly days, date ranges), its
// exceptions and its time zone, rename it (every reference follows), remove it.
//
//   {"op": "add_schedule", "schedule": {"name": "office_hours",
//        "weekly": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "17:30"}],
//        "except": ["holidays"]}}
//   {"op": "add_schedule", "schedule": {"name": "holidays", "dates": ["2026-12-24"],
//        "yearly": ["12-25", "easter+1", {"month": "nov", "weekday": "thu", "nth": 4}],
//        "ranges": [{"from": "2026-12-31T16:00", "to": "2027-01-01T00:00"}]}}
//   {"op": "update_schedule", "schedule": "office_hours",
//        "set": {"weekly": [...], "dates": [...], "except": [], "timezone": null}}
//   {"op": "rename_schedule", "schedule": "office_hours", "to": "opening_hours"}
//   {"op": "remove_schedule", "schedule": "lunch"}
//
// `update_schedule` says what each list it names should be; the file gets the fewest edits
// that make it so: an item that means the same as a wanted one stays as written (`mon-fri`
// is `[mon, tue, wed, thu, fri]`), with its comments; a changed item is edited field by field
// in its place; only the rest is added or removed. An empty list or `null` removes the key.
// Days are written compactly (`mon-fri`, `"mon, wed, sat-sun"`), times as the SPEC does
// (`"08:30"`); a new schedule goes after the last one, written like its siblings, or as a new
// `schedules:` at the end of the top file.
//
// Values are written as text and judged by the loader and the checker, as for a hand edit: a
// bad time (CP110), date (CP111), weekday (CP112), yearly day (CP113), name (CP122), a window
// that starts when it ends (CP301), a schedule that never or always matches (CP302, CP303),
// an except cycle (CP304) are errors in the preview, and the save is refused. Refused here,
// because no checker rule says it (a hand-written file may have them): weekly hours that
// overlap on a day ("overlapping-hours": the panel writes each hour once), a name another
// schedule has ("schedule-exists"), removing a schedule that a time condition or another
// schedule's `except` still names ("schedule-in-use", naming the plans and steps).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "panel/changes.hpp"

namespace callplan::panel {

// Applies `change` when its op is one of the above and returns true; false for any other op.
// Throws ChangeError ("bad-change", "no-such-schedule", "schedule-exists", "schedule-in-use",
// "overlapping-hours") or EditError.
bool apply_schedule_change(const nlohmann::json& change, const TenantFiles& files,
                           FileEdits& edits, const std::string& where);

}  // namespace callplan::panel
