// The state directory's default (SPEC 11), for the commands that read it without serving:
// /var/lib/callplan as root, else $XDG_STATE_HOME/callplan ($HOME/.local/state/callplan when
// XDG_STATE_HOME is not set). "" when neither HOME nor XDG_STATE_HOME is set.
#pragma once

#include <string>

namespace callplan::cli {

std::string default_state_directory();

}  // namespace callplan::cli
