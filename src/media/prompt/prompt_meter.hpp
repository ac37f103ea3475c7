// media/prompt/prompt_meter.hpp — the engine's PromptMeter (callplan/prompts.hpp) for this
// project's hosts: the CLI, the Python module and `callplan serve` measure prompts with the
// same PromptCache the media side plays them from, so the simulated timeline and the real call
// agree on every prompt's length (SPEC 3.9).
#pragma once

#include "callplan/prompts.hpp"
#include "media/prompt/prompt_cache.hpp"

namespace callplan::media {

// A meter over `cache` (not owned: it must outlive the meter). Audio files are read (and
// resampled) once per change; texts are rendered by espeak-ng once into the speech cache.
// Thread-safe like the cache.
PromptMeter prompt_meter(PromptCache& cache);

// The process's PromptCache with the default options (speech cache under $XDG_CACHE_HOME,
// espeak-ng from PATH), created on first use; for hosts that measure tenants but keep no
// cache of their own (the CLI, the Python module).
PromptCache& default_prompt_cache();

// How the checker names a PromptError (CP410-CP412).
PromptMeasurement measurement_of(const PromptError& error);

}  // namespace callplan::media
