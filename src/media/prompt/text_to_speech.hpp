// media/prompt/text_to_speech.hpp — speech from text by running the espeak-ng program (never
// linked: a crash or hang in the synthesizer cannot take the server down, and a time limit
// bounds it), and a disk cache so that each text is rendered once, not per call.
#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "media/prompt/audio.hpp"
#include "media/prompt/expected.hpp"
#include "media/prompt/prompt_error.hpp"

namespace callplan::media {

struct SpeechSettings {
  std::string program = "espeak-ng";  // looked up in PATH, or a path
  int words_per_minute = 150;          // espeak-ng -s
  int pitch = 50;                      // espeak-ng -p, 0-99
  std::chrono::milliseconds time_limit{30'000};
};

// The language of a tenant's spoken prompts: `tenant.language` when set, else "nl" when the
// tenant's country is NL, else "en" (SPEC 10).
std::string speech_language(std::string_view tenant_language, std::string_view country);

class Espeak {
 public:
  explicit Espeak(SpeechSettings settings = {});

  const SpeechSettings& settings() const { return settings_; }
  // "1.51": espeak-ng's version, asked once and remembered; tts_missing when the program is
  // not installed.
  Expected<std::string, PromptError> version();
  // Speaks `text` in `language` into the WAV file `wav` (espeak-ng's own rate, 22050 Hz).
  Expected<std::monostate, PromptError> render(std::string_view language, std::string_view text,
                                               const std::filesystem::path& wav);

 private:
  SpeechSettings settings_;
  std::mutex mutex_;
  std::optional<Expected<std::string, PromptError>> version_;
};

// Rendered texts as WAV files (8 kHz mono 16-bit, as they are played) in one folder, named by
// the SHA-256 of everything that changes the sound: language, text, voice settings and
// espeak-ng's version. A new espeak-ng renders
// again; the same text in another tenant with the same language reuses the file.
class SpeechCache {
 public:
  SpeechCache(std::filesystem::path folder, Espeak& espeak);

  // The spoken text as 8 kHz audio, from the cache or rendered now (and stored atomically).
  Expected<Audio, PromptError> speak(std::string_view language, std::string_view text);
  // The cache file for this text (whether it exists or not); tts_missing without espeak-ng.
  Expected<std::filesystem::path, PromptError> file_for(std::string_view language, std::string_view text);
  const std::filesystem::path& folder() const { return folder_; }
  // Temporary files older than an hour in the folder (a crash during rendering) are deleted;
  // returns how many.
  std::size_t remove_stale_temporaries();

 private:
  std::filesystem::path folder_;
  Espeak& espeak_;
};

// $XDG_CACHE_HOME/callplan/speech, else ~/.cache/callplan/speech, else /var/cache/callplan/speech.
std::filesystem::path default_speech_cache_folder();

}  // namespace callplan::media
