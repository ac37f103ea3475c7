// callplan/callplan.hpp — the whole public API in one include: load → check → compile → route,
// and the tools around it (simulation and traces, plan tests, graphs, diffs, reports).
// Every public header is listed here (tests/consumer/check_source_lists.cmake checks it).
#pragma once

#include "callplan/batch.hpp"
#include "callplan/check.hpp"
#include "callplan/diagnostics.hpp"
#include "callplan/diff.hpp"
#include "callplan/engine.hpp"
#include "callplan/error.hpp"
#include "callplan/export.hpp"
#include "callplan/graph.hpp"
#include "callplan/load.hpp"
#include "callplan/model.hpp"
#include "callplan/plan_test.hpp"
#include "callplan/prompts.hpp"
#include "callplan/report.hpp"
#include "callplan/schedule.hpp"
#include "callplan/session.hpp"
#include "callplan/simulate.hpp"
#include "callplan/source.hpp"
#include "callplan/trace.hpp"
#include "callplan/version.hpp"
