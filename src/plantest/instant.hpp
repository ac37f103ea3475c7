// Moved to scenario/instant.hpp (the call-scenario module, shared by the simulator, the plan
// tests, the CLI and Python). Kept only so that the files other work is rewriting in this wave
// (plantest/run_plan_tests.cpp, bindings/python) build unchanged; include scenario/instant.hpp.
#pragma once

#include "scenario/instant.hpp"
