// Moved to schedule/instant.hpp (shared by the simulator, the call-scenario module, the plan
// tests, the CLI and Python). Kept only so that the files other work is rewriting in this wave
// (plantest/run_plan_tests.cpp, bindings/python) build unchanged; include schedule/instant.hpp.
#pragma once

#include "schedule/instant.hpp"
