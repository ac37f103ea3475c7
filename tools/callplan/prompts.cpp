// The prompt meter of the tool's subcommands (check, simulate, test, diff): prompts measured
// with the media side's PromptCache, so `callplan simulate` times a call as `callplan serve`
// plays it (SPEC 3.9). Speech is rendered once into the user's speech cache.
#include "commands.hpp"

#include "media/prompt/prompt_meter.hpp"

namespace callplan::cli {

const PromptMeter& tool_prompt_meter() {
  static const PromptMeter meter = media::prompt_meter(media::default_prompt_cache());
  return meter;
}

}  // namespace callplan::cli
