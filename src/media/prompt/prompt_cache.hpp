// media/prompt/prompt_cache.hpp — every prompt a tenant names, as audio and a length in
// seconds (SPEC 3.9): audio files read (and resampled) once per change of the file, spoken
// texts rendered once into the speech cache. The tenant compile asks it for each prompt's
// length; the media side for the audio it plays. Thread-safe; it blocks on disk and on
// espeak-ng, so it is called from compile or a worker, never from the SIP event loop.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "media/prompt/audio.hpp"
#include "media/prompt/expected.hpp"
#include "media/prompt/prompt_error.hpp"
#include "media/prompt/text_to_speech.hpp"

namespace callplan::media {

// What a step names: `audio: closed.wav` (a file, relative to the tenant file's folder) or
// `text: "We are closed"` (spoken in the tenant's language).
struct PromptSpec {
  enum class Kind : std::uint8_t { file, text };
  Kind kind = Kind::file;
  std::string value;

  static PromptSpec file(std::string name) { return {Kind::file, std::move(name)}; }
  static PromptSpec text(std::string words) { return {Kind::text, std::move(words)}; }
};

struct Prompt {
  std::shared_ptr<const Audio> audio;  // 8 kHz mono, shared by every call that plays it
  double seconds = 0.0;                // == audio->seconds()
};

class PromptCache {
 public:
  struct Options {
    std::filesystem::path speech_folder = default_speech_cache_folder();
    SpeechSettings speech;
  };
  explicit PromptCache(Options options);

  // The prompt's audio and length, or why there is none (a checker warning; it counts 0 s).
  // `tenant_dir` is the folder of the tenant file that names the prompt; `language` the
  // tenant's speech language (speech_language()).
  Expected<Prompt, PromptError> resolve(const PromptSpec& spec, const std::filesystem::path& tenant_dir,
                                        std::string_view language);

  // False when espeak-ng is not installed (the checker warns on `text:` prompts then).
  bool speech_available();

 private:
  Expected<Prompt, PromptError> resolve_file(const std::filesystem::path& file);
  Expected<Prompt, PromptError> resolve_text(std::string_view text, std::string_view language);

  struct FileStamp {
    std::filesystem::file_time_type written;
    std::uintmax_t size = 0;
    bool operator==(const FileStamp&) const = default;
  };
  struct CachedFile {
    FileStamp stamp;
    Prompt prompt;
  };

  Espeak espeak_;
  SpeechCache speech_;
  std::mutex mutex_;
  std::map<std::filesystem::path, CachedFile> files_;      // by absolute path
  std::map<std::filesystem::path, Prompt> texts_;          // by speech cache file
};

}  // namespace callplan::media
