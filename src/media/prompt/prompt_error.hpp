// media/prompt/prompt_error.hpp — why a prompt has no audio. Each kind has a stable code that
// the checker shows in its warning and docs/voicemail.md lists; `message` says it in words.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace callplan::media {

enum class PromptErrorKind : std::uint8_t {
  file_missing,        // no such file
  file_unreadable,     // exists but cannot be opened or decoded (permissions, truncated, a folder)
  format_unsupported,  // libsndfile does not know the format
  empty,               // decodes to no samples
  too_long,            // longer than max_prompt_seconds
  tts_missing,         // the espeak-ng program is not installed
  tts_failed,          // espeak-ng ran and failed (unknown language, crash, no output)
  tts_timeout,         // espeak-ng took longer than its time limit and was killed
  cache_failed,        // the text-to-speech cache folder cannot be written
};

// "prompt.file_missing" ...: stable, never reworded.
std::string_view code(PromptErrorKind kind);

struct PromptError {
  PromptErrorKind kind;
  std::string subject;  // the file name, or the text for text-to-speech
  std::string message;  // one sentence, without the subject: "no such file"

  std::string_view code() const { return media::code(kind); }
  // "closed.wav: no such file (prompt.file_missing)"
  std::string describe() const;
};

}  // namespace callplan::media
