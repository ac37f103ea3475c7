#include "media/prompt/audio.hpp"

#include <algorithm>

namespace callplan::media {

std::span<const std::int16_t> Audio::frame(std::size_t i) const {
  const std::size_t begin = std::min(i * frame_samples, samples.size());
  const std::size_t end = std::min(begin + frame_samples, samples.size());
  return {samples.data() + begin, end - begin};
}

}  // namespace callplan::media
