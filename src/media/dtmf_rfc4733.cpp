#include "media/dtmf_rfc4733.hpp"

#include <algorithm>

#include "media/rtp_packet.hpp"

namespace callplan::media {

namespace {
constexpr char kDigits[] = "0123456789*#ABCD";
}

std::optional<char> dtmf_digit(std::uint8_t event) noexcept {
  if (event >= 16) return std::nullopt;
  return kDigits[event];
}

std::optional<std::uint8_t> dtmf_event(char digit) noexcept {
  if (digit >= 'a' && digit <= 'd') digit = static_cast<char>(digit - 'a' + 'A');
  for (std::uint8_t i = 0; i < 16; ++i) {
    if (kDigits[i] == digit) return i;
  }
  return std::nullopt;
}

std::optional<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> p) noexcept {
  if (p.size() < 4) return std::nullopt;
  TelephoneEvent e;
  e.event = p[0];
  e.end = (p[1] & 0x80) != 0;
  e.volume = p[1] & 0x3F;
  e.duration = static_cast<std::uint16_t>((p[2] << 8) | p[3]);
  return e;
}

std::array<std::uint8_t, 4> write_telephone_event(const TelephoneEvent& e) noexcept {
  return {e.event, static_cast<std::uint8_t>((e.end ? 0x80 : 0) | (e.volume & 0x3F)),
          static_cast<std::uint8_t>(e.duration >> 8), static_cast<std::uint8_t>(e.duration)};
}

bool TelephoneEventReceiver::reported(std::uint32_t timestamp) const noexcept {
  return std::find(done_.begin(), done_.begin() + static_cast<std::ptrdiff_t>(done_count_),
                   timestamp) != done_.begin() + static_cast<std::ptrdiff_t>(done_count_);
}

void TelephoneEventReceiver::remember(std::uint32_t timestamp) noexcept {
  done_[done_next_] = timestamp;
  done_next_ = (done_next_ + 1) % done_.size();
  done_count_ = std::min(done_count_ + 1, done_.size());
}

Digit TelephoneEventReceiver::finish() noexcept {
  Digit d{*dtmf_digit(open_->event), open_->timestamp, open_->duration};
  remember(open_->timestamp);
  open_.reset();
  return d;
}

void TelephoneEventReceiver::push(Digit digit) noexcept {
  // At most two digits wait at once (see on_packet); the bound is kept by construction, and
  // checked here so that no input can write past the array.
  if (ready_count_ < ready_.size()) ready_[ready_count_++] = digit;
}

std::optional<Digit> TelephoneEventReceiver::take() noexcept {
  if (ready_count_ == 0) return std::nullopt;
  Digit d = ready_[0];
  std::copy(ready_.begin() + 1, ready_.end(), ready_.begin());
  --ready_count_;
  return d;
}

std::optional<Digit> TelephoneEventReceiver::on_packet(
    std::uint32_t timestamp, std::span<const std::uint8_t> payload) noexcept {
  auto e = parse_telephone_event(payload);
  if (e && e->event < 16 && !reported(timestamp)) {  // else: retransmitted end, late update
    bool straggler = false;
    if (open_ && open_->timestamp != timestamp) {
      if (timestamp_delta(open_->timestamp, timestamp) < 0) {
        straggler = true;  // a packet of an event older than the open one
      } else {
        push(finish());  // its end packets were lost; a new one began
      }
    }
    if (!straggler) {
      if (!open_) open_ = Open{timestamp, e->event, 0};
      open_->duration = std::max<std::uint32_t>(open_->duration, e->duration);
      last_heard_ = timestamp + open_->duration;
      if (e->end) push(finish());
    }
  }
  return take();
}

std::optional<Digit> TelephoneEventReceiver::expire(std::uint32_t now) noexcept {
  if (ready_count_ == 0 && open_ && timestamp_delta(last_heard_, now) > kEventTimeout) {
    push(finish());
  }
  return take();
}

std::vector<TelephoneEventPacket> telephone_event_packets(char digit, std::uint32_t duration,
                                                          std::uint32_t frame,
                                                          std::uint8_t volume) {
  std::vector<TelephoneEventPacket> out;
  auto event = dtmf_event(digit);
  if (!event || frame == 0) return out;
  // The duration field is 16 bits; longer keys would need segments (section 2.5.1.3), which
  // nobody presses in a menu: clamp.
  duration = std::clamp<std::uint32_t>(duration, frame, 0xFFFF);
  TelephoneEvent e{*event, false, volume, 0};
  for (std::uint32_t held = frame; held < duration; held += frame) {
    e.duration = static_cast<std::uint16_t>(held);
    out.push_back({write_telephone_event(e), out.empty()});
  }
  e.end = true;
  e.duration = static_cast<std::uint16_t>(duration);
  for (int i = 0; i < 3; ++i) out.push_back({write_telephone_event(e), out.empty()});
  return out;
}

}  // namespace callplan::media
