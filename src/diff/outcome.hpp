// Internal to diff: a routed call reduced to what callers and phones notice.
#pragma once

#include <string>
#include <vector>

#include "callplan/diff.hpp"
#include "callplan/engine.hpp"
#include "callplan/trace.hpp"

namespace callplan::diff_detail {

struct Observed {
  RoutedCall call;
  std::vector<std::string> rung_users;  // extensions rung, in the order first rung
  std::size_t prompts = 0;              // menu prompts played
};

// The events compared (see diff.hpp for what counts as routing) and a readable summary.
// External numbers are compared in E.164 form, so "0612345678" and "+31612345678" are one.
Observed observe(const Trace& trace, const Engine& engine);

}  // namespace callplan::diff_detail
