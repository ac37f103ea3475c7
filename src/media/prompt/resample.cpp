#include "media/prompt/resample.hpp"

#include <samplerate.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "media/prompt/audio.hpp"

namespace callplan::media {

std::vector<std::int16_t> resample_to_telephony(std::span<const float> mono, int rate) {
  const auto wanted = static_cast<std::size_t>(
      std::llround(static_cast<double>(mono.size()) * telephony_rate / rate));
  std::vector<float> out;
  if (rate == telephony_rate) {
    out.assign(mono.begin(), mono.end());
  } else if (!mono.empty()) {
    // A little headroom: the converter may emit a sample more or less than the ideal count.
    out.resize(wanted + 64);
    SRC_DATA data{};
    data.data_in = mono.data();
    data.input_frames = static_cast<long>(mono.size());
    data.data_out = out.data();
    data.output_frames = static_cast<long>(out.size());
    data.src_ratio = static_cast<double>(telephony_rate) / rate;
    if (int err = src_simple(&data, SRC_SINC_MEDIUM_QUALITY, 1); err != 0) {
      throw std::runtime_error(src_strerror(err));
    }
    out.resize(static_cast<std::size_t>(data.output_frames_gen));
  }
  // Make the length exact so that a prompt's seconds do not depend on the converter's
  // latency handling: pad with silence or cut the (silent) tail.
  out.resize(wanted, 0.0F);
  std::vector<std::int16_t> pcm(out.size());
  if (!out.empty()) {
    src_float_to_short_array(out.data(), pcm.data(), static_cast<int>(out.size()));
  }
  return pcm;
}

}  // namespace callplan::media
