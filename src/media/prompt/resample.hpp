// media/prompt/resample.hpp — mono float samples at any rate to 8 kHz 16-bit (libsamplerate).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace callplan::media {

// Resamples `mono` (floats in [-1, 1], clipped beyond) from `rate` Hz to 8 kHz with
// libsamplerate's medium-quality sinc converter. The result has exactly
// round(mono.size() * 8000 / rate) samples. Throws std::runtime_error only when libsamplerate
// itself fails (out of memory); the caller turns it into a prompt error.
std::vector<std::int16_t> resample_to_telephony(std::span<const float> mono, int rate);

}  // namespace callplan::media
