// media/prompt/audio_file.hpp — reading and writing audio files with libsndfile.
// Reading accepts whatever libsndfile decodes (WAV, AIFF, FLAC, Ogg/Vorbis, AU, ...), at any
// sample rate and channel count: channels are averaged to mono and the result is resampled to
// 8 kHz with libsamplerate. Writing is the one format the media side stores: 8 kHz mono 16-bit
// PCM WAV.
#pragma once

#include <filesystem>
#include <string>

#include "media/prompt/audio.hpp"
#include "media/prompt/expected.hpp"
#include "media/prompt/prompt_error.hpp"

namespace callplan::media {

// A prompt longer than this is refused (prompt.too_long): it guards memory against a stray
// hour-long recording named as an announcement.
inline constexpr double max_prompt_seconds = 600.0;

// The file as 8 kHz mono 16-bit samples. The length is exact: the source frame count scaled to
// 8 kHz and rounded to the nearest sample.
Expected<Audio, PromptError> load_audio_file(const std::filesystem::path& file);

// The same for bytes already in memory (a WAV read back from the text-to-speech cache or a
// voicemail message); `name` is used in errors.
Expected<Audio, PromptError> decode_audio(const std::string& bytes, const std::string& name);

// `audio` as an 8 kHz mono 16-bit PCM WAV file image (44-byte RIFF header + samples). The
// bytes are what a voicemail message file and its mail attachment contain.
std::string encode_wav(const Audio& audio);

}  // namespace callplan::media
