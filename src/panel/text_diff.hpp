// A unified diff (`diff -u` form, 3 lines of context) of one file's text before and after a
// save: what the panel shows under "what changes in the files", and what `git diff` will show.
// Lines are compared after the common first and last lines are set aside, so a small edit of
// a large file costs little; the middle is aligned by longest common subsequence.
#pragma once

#include <string>
#include <string_view>

namespace callplan::panel {

// "--- a/users.yaml\n+++ b/users.yaml\n@@ -30,0 +31,6 @@\n+..." or empty when equal.
std::string unified_diff(std::string_view name, std::string_view before, std::string_view after);

}  // namespace callplan::panel
