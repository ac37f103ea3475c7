#include "media/prompt/audio_file.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "media/prompt/resample.hpp"

namespace callplan::media {
namespace {

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

PromptError error(PromptErrorKind kind, const std::string& subject, std::string message) {
  return PromptError{kind, subject, std::move(message)};
}

// Why sf_open failed, in the categories the checker distinguishes.
PromptError open_error(SNDFILE* failed, const std::string& name) {
  const int code = sf_error(failed);
  const std::string what = sf_strerror(failed);
  switch (code) {
    case SF_ERR_UNRECOGNISED_FORMAT:
    case SF_ERR_UNSUPPORTED_ENCODING:
      return error(PromptErrorKind::format_unsupported, name,
                   "not an audio format libsndfile reads (" + what + ")");
    default:
      return error(PromptErrorKind::file_unreadable, name, "cannot be decoded (" + what + ")");
  }
}

// Decodes an open file: every channel averaged into one, then resampled to 8 kHz.
Expected<Audio, PromptError> decode(SNDFILE* file, const SF_INFO& info, const std::string& name) {
  if (info.frames <= 0 || info.channels <= 0) {
    return error(PromptErrorKind::empty, name, "contains no audio");
  }
  if (info.samplerate <= 0) {
    return error(PromptErrorKind::file_unreadable, name, "has no sample rate");
  }
  const double seconds = static_cast<double>(info.frames) / info.samplerate;
  if (seconds > max_prompt_seconds) {
    return error(PromptErrorKind::too_long, name,
                 "is " + std::to_string(static_cast<long long>(seconds)) +
                     " s long; prompts may last at most " +
                     std::to_string(static_cast<int>(max_prompt_seconds)) + " s");
  }
  const auto channels = static_cast<std::size_t>(info.channels);
  std::vector<float> mono;
  mono.reserve(static_cast<std::size_t>(info.frames));
  std::vector<float> block(4096 * channels);
  for (;;) {
    const sf_count_t got = sf_readf_float(file, block.data(), 4096);
    if (got <= 0) break;
    for (sf_count_t i = 0; i < got; ++i) {
      float sum = 0.0F;
      for (std::size_t c = 0; c < channels; ++c) sum += block[static_cast<std::size_t>(i) * channels + c];
      mono.push_back(sum / static_cast<float>(channels));
    }
  }
  if (sf_error(file) != SF_ERR_NO_ERROR && mono.empty()) {
    return error(PromptErrorKind::file_unreadable, name,
                 std::string("cannot be decoded (") + sf_strerror(file) + ")");
  }
  if (mono.empty()) return error(PromptErrorKind::empty, name, "contains no audio");
  try {
    Audio audio;
    audio.samples = resample_to_telephony(mono, info.samplerate);
    if (audio.samples.empty()) return error(PromptErrorKind::empty, name, "contains no audio");
    return audio;
  } catch (const std::exception& e) {
    return error(PromptErrorKind::file_unreadable, name, std::string("cannot be resampled (") + e.what() + ")");
  }
}

// libsndfile's virtual I/O over a string in memory.
struct MemoryFile {
  const std::string* bytes;
  sf_count_t pos = 0;
};

sf_count_t mem_length(void* user) { return static_cast<sf_count_t>(static_cast<MemoryFile*>(user)->bytes->size()); }
sf_count_t mem_seek(sf_count_t offset, int whence, void* user) {
  auto* m = static_cast<MemoryFile*>(user);
  const auto size = static_cast<sf_count_t>(m->bytes->size());
  sf_count_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? size : 0;
  m->pos = std::clamp<sf_count_t>(base + offset, 0, size);
  return m->pos;
}
sf_count_t mem_read(void* ptr, sf_count_t count, void* user) {
  auto* m = static_cast<MemoryFile*>(user);
  const auto size = static_cast<sf_count_t>(m->bytes->size());
  const sf_count_t n = std::clamp<sf_count_t>(size - m->pos, 0, count);
  std::memcpy(ptr, m->bytes->data() + m->pos, static_cast<std::size_t>(n));
  m->pos += n;
  return n;
}
sf_count_t mem_write(const void*, sf_count_t, void*) { return 0; }
sf_count_t mem_tell(void* user) { return static_cast<MemoryFile*>(user)->pos; }

void put_le(std::string& out, std::uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFFU));
}

}  // namespace

Expected<Audio, PromptError> load_audio_file(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (!std::filesystem::exists(status)) return error(PromptErrorKind::file_missing, name, "no such file");
  if (std::filesystem::is_directory(status)) return error(PromptErrorKind::file_unreadable, name, "is a folder, not an audio file");
  if (std::filesystem::is_regular_file(status) && std::filesystem::file_size(file, ec) == 0 && !ec) {
    return error(PromptErrorKind::empty, name, "is an empty file");
  }
  SF_INFO info{};
  SndfilePtr handle(sf_open(name.c_str(), SFM_READ, &info));
  if (!handle) return open_error(nullptr, name);
  return decode(handle.get(), info, name);
}

Expected<Audio, PromptError> decode_audio(const std::string& bytes, const std::string& name) {
  if (bytes.empty()) return error(PromptErrorKind::empty, name, "is an empty file");
  SF_VIRTUAL_IO io{mem_length, mem_seek, mem_read, mem_write, mem_tell};
  MemoryFile memory{&bytes};
  SF_INFO info{};
  SndfilePtr handle(sf_open_virtual(&io, SFM_READ, &info, &memory));
  if (!handle) return open_error(nullptr, name);
  return decode(handle.get(), info, name);
}

std::string encode_wav(const Audio& audio) {
  // The canonical 44-byte header of a PCM WAV: RIFF, "fmt " (16 bytes), "data". Written here
  // rather than through libsndfile so the bytes are the same on every version (they are
  // compared byte for byte with the mail attachment).
  const auto data_bytes = static_cast<std::uint32_t>(audio.samples.size() * 2);
  std::string out;
  out.reserve(44 + data_bytes);
  out += "RIFF";
  put_le(out, 36 + data_bytes, 4);
  out += "WAVEfmt ";
  put_le(out, 16, 4);                   // fmt chunk size
  put_le(out, 1, 2);                    // PCM
  put_le(out, 1, 2);                    // mono
  put_le(out, telephony_rate, 4);       // sample rate
  put_le(out, telephony_rate * 2, 4);   // byte rate
  put_le(out, 2, 2);                    // block align
  put_le(out, 16, 2);                   // bits per sample
  out += "data";
  put_le(out, data_bytes, 4);
  for (std::int16_t s : audio.samples) put_le(out, static_cast<std::uint16_t>(s), 2);
  return out;
}

}  // namespace callplan::media
