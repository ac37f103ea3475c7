#include "media/prompt/prompt_meter.hpp"

#include <filesystem>

namespace callplan::media {

PromptMeasurement measurement_of(const PromptError& error) {
  using Status = PromptMeasurement::Status;
  PromptMeasurement m;
  switch (error.kind) {
    case PromptErrorKind::file_missing: m.status = Status::missing_file; break;
    case PromptErrorKind::file_unreadable:
    case PromptErrorKind::format_unsupported:
    case PromptErrorKind::empty:
    case PromptErrorKind::too_long: m.status = Status::unreadable_file; break;
    case PromptErrorKind::tts_missing:
    case PromptErrorKind::tts_failed:
    case PromptErrorKind::tts_timeout:
    case PromptErrorKind::cache_failed: m.status = Status::no_speech; break;
  }
  m.detail = error.message + " (" + std::string(error.code()) + ")";
  return m;
}

PromptMeter prompt_meter(PromptCache& cache) {
  return [&cache](const PromptRequest& request) {
    const PromptSpec spec = request.kind == PromptRequest::Kind::text
                                ? PromptSpec::text(std::string(request.value))
                                : PromptSpec::file(std::string(request.value));
    auto prompt = cache.resolve(spec, std::filesystem::path(request.base_folder), request.language);
    if (!prompt) return measurement_of(prompt.error());
    PromptMeasurement m;
    m.seconds = prompt->seconds;
    return m;
  };
}

PromptCache& default_prompt_cache() {
  // Never destroyed: hosts may measure from static destructors' time (Python's atexit).
  static PromptCache* cache = new PromptCache(PromptCache::Options{});
  return *cache;
}

}  // namespace callplan::media
