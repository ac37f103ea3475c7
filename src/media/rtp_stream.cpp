// The endpoint's state lives in Impl, a member of the MediaClock while it runs: the clock
// calls it to send its frames, and its socket is registered with the clock's packet I/O,
// which hands it the datagrams at each wake and sends its packets with every other leg's. No
// asio operation is ever pending on the stream, and destroying it is leaving the clock and
// the packet I/O and closing the socket. The socket is a plain non-blocking descriptor, not an
// asio socket: asio would register it with its reactor, and every arriving packet would wake
// the thread, which is what the clock is there to avoid. No callback runs after stop().
#include "media/rtp_stream.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <random>
#include <system_error>
#include <utility>

#include "media/dtmf_inband.hpp"
#include "media/g711.hpp"
#include "media/rtp_packet.hpp"
#include "media/sequence_loss.hpp"

namespace callplan::media {

namespace {

using Clock = std::chrono::steady_clock;
using asio::ip::udp;

constexpr std::size_t kMaxFrameSamples = 8 * 60;  // 60 ms at 8 kHz: the longest ptime we send

std::uint32_t random32() {
  static thread_local std::mt19937 engine{std::random_device{}()};
  return static_cast<std::uint32_t>(engine());
}

// The leg's UDP socket: a descriptor owned here (see the top of the file for why not asio's).
class Descriptor {
 public:
  Descriptor() = default;
  explicit Descriptor(int fd) noexcept : fd_(fd) {}
  ~Descriptor() { reset(); }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  Descriptor& operator=(Descriptor&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  int get() const noexcept { return fd_; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

std::error_code last_errno() { return {errno, std::system_category()}; }

}  // namespace

class RtpStream::Impl final : public MediaClock::Member, public PacketIo::Receiver {
 public:
  Impl(MediaClock& clock, const PortRange& ports) : clock_(clock) { bind(ports); }
  ~Impl() { stop(); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void bind(const PortRange& ports);
  void start(const NegotiatedAudio& audio, StreamEvents events);
  void stop();
  void play(Source source) { source_ = std::move(source); }
  void send_digit(char digit, std::chrono::milliseconds duration);

  std::uint16_t local_port() const noexcept { return local_port_; }
  StreamStats stats() const noexcept {
    StreamStats s = stats_;
    s.late = stats_.late + jitter_.late();
    s.lost = loss_.lost();
    return s;
  }
  std::optional<udp::endpoint> remote() const { return remote_; }
  bool latched() const noexcept { return latched_.has_value(); }
  Clock::duration quiet_for(Clock::time_point now) const noexcept {
    return now - std::max(last_received_, started_);
  }

 private:
  void on_receive(Clock::time_point) override {}  // the packet I/O hands datagrams over
  void on_frame(Clock::time_point now) override;
  void on_datagram(std::span<const std::uint8_t> datagram, const sockaddr& from, socklen_t from_size,
                   Clock::time_point now) override;
  void on_send_failed() override { --stats_.sent; }
  void on_datagram(std::span<const std::uint8_t> datagram, const udp::endpoint& from, Clock::time_point now);
  bool accept_source(const udp::endpoint& from, std::uint32_t ssrc, Clock::time_point now);
  void latch(const udp::endpoint& from);
  void deliver(const AudioFrame& frame);
  void send_frame();
  void send_packet(bool marker, std::uint8_t pt, std::uint32_t timestamp,
                   std::span<const std::uint8_t> payload);
  std::size_t frame_samples() const noexcept { return std::size_t{8} * audio_.ptime_ms; }
  bool may_send() const noexcept {
    return audio_.direction == Direction::sendrecv || audio_.direction == Direction::sendonly;
  }
  bool may_receive() const noexcept {
    return audio_.direction == Direction::sendrecv || audio_.direction == Direction::recvonly;
  }

  MediaClock& clock_;
  Descriptor socket_;
  std::uint16_t local_port_ = 0;
  bool running_ = false;  // a member of the clock and its packet I/O: sending and receiving
  std::uint16_t clocked_ptime_ = 0;  // the period it joined the clock with
  Clock::time_point started_{};
  NegotiatedAudio audio_;
  StreamEvents events_;
  StreamStats stats_;

  // sending
  std::uint32_t ssrc_ = random32();
  std::uint16_t sequence_ = static_cast<std::uint16_t>(random32());
  std::uint32_t timestamp_ = random32();
  bool first_packet_ = true;
  Source source_;
  std::deque<std::pair<char, std::uint32_t>> digits_out_;   // digit, duration in samples
  std::vector<TelephoneEventPacket> event_packets_;         // the RFC 4733 event being sent
  std::size_t event_next_ = 0;
  std::uint32_t event_timestamp_ = 0;
  std::vector<std::int16_t> inband_out_;                    // in-band digit tones being sent
  std::size_t inband_next_ = 0;

  // receiving
  std::optional<udp::endpoint> sdp_remote_;
  std::optional<udp::endpoint> remote_;
  std::optional<udp::endpoint> latched_;
  Clock::time_point latched_heard_{};
  std::optional<udp::endpoint> candidate_;
  std::uint32_t candidate_ssrc_ = 0;
  int candidate_count_ = 0;
  std::optional<std::uint32_t> remote_ssrc_;
  Clock::time_point last_received_{};
  std::uint32_t remote_clock_ = 0;  // the remote timestamp just after its last packet
  JitterBuffer jitter_{kJitterFrames};
  SequenceLoss loss_;  // of every accepted packet, audio and events alike
  TelephoneEventReceiver events_in_;
  std::unique_ptr<InbandDtmfDetector> inband_;
  std::vector<std::int16_t> decoded_;
};

void RtpStream::Impl::bind(const PortRange& ports) {
  std::uint16_t first = static_cast<std::uint16_t>((ports.first + 1) & ~1u);  // even
  if (ports.last < first) {
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            "the RTP port range holds no even port");
  }
  std::size_t count = (ports.last - first) / 2 + 1;
  // Start at a random port of the range: a port just freed by the previous call is not
  // reused at once, so its late packets do not land in a new call.
  std::size_t start = random32() % count;
  std::error_code last_error;
  for (std::size_t i = 0; i < count; ++i) {
    auto port = static_cast<std::uint16_t>(first + 2 * ((start + i) % count));
    udp::endpoint local(ports.address, port);
    Descriptor fd(::socket(local.protocol().family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) throw std::system_error(last_errno(), "cannot open an RTP socket");
    if (::bind(fd.get(), local.data(), static_cast<socklen_t>(local.size())) == 0) {
      socket_ = std::move(fd);
      local_port_ = port;
      return;
    }
    last_error = last_errno();
  }
  throw std::system_error(last_error, "no free RTP port in the range");
}

void RtpStream::Impl::start(const NegotiatedAudio& audio, StreamEvents events) {
  audio_ = audio;
  // The clock's grid is 10 ms; SDP offer/answer gives only 10-60 ms in steps of 10.
  if (audio_.ptime_ms == 0 || audio_.ptime_ms % 10 != 0 || audio_.ptime_ms * std::size_t{8} > kMaxFrameSamples) {
    audio_.ptime_ms = 20;
  }
  events_ = std::move(events);
  started_ = Clock::now();
  sdp_remote_.reset();
  if (audio_.remote_address_usable && audio_.remote_port != 0) {
    std::error_code ec;
    auto address = asio::ip::make_address(audio_.remote_address, ec);
    if (!ec) sdp_remote_ = udp::endpoint(address, audio_.remote_port);
  }
  remote_ = sdp_remote_;
  latched_.reset();
  candidate_.reset();
  candidate_count_ = 0;
  inband_.reset();
  if (!audio_.telephone_event) inband_ = std::make_unique<InbandDtmfDetector>();
  // The first frame goes at the clock's next point of this ptime, at most one ptime away.
  if (running_ && clocked_ptime_ != audio_.ptime_ms) clock_.leave(*this);  // joins again below
  if (!running_) {
    clock_.packets().add(socket_.get(), *this);  // throws when Kind::uring is refused
    running_ = true;
    clocked_ptime_ = audio_.ptime_ms;
    clock_.join(*this, std::chrono::milliseconds(audio_.ptime_ms));
  } else if (clocked_ptime_ != audio_.ptime_ms) {
    clocked_ptime_ = audio_.ptime_ms;
    clock_.join(*this, std::chrono::milliseconds(audio_.ptime_ms));
  }
}

void RtpStream::Impl::stop() {
  if (running_) {
    clock_.leave(*this);
    clock_.packets().remove(socket_.get());
  }
  running_ = false;
  events_ = {};
  source_ = nullptr;
}

void RtpStream::Impl::send_digit(char digit, std::chrono::milliseconds duration) {
  if (!dtmf_event(digit)) return;
  auto samples = static_cast<std::uint32_t>(std::max<std::int64_t>(duration.count(), 10) * 8);
  digits_out_.emplace_back(digit, samples);
}

// --- receiving -------------------------------------------------------------------------------

void RtpStream::Impl::on_datagram(std::span<const std::uint8_t> datagram, const sockaddr& from,
                                  socklen_t from_size, Clock::time_point now) {
  if (!running_) return;
  udp::endpoint source;
  std::size_t size = std::min<std::size_t>(from_size, source.capacity());
  std::memcpy(source.data(), &from, size);
  source.resize(size);
  on_datagram(datagram, source, now);
}

void RtpStream::Impl::on_datagram(std::span<const std::uint8_t> datagram, const udp::endpoint& from,
                                  Clock::time_point now) {
  RtpPacket packet;
  if (parse_rtp(datagram, packet) != RtpError::none) {
    ++stats_.malformed;
    return;
  }
  const RtpHeader& h = packet.header;
  const bool audio = h.payload_type == audio_.payload_type;
  const bool event = audio_.telephone_event && h.payload_type == *audio_.telephone_event;
  if (!audio && !event) {
    ++stats_.unexpected_payload;  // comfort noise, a codec we did not agree on
    return;
  }
  if (!accept_source(from, h.ssrc, now)) {
    ++stats_.foreign;
    return;
  }
  ++stats_.received;
  if (!may_receive()) return;
  if (remote_ssrc_ != h.ssrc) {
    // A new stream from the other side: its sequence numbers start afresh.
    while (auto frame = jitter_.drain()) deliver(*frame);
    stats_.late += jitter_.late();
    jitter_ = JitterBuffer(kJitterFrames);
    if (remote_ssrc_) loss_.restart();
    remote_ssrc_ = h.ssrc;
  }
  // Loss by the stream's sequence numbers, which telephone-event packets share with audio:
  // the jitter buffer sees audio only, and its holes where a key was pressed are no loss.
  loss_.on_packet(h.sequence);
  last_received_ = now;
  if (event) {
    auto parsed = parse_telephone_event(packet.payload);
    remote_clock_ = h.timestamp + (parsed ? parsed->duration : 0u);
    if (auto digit = events_in_.on_packet(h.timestamp, packet.payload)) {
      if (events_.on_digit) events_.on_digit(*digit, DigitSource::rfc4733);
    }
    return;
  }
  std::size_t n = std::min(packet.payload.size(), kMaxFrameSamples * 4);
  decoded_.resize(n);
  decode(audio_.codec, packet.payload.first(n), decoded_);
  remote_clock_ = h.timestamp + static_cast<std::uint32_t>(n);
  jitter_.put(h.sequence, h.timestamp, decoded_);
  while (auto frame = jitter_.pop()) deliver(*frame);
}

bool RtpStream::Impl::accept_source(const udp::endpoint& from, std::uint32_t ssrc,
                                    Clock::time_point now) {
  if (latched_ && from == *latched_) {
    latched_heard_ = now;
    candidate_count_ = 0;  // "in a row": the latched source spoke in between
    return true;
  }
  if (!latched_ && sdp_remote_ && from == *sdp_remote_) {
    latch(from);  // RTP comes from where the SDP said: nothing to wait for
    latched_heard_ = now;
    return true;
  }
  if (candidate_ && *candidate_ == from && candidate_ssrc_ == ssrc) {
    ++candidate_count_;
  } else {
    candidate_ = from;
    candidate_ssrc_ = ssrc;
    candidate_count_ = 1;
  }
  bool quiet = !latched_ || now - latched_heard_ >= kRelatchQuiet;
  if (candidate_count_ >= kLatchPackets && quiet) {
    latch(from);
    latched_heard_ = now;
    return true;
  }
  return false;
}

void RtpStream::Impl::latch(const udp::endpoint& from) {
  latched_ = from;
  remote_ = from;
  candidate_.reset();
  candidate_count_ = 0;
  ++stats_.latches;
  if (events_.on_latched) events_.on_latched(from);
}

void RtpStream::Impl::deliver(const AudioFrame& frame) {
  if (events_.on_audio) events_.on_audio(frame);
  if (!inband_) return;
  if (frame.gap_before > 0) inband_->lost(std::min<std::size_t>(frame.gap_before, 8000));
  for (char digit : inband_->feed(frame.samples)) {
    if (events_.on_digit) events_.on_digit(Digit{digit, frame.timestamp, 0}, DigitSource::inband);
  }
}

// --- sending ---------------------------------------------------------------------------------

void RtpStream::Impl::on_frame(Clock::time_point now) {
  if (!running_) return;
  send_frame();
  // The receive side's clocks: an event whose end never came, frames held behind a hole.
  if (audio_.telephone_event && last_received_ != Clock::time_point{}) {
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_received_);
    auto remote_now = remote_clock_ + static_cast<std::uint32_t>(elapsed.count() * 8);
    if (auto digit = events_in_.expire(remote_now)) {
      if (events_.on_digit) events_.on_digit(*digit, DigitSource::rfc4733);
    }
  }
  if (jitter_.held() > 0 &&
      now - last_received_ > std::chrono::milliseconds(audio_.ptime_ms) * kJitterFrames) {
    while (auto frame = jitter_.drain()) deliver(*frame);
  }
}

void RtpStream::Impl::send_packet(bool marker, std::uint8_t pt, std::uint32_t timestamp,
                                  std::span<const std::uint8_t> payload) {
  RtpHeader h;
  h.marker = marker;
  h.payload_type = pt;
  h.sequence = sequence_++;
  h.timestamp = timestamp;
  h.ssrc = ssrc_;
  std::array<std::uint8_t, kRtpHeaderSize + kMaxFrameSamples> wire;
  std::size_t n = write_rtp(h, payload, wire);
  // A send error (no route, ICMP feedback, a full buffer) is not fatal to a call: the next
  // frame tries again. The packet I/O copies the packet; a send that fails after this
  // returned takes its count back (on_send_failed).
  if (clock_.packets().send(socket_.get(), std::span<const std::uint8_t>(wire.data(), n), *remote_->data(),
                            static_cast<socklen_t>(remote_->size())))
    ++stats_.sent;
}

void RtpStream::Impl::send_frame() {
  const std::size_t samples = frame_samples();
  const std::uint32_t now_ts = timestamp_;
  timestamp_ += static_cast<std::uint32_t>(samples);  // the clock runs whether we send or not

  // Pull audio every frame, sent or not, so a prompt plays in real time.
  std::array<std::int16_t, kMaxFrameSamples> pcm{};
  std::span<std::int16_t> frame(pcm.data(), samples);
  if (source_) {
    std::size_t got = source_(frame);
    if (got < samples) {
      std::fill(frame.begin() + static_cast<std::ptrdiff_t>(got), frame.end(), std::int16_t{0});
      source_ = nullptr;
      if (events_.on_played) events_.on_played();
    }
  }

  // Digits: the next one starts when the previous is fully sent.
  if (event_next_ >= event_packets_.size() && inband_next_ >= inband_out_.size() &&
      !digits_out_.empty()) {
    auto [digit, duration] = digits_out_.front();
    digits_out_.pop_front();
    if (audio_.telephone_event) {
      event_packets_ = telephone_event_packets(digit, duration, static_cast<std::uint32_t>(samples));
      event_next_ = 0;
      event_timestamp_ = now_ts;
    } else {
      std::string one(1, digit);
      inband_out_ = dtmf_tones(one, static_cast<int>(duration / 8), 50);
      inband_next_ = 0;
    }
  }
  if (inband_next_ < inband_out_.size()) {
    std::size_t n = std::min(samples, inband_out_.size() - inband_next_);
    std::copy_n(inband_out_.begin() + static_cast<std::ptrdiff_t>(inband_next_), n, frame.begin());
    std::fill(frame.begin() + static_cast<std::ptrdiff_t>(n), frame.end(), std::int16_t{0});
    inband_next_ += n;
  }

  if (!may_send() || !remote_) return;
  if (event_next_ < event_packets_.size()) {
    const TelephoneEventPacket& p = event_packets_[event_next_++];
    send_packet(p.marker, *audio_.telephone_event, event_timestamp_, p.payload);
    return;
  }
  std::array<std::uint8_t, kMaxFrameSamples> payload;
  encode(audio_.codec, frame, payload);
  send_packet(first_packet_, audio_.payload_type, now_ts, std::span(payload.data(), samples));
  first_packet_ = false;
}

// --- the public face -------------------------------------------------------------------------

RtpStream::RtpStream(MediaClock& clock, const PortRange& ports)
    : impl_(std::make_unique<Impl>(clock, ports)) {}

RtpStream::RtpStream(asio::io_context& io, const PortRange& ports)
    : own_clock_(std::make_unique<MediaClock>(io)), impl_(std::make_unique<Impl>(*own_clock_, ports)) {}

RtpStream::~RtpStream() = default;

std::uint16_t RtpStream::local_port() const noexcept { return impl_->local_port(); }

void RtpStream::start(const NegotiatedAudio& audio, StreamEvents events) {
  impl_->start(audio, std::move(events));
}

void RtpStream::stop() { impl_->stop(); }

void RtpStream::play(Source source) { impl_->play(std::move(source)); }

void RtpStream::send_digit(char digit, std::chrono::milliseconds duration) {
  impl_->send_digit(digit, duration);
}

StreamStats RtpStream::stats() const noexcept { return impl_->stats(); }

std::optional<asio::ip::udp::endpoint> RtpStream::remote() const { return impl_->remote(); }

bool RtpStream::latched() const noexcept { return impl_->latched(); }

std::chrono::steady_clock::duration RtpStream::quiet_for() const noexcept {
  return impl_->quiet_for(std::chrono::steady_clock::now());
}

std::chrono::steady_clock::duration RtpStream::quiet_for(std::chrono::steady_clock::time_point now) const noexcept {
  return impl_->quiet_for(now);
}

}  // namespace callplan::media
