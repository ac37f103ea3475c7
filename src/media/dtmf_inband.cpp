#include "media/dtmf_inband.hpp"

#include <spandsp.h>

#include <limits>
#include <stdexcept>

namespace callplan::media {

struct InbandDtmfDetector::State {
  dtmf_rx_state_t* rx = nullptr;
  std::string digits;  // filled by the callback during one feed()
};

namespace {

void collect(void* user_data, const char* digits, int len) {
  auto* out = static_cast<std::string*>(user_data);
  if (len > 0) out->append(digits, static_cast<std::size_t>(len));
}

}  // namespace

InbandDtmfDetector::InbandDtmfDetector() : state_(std::make_unique<State>()) {
  state_->rx = dtmf_rx_init(nullptr, collect, &state_->digits);
  if (state_->rx == nullptr) throw std::bad_alloc();
  // spandsp's defaults: dial tone not filtered, twist 8 dB, reverse twist 4 dB, -42 dBm0.
  // The dial tone filter is switched on: callers sometimes press keys over a call-progress
  // tone (our ringback or an announcement leaking back through an echoing phone).
  dtmf_rx_parms(state_->rx, 1, -1, -1, -99);
}

InbandDtmfDetector::~InbandDtmfDetector() {
  if (state_ && state_->rx) dtmf_rx_free(state_->rx);
}

std::string InbandDtmfDetector::feed(std::span<const std::int16_t> samples) {
  state_->digits.clear();
  // dtmf_rx takes an int count; feed in pieces so no size overflows it.
  constexpr std::size_t kChunk = 8000;
  for (std::size_t at = 0; at < samples.size(); at += kChunk) {
    std::size_t n = std::min(kChunk, samples.size() - at);
    dtmf_rx(state_->rx, samples.data() + at, static_cast<int>(n));
  }
  return state_->digits;
}

void InbandDtmfDetector::lost(std::size_t samples) {
  constexpr std::size_t kChunk = 8000;
  for (std::size_t left = samples; left > 0;) {
    std::size_t n = std::min(kChunk, left);
    dtmf_rx_fillin(state_->rx, static_cast<int>(n));
    left -= n;
  }
}

std::vector<std::int16_t> dtmf_tones(std::string_view digits, int on_ms, int off_ms) {
  dtmf_tx_state_t* tx = dtmf_tx_init(nullptr);
  if (tx == nullptr) throw std::bad_alloc();
  dtmf_tx_set_timing(tx, on_ms, off_ms);
  std::vector<std::int16_t> out;
  // The generator's queue holds MAX_DTMF_DIGITS; put a few at a time.
  for (std::size_t at = 0; at < digits.size(); at += 16) {
    std::string_view part = digits.substr(at, 16);
    dtmf_tx_put(tx, part.data(), static_cast<int>(part.size()));
    std::int16_t buffer[160];
    for (int n; (n = dtmf_tx(tx, buffer, 160)) > 0;) out.insert(out.end(), buffer, buffer + n);
  }
  dtmf_tx_free(tx);
  return out;
}

}  // namespace callplan::media
