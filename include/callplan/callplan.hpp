// callplan/callplan.hpp — everything: load → check → compile → route.
#pragma once

#include "callplan/check.hpp"
#include "callplan/diagnostics.hpp"
#include "callplan/error.hpp"
#include "callplan/load.hpp"
#include "callplan/model.hpp"
#include "callplan/source.hpp"
#include "callplan/version.hpp"
