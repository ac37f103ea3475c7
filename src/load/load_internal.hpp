// Loader entry points that are not part of the public API.
#pragma once

#include <string>
#include <string_view>

#include "callplan/load.hpp"

namespace callplan::load {

struct LoadOptions {
  // When false, `include:` entries are reported (CP106) instead of read. The fuzz target uses
  // this so that generated input cannot make it read arbitrary files such as /dev/zero.
  bool allow_includes = true;
};

LoadResult load_text(std::string_view text, std::string name, const LoadOptions& options);

}  // namespace callplan::load
