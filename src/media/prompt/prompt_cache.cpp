#include "media/prompt/prompt_cache.hpp"

#include "media/prompt/audio_file.hpp"

namespace callplan::media {
namespace {

Prompt share(Audio audio) {
  auto shared = std::make_shared<const Audio>(std::move(audio));
  return Prompt{shared, shared->seconds()};
}

}  // namespace

PromptCache::PromptCache(Options options)
    : espeak_(std::move(options.speech)), speech_(std::move(options.speech_folder), espeak_) {
  speech_.remove_stale_temporaries();
}

Expected<Prompt, PromptError> PromptCache::resolve(const PromptSpec& spec,
                                                   const std::filesystem::path& tenant_dir,
                                                   std::string_view language) {
  if (spec.kind == PromptSpec::Kind::text) return resolve_text(spec.value, language);
  std::filesystem::path file(spec.value);
  if (file.is_relative()) file = tenant_dir / file;
  auto resolved = resolve_file(file.lexically_normal());
  if (!resolved) {
    // Errors name the file as the tenant wrote it.
    auto err = resolved.error();
    err.subject = spec.value;
    return err;
  }
  return resolved;
}

Expected<Prompt, PromptError> PromptCache::resolve_file(const std::filesystem::path& file) {
  std::error_code ec;
  FileStamp stamp{std::filesystem::last_write_time(file, ec), 0};
  if (!ec) stamp.size = std::filesystem::file_size(file, ec);
  {
    std::lock_guard lock(mutex_);
    if (auto it = files_.find(file); !ec && it != files_.end() && it->second.stamp == stamp) {
      return it->second.prompt;
    }
  }
  auto audio = load_audio_file(file);  // outside the lock: other prompts resolve meanwhile
  if (!audio) return audio.error();    // errors are not remembered: the file may be fixed
  Prompt prompt = share(std::move(audio).value());
  std::lock_guard lock(mutex_);
  if (!ec) files_[file] = CachedFile{stamp, prompt};
  return prompt;
}

Expected<Prompt, PromptError> PromptCache::resolve_text(std::string_view text, std::string_view language) {
  auto key = speech_.file_for(language, text);
  if (!key) return key.error();
  {
    std::lock_guard lock(mutex_);
    if (auto it = texts_.find(*key); it != texts_.end()) return it->second;
  }
  auto audio = speech_.speak(language, text);
  if (!audio) return audio.error();
  Prompt prompt = share(std::move(audio).value());
  std::lock_guard lock(mutex_);
  texts_[*key] = prompt;
  return prompt;
}

bool PromptCache::speech_available() { return espeak_.version().has_value(); }

}  // namespace callplan::media
