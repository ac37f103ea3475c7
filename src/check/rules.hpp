// Internal to the checker: the rule families. Each appends its issues to the context; they are
// independent of each other, so check() can run them in any order (it sorts at the end).
#pragma once

#include "check/context.hpp"

namespace callplan::check_detail {

void check_duplicates(Context& cx);   // CP200-CP206          duplicates.cpp
void check_references(Context& cx);   // CP210-CP213, CP217-8 references.cpp
void check_devices(Context& cx);      // CP214-CP216          devices.cpp
void check_schedules(Context& cx);    // CP300-CP304          schedules.cpp
void check_steps(Context& cx);        // CP404-CP409          steps.cpp
void check_reachability(Context& cx); // CP402, CP403         reachability.cpp
void check_loops(Context& cx);        // CP400, CP401         loops.cpp
void check_provisioning(Context& cx); // CP230-CP232          provisioning.cpp
void check_provisioning_keys(Context& cx); // CP233-CP235     provisioning_keys.cpp
void check_voicemail_pins(Context& cx); // CP219, CP220       voicemail_pins.cpp
// CP410-CP412 are measure_prompts() (prompts.cpp): they need the host's PromptMeter.

}  // namespace callplan::check_detail
