// callplan/check.hpp — find every problem in a loaded tenant before any call is routed.
//
//   callplan::LoadResult r = callplan::load_file("acme.yaml");
//   callplan::Issues all = r.issues;
//   callplan::Issues found = callplan::check(r.tenant);
//   all.insert(all.end(), found.begin(), found.end());
//
// One small rule per concern, each with a stable code (CP2xx references and duplicates, CP3xx
// schedules, CP4xx plans; see docs/diagnostics.md). Plan loops are found on a Boost.Graph plan
// graph and reported with the whole cycle. All problems are reported, not just the first.
// Pure function of the tenant; safe to call concurrently.
#pragma once

#include <string>

#include "callplan/diagnostics.hpp"
#include "callplan/export.hpp"
#include "callplan/load.hpp"
#include "callplan/model.hpp"
#include "callplan/prompts.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

// The checker's issues only (not the loader's), sorted by file, line, column.
Issues check(const Tenant& tenant);

// What load_and_check() does besides loading and checking.
struct LoadAndCheckOptions {
  // When set, every prompt is measured with it (measure_prompts(), prompts.hpp): the lengths
  // go into the model for Engine::compile() and unknown lengths become warnings CP410-CP412.
  // Not owned; used during the call only. nullptr: prompts count 0 s and are not checked.
  const PromptMeter* prompts = nullptr;
};

// load_file + check (+ measure_prompts with options.prompts): the issues together, sorted by
// location. The checker runs even when loading found errors, on whatever could be read.
struct CheckedTenant {
  Tenant tenant;
  Issues issues;
};
CheckedTenant load_and_check(const std::string& path, const LoadAndCheckOptions& options = {});

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
