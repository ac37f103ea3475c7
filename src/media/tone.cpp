#include "media/tone.hpp"

#include <spandsp.h>

#include <algorithm>
#include <new>

namespace callplan::media {

struct ToneGenerator::State {
  tone_gen_descriptor_t* descriptor = nullptr;
  tone_gen_state_t* generator = nullptr;
};

std::size_t ToneSpec::cadence_samples() const noexcept {
  return static_cast<std::size_t>(on_ms + off_ms + on2_ms + off2_ms) * (kSampleRate / 1000);
}

ToneSpec voicemail_beep() noexcept {
  ToneSpec s;
  s.frequency = 1000;
  s.level_dbm0 = -10;
  s.on_ms = 500;
  return s;
}

ToneSpec european_ringback() noexcept {
  ToneSpec s;
  s.frequency = 425;
  s.level_dbm0 = -13;
  s.on_ms = 1000;
  s.off_ms = 4000;
  s.repeat = true;
  return s;
}

ToneGenerator::ToneGenerator(const ToneSpec& spec) : state_(std::make_unique<State>()) {
  state_->descriptor = tone_gen_descriptor_init(
      nullptr, spec.frequency, spec.level_dbm0, spec.frequency2,
      spec.frequency2 ? spec.level_dbm0 : 0, spec.on_ms, spec.off_ms, spec.on2_ms, spec.off2_ms,
      spec.repeat ? 1 : 0);
  if (state_->descriptor == nullptr) throw std::bad_alloc();
  state_->generator = tone_gen_init(nullptr, state_->descriptor);
  if (state_->generator == nullptr) {
    tone_gen_descriptor_free(state_->descriptor);
    throw std::bad_alloc();
  }
}

ToneGenerator::~ToneGenerator() {
  if (state_->generator) tone_gen_free(state_->generator);
  if (state_->descriptor) tone_gen_descriptor_free(state_->descriptor);
}

std::size_t ToneGenerator::fill(std::span<std::int16_t> out) {
  std::size_t made = 0;
  if (!finished_) {
    int n = tone_gen(state_->generator, out.data(), static_cast<int>(out.size()));
    made = static_cast<std::size_t>(std::max(n, 0));
    if (made < out.size()) finished_ = true;
  }
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(made), out.end(), std::int16_t{0});
  return made;
}

void fill_silence(std::span<std::int16_t> out) noexcept {
  std::fill(out.begin(), out.end(), std::int16_t{0});
}

std::vector<std::uint8_t> silence_payload(Codec codec, std::size_t samples) {
  return std::vector<std::uint8_t>(samples, silence_code(codec));
}

}  // namespace callplan::media
