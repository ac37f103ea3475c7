// callplan/prompts.hpp — how long the tenant's prompts play (SPEC 3.9), measured by the host.
//
//   callplan::LoadResult r = callplan::load_file("acme.yaml");
//   callplan::Issues issues = callplan::check(r.tenant);
//   callplan::Issues prompt_issues = callplan::measure_prompts(r.tenant, meter);  // fills lengths
//   auto engine = callplan::Engine::compile(r.tenant, issues);  // timeline waits for prompts
//
// or in one go: load_and_check(path, {.prompts = &meter}) (check.hpp).
//
// An announcement, a menu prompt and (in the mailbox) a greeting last as long as their audio.
// The engine knows no audio: it never reads a file or runs a synthesizer. The host gives it a
// PromptMeter, a function that returns the length of one prompt; the hosts of this project
// (the CLI, the Python module, `callplan serve`) use the one in src/media/prompt, which reads
// files with libsndfile and renders `text` with espeak-ng once into a speech cache
// (docs/routing.md, "Prompts take time"). A host without audio passes no meter: every prompt
// then counts 0 s, as before lengths were known.
//
// Thread safety: measure_prompts() calls the meter from the calling thread only, once per
// prompt in file order; it is safe to call concurrently on different tenants when the meter is.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "callplan/diagnostics.hpp"
#include "callplan/export.hpp"
#include "callplan/model.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

// One prompt a step names.
struct PromptRequest {
  enum class Kind : std::uint8_t { audio_file, text };
  Kind kind = Kind::audio_file;
  // audio_file: the file name as written (relative to `base_folder` unless absolute);
  // text: the words to speak.
  std::string_view value;
  std::string_view base_folder;  // folder of the YAML file that names the prompt ("" = cwd)
  std::string_view language;     // the tenant's speech language (speech_language())
};

// The meter's answer.
struct PromptMeasurement {
  enum class Status : std::uint8_t {
    known,            // `seconds` is the prompt's length
    missing_file,     // the audio file does not exist (CP410)
    unreadable_file,  // it exists but is not audio the media side can play (CP411)
    no_speech,        // `text` cannot be spoken: espeak-ng is missing or failed (CP412)
  };
  Status status = Status::known;
  double seconds = 0.0;
  std::string detail;  // why the length is unknown, in words ("no such file", espeak's output)
};

// Returns the length of one prompt. Called while a tenant is loaded or reloaded, never while a
// call is routed; it may block (disk, a synthesizer). It must not throw for a bad prompt: it
// reports it in the measurement.
using PromptMeter = std::function<PromptMeasurement(const PromptRequest&)>;

// The language spoken prompts are rendered in: tenant.language when given, else "nl" when
// tenant.country is NL, else "en" (SPEC 10).
std::string speech_language(const TenantInfo& tenant);

// Measures every announcement and menu prompt of `tenant` with `meter` and stores the lengths
// in the model (Announcement::seconds, Menu::seconds), so that Engine::compile() times them.
// Returns a warning for each prompt whose length cannot be known (CP410-CP412); such a prompt
// keeps seconds == nullopt and counts 0 s. Calling it again measures again.
Issues measure_prompts(Tenant& tenant, const PromptMeter& meter);

// A prompt's length as the routing timeline counts it: whole seconds, rounded up, so that the
// next step never starts before the prompt has ended (2.2 s -> 3 s; 0 or unknown -> 0).
std::uint32_t prompt_timeline_seconds(const PromptSeconds& seconds);

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
