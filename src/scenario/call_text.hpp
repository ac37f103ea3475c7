// The text forms of `callplan simulate --presence` and `--answer` (SPEC 5), split into items
// with the CLI's messages. Part of the call-scenario module (src/scenario), internal: shared by
// the CLI, the library's parse_presence_list / parse_answer_list and the Python binding (which
// takes the same text for `presence=` and `answer=`), so that all three accept and refuse
// exactly the same text. ScenarioBuilder (call_scenario.hpp) splits and checks in one go;
// these only split.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace callplan::detail {

struct PresenceItem {
  std::string_view extension;
  std::string_view state;  // as written: the caller parses it (and suggests a state)
};

struct AnswerItem {
  std::string_view target;
  bool busy = false;               // X=busy
  std::uint32_t after_seconds = 0;  // X@SECONDS
};

// "002=busy,003=dnd". Throws callplan::Error "<what>: `x` is not EXT=STATE (e.g. 002=busy)".
// The views point into `text`.
std::vector<PresenceItem> split_presence_text(std::string_view text, std::string_view what);

// "001@5,002=busy". Throws callplan::Error naming `what` and the bad item. The views point
// into `text`.
std::vector<AnswerItem> split_answer_text(std::string_view text, std::string_view what);

}  // namespace callplan::detail
