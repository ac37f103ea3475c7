// Moved to scenario/targets.hpp (the call-scenario module). Kept only so that the files other
// work is rewriting in this wave (plantest/run_plan_tests.cpp, bindings/python) build
// unchanged; include scenario/targets.hpp or scenario/call_scenario.hpp.
#pragma once

#include "scenario/targets.hpp"
