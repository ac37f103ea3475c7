// See state_dir.hpp. (serve.cpp has the same rule for `serve --state-dir`.)
#include "state_dir.hpp"

#include <unistd.h>

#include <cstdlib>

namespace callplan::cli {

std::string default_state_directory() {
  if (::geteuid() == 0) return "/var/lib/callplan";
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && *xdg == '/') return std::string(xdg) + "/callplan";
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') return std::string(home) + "/.local/state/callplan";
  return {};
}

}  // namespace callplan::cli
