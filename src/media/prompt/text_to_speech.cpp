#include "media/prompt/text_to_speech.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "media/prompt/audio_file.hpp"
#include "media/prompt/durable_file.hpp"
#include "media/prompt/run_program.hpp"
#include "model/words.hpp"

namespace callplan::media {
namespace {

// The first line of the program's output, trimmed; for error messages.
std::string first_line(const std::string& output) {
  std::string line = output.substr(0, output.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line.empty() ? std::string("no output") : line;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0x0F]);
  }
  return out;
}

PromptError missing(const SpeechSettings& s, std::string_view text) {
  return PromptError{PromptErrorKind::tts_missing, std::string(text),
                     "cannot be spoken: the text-to-speech program " + s.program +
                         " is not installed (Debian package espeak-ng)"};
}

}  // namespace

std::string speech_language(std::string_view tenant_language, std::string_view country) {
  if (!tenant_language.empty()) return std::string(tenant_language);
  return country == "NL" || country == "nl" ? "nl" : "en";
}

Espeak::Espeak(SpeechSettings settings) : settings_(std::move(settings)) {}

Expected<std::string, PromptError> Espeak::version() {
  std::lock_guard lock(mutex_);
  if (version_) return *version_;
  const ProgramRun run = run_program({settings_.program, "--version"}, settings_.time_limit);
  if (!run.started) {
    // Not cached: the program may be installed while the server runs.
    if (run.spawn_error == ENOENT || run.spawn_error == EACCES) return missing(settings_, "");
    return PromptError{PromptErrorKind::tts_failed, settings_.program,
                       "cannot be started: " + std::to_string(run.spawn_error)};
  }
  if (!run.succeeded()) {
    return PromptError{PromptErrorKind::tts_failed, settings_.program,
                       "--version failed: " + first_line(run.output)};
  }
  // "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/..." -> "1.51"
  std::string line = first_line(run.output);
  std::string version = line;
  if (auto colon = line.find(": "); colon != std::string::npos) {
    version = line.substr(colon + 2);
    version = version.substr(0, version.find(' '));
  }
  version_ = Expected<std::string, PromptError>(version);
  return *version_;
}

Expected<std::monostate, PromptError> Espeak::render(std::string_view language, std::string_view text,
                                                     const std::filesystem::path& wav) {
  const std::string subject(text);
  if (!is_language(language)) {  // model/words.hpp: never an option
    return PromptError{PromptErrorKind::tts_failed, subject,
                       "cannot be spoken: \"" + std::string(language) + "\" is not a language name"};
  }
  // The text goes through a file (-f), not the command line: any length, and a text that
  // starts with '-' is never taken for an option.
  const auto text_file = temporary_path_for(wav.parent_path() / (wav.filename().string() + ".txt"));
  if (auto written = write_file_durably(text_file, text); !written) {
    return PromptError{PromptErrorKind::cache_failed, subject, written.error()};
  }
  const ProgramRun run = run_program(
      {settings_.program, "-v", std::string(language), "-s", std::to_string(settings_.words_per_minute),
       "-p", std::to_string(settings_.pitch), "-b", "1", "-w", wav.string(), "-f", text_file.string()},
      settings_.time_limit);
  std::error_code ignored;
  std::filesystem::remove(text_file, ignored);
  if (!run.started) {
    if (run.spawn_error == ENOENT || run.spawn_error == EACCES) return missing(settings_, text);
    return PromptError{PromptErrorKind::tts_failed, subject, "espeak-ng cannot be started"};
  }
  if (run.timed_out) {
    return PromptError{PromptErrorKind::tts_timeout, subject,
                       "espeak-ng did not finish within " +
                           std::to_string(settings_.time_limit.count()) + " ms and was stopped"};
  }
  // espeak-ng 1.51 exits 1 for an unknown voice but may exit 0 with a message for other
  // problems: the output file is what counts.
  if (!run.succeeded() || !std::filesystem::exists(wav)) {
    return PromptError{PromptErrorKind::tts_failed, subject,
                       "espeak-ng failed in language " + std::string(language) + ": " + first_line(run.output)};
  }
  return std::monostate{};
}

SpeechCache::SpeechCache(std::filesystem::path folder, Espeak& espeak)
    : folder_(std::move(folder)), espeak_(espeak) {}

Expected<std::filesystem::path, PromptError> SpeechCache::file_for(std::string_view language,
                                                                  std::string_view text) {
  auto version = espeak_.version();
  if (!version) {
    auto err = version.error();
    err.subject = std::string(text);
    return err;
  }
  const auto& s = espeak_.settings();
  // Fields separated by NUL, which none of them contains; "v1" names this key layout.
  std::string key = "callplan-speech-v1";
  for (const std::string& field :
       {*version, std::string(language), std::to_string(s.words_per_minute), std::to_string(s.pitch),
        std::string(text)}) {
    key.push_back('\0');
    key += field;
  }
  return folder_ / (sha256_hex(key) + ".wav");
}

Expected<Audio, PromptError> SpeechCache::speak(std::string_view language, std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return PromptError{PromptErrorKind::empty, std::string(text), "is an empty text"};
  }
  auto file = file_for(language, text);
  if (!file) return file.error();
  if (std::filesystem::exists(*file)) {
    auto cached = load_audio_file(*file);
    if (cached) return cached;
    // A damaged cache file (a disk error; renames make torn writes impossible): render again.
  }
  std::error_code ec;
  std::filesystem::create_directories(folder_, ec);
  if (ec) {
    return PromptError{PromptErrorKind::cache_failed, std::string(text),
                       "cannot create the speech cache folder " + folder_.string() + ": " + ec.message()};
  }
  const auto temp = temporary_path_for(*file);
  auto rendered = espeak_.render(language, text, temp);
  auto discard = [&] { std::filesystem::remove(temp, ec); };
  if (!rendered) {
    discard();
    return rendered.error();
  }
  auto audio = load_audio_file(temp);
  if (!audio) {
    discard();
    auto err = audio.error();
    err.subject = std::string(text);
    err.kind = PromptErrorKind::tts_failed;
    err.message = "espeak-ng wrote no usable audio: " + err.message;
    return err;
  }
  discard();
  // Cached at 8 kHz, as it is played: a cache hit is a plain read, with no resampling.
  if (auto stored = write_file_durably(*file, encode_wav(*audio)); !stored) {
    return PromptError{PromptErrorKind::cache_failed, std::string(text), stored.error()};
  }
  return audio;
}

std::size_t SpeechCache::remove_stale_temporaries() {
  std::size_t removed = 0;
  std::error_code ec;
  const auto now = std::filesystem::file_time_type::clock::now();
  for (const auto& entry : std::filesystem::directory_iterator(folder_, ec)) {
    if (!is_temporary_name(entry.path().filename().string())) continue;
    std::error_code time_ec;
    const auto written = entry.last_write_time(time_ec);
    if (time_ec || now - written < std::chrono::hours(1)) continue;  // maybe still being written
    if (std::filesystem::remove(entry.path(), time_ec)) ++removed;
  }
  return removed;
}

std::filesystem::path default_speech_cache_folder() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "callplan" / "speech";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".cache" / "callplan" / "speech";
  }
  return "/var/cache/callplan/speech";
}

}  // namespace callplan::media
