#include "media/prompt/prompt_error.hpp"

namespace callplan::media {

std::string_view code(PromptErrorKind kind) {
  switch (kind) {
    case PromptErrorKind::file_missing: return "prompt.file_missing";
    case PromptErrorKind::file_unreadable: return "prompt.file_unreadable";
    case PromptErrorKind::format_unsupported: return "prompt.format_unsupported";
    case PromptErrorKind::empty: return "prompt.empty";
    case PromptErrorKind::too_long: return "prompt.too_long";
    case PromptErrorKind::tts_missing: return "prompt.tts_missing";
    case PromptErrorKind::tts_failed: return "prompt.tts_failed";
    case PromptErrorKind::tts_timeout: return "prompt.tts_timeout";
    case PromptErrorKind::cache_failed: return "prompt.cache_failed";
  }
  return "prompt.unknown";
}

std::string PromptError::describe() const {
  std::string out = subject;
  out += ": ";
  out += message;
  out += " (";
  out += code();
  out += ')';
  return out;
}

}  // namespace callplan::media
