// Moved to scenario/call_text.hpp (the call-scenario module). Kept only so that the Python
// bindings, which are being rewritten in this wave, build unchanged; include
// scenario/call_scenario.hpp (ScenarioBuilder) or scenario/call_text.hpp.
#pragma once

#include "scenario/call_text.hpp"
