// tests/prompt/test_audio.hpp — audio fixtures written with libsndfile at test time, so every
// rate, channel count and format the loader accepts is exercised without binary files in git.
#pragma once

#include <gtest/gtest.h>
#include <sndfile.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numbers>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include "media/prompt/run_program.hpp"

namespace callplan::media::test {

inline bool espeak_installed() {
  using namespace std::chrono_literals;
  return run_program({"espeak-ng", "--version"}, 10s).succeeded();
}

}  // namespace callplan::media::test

// A test that needs espeak-ng skips without it on a developer's machine, and fails in CI
// (CI set): there a skip would hide a missing install step (scripts/install-deps.sh brings it).
#define CALLPLAN_REQUIRE_ESPEAK()                                           \
  do {                                                                      \
    if (!::callplan::media::test::espeak_installed()) {                     \
      if (std::getenv("CI")) GTEST_FAIL() << "espeak-ng is not installed";  \
      GTEST_SKIP() << "espeak-ng is not installed";                         \
    }                                                                       \
  } while (false)

namespace callplan::media::test {

// A fresh folder under the build's temp space, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "callplan-media-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes `frames` frames of a sine of `hz` (amplitude `amp` on channel 0; channel c gets
// amp * gains[c]) in the given libsndfile format.
inline void write_tone(const std::filesystem::path& file, int rate, int channels, long frames, double hz,
                       double amp, std::vector<double> gains = {}, int format = SF_FORMAT_WAV | SF_FORMAT_PCM_16) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  SNDFILE* f = sf_open(file.c_str(), SFM_WRITE, &info);
  if (!f) throw std::runtime_error(std::string("sf_open for writing: ") + sf_strerror(nullptr));
  if (gains.empty()) gains.assign(static_cast<std::size_t>(channels), 1.0);
  std::vector<double> data(static_cast<std::size_t>(frames * channels));
  for (long i = 0; i < frames; ++i) {
    const double v = amp * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / rate);
    for (int c = 0; c < channels; ++c) data[static_cast<std::size_t>(i * channels + c)] = v * gains[static_cast<std::size_t>(c)];
  }
  sf_writef_double(f, data.data(), frames);
  sf_close(f);
}

// Sign changes of a signal: 2 per period of a pure tone.
inline int zero_crossings(const std::vector<std::int16_t>& s) {
  int n = 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if ((s[i - 1] < 0) != (s[i] < 0)) ++n;
  }
  return n;
}

inline double peak(const std::vector<std::int16_t>& s) {
  int p = 0;
  for (auto v : s) p = std::max(p, std::abs(static_cast<int>(v)));
  return p / 32768.0;
}

}  // namespace callplan::media::test
