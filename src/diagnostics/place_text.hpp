// Where an issue was written, as every text format prints it: "file:line:col", just the file
// when the place in it is unknown, nothing without a file. Each format wraps it in its own
// punctuation (gcc "file:1:2: ", human "file:1:2:", GitHub " (file:1:2)"). Internal.
#pragma once

#include <string>

#include <fmt/format.h>

#include "callplan/diagnostics.hpp"

namespace callplan::detail {

inline std::string place_text(const Location& at) {
  if (at.file.empty()) return {};
  if (!at.known()) return at.file;
  return fmt::format("{}:{}:{}", at.file, at.line, at.column);
}

}  // namespace callplan::detail
