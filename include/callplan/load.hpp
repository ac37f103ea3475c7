// callplan/load.hpp — read a tenant from YAML into the model, with every problem as an Issue.
//
//   callplan::LoadResult r = callplan::load_file("examples/acme/acme.yaml");
//   if (callplan::has_errors(r.issues)) { /* report r.issues; r.tenant holds what was read */ }
//
// Loading never throws for bad content (syntax errors, unknown keys, wrong types, unreadable
// includes all become issues, codes CP1xx); it reads as much as it can so that the checker can
// report further problems. It throws callplan::Error only when the top-level file itself cannot
// be opened. Thread safety: independent calls may run concurrently.
#pragma once

#include <string>
#include <string_view>

#include "callplan/diagnostics.hpp"
#include "callplan/error.hpp"
#include "callplan/export.hpp"
#include "callplan/model.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

struct LoadResult {
  Tenant tenant;
  Issues issues;  // CP1xx only; run check() for the rest
};

// Reads `path` and every file it includes (paths relative to the including file).
// Throws callplan::Error when `path` cannot be read.
LoadResult load_file(const std::string& path);

// Reads a tenant from memory; `name` is used as the file name in locations. Includes are
// resolved relative to the directory of `name`.
LoadResult load_string(std::string_view text, std::string name = "<string>");

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
