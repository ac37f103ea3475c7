// media/packet_io.cpp — the choice of packet I/O, and the plain system-call one (recvmmsg per
// socket and wake, sendto per packet) that works on every kernel.
#include "media/packet_io.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>
#include <vector>

#include "media/packet_io_uring.hpp"

namespace callplan::media {

namespace {

constexpr std::size_t kMaxDatagram = 2048;
// Datagrams read per recvmmsg, and reads per socket and wake at most: a flood on one port
// cannot hold the thread that every other leg's audio needs.
constexpr unsigned kReceiveBatch = 8;
constexpr int kMaxReadsPerWake = 8;

class SyscallPacketIo final : public PacketIo {
 public:
  std::string_view name() const noexcept override { return "syscalls"; }

  void add(int fd, Receiver& receiver) override { sockets_.push_back({fd, &receiver}); }

  void remove(int fd) noexcept override {
    auto it = std::find_if(sockets_.begin(), sockets_.end(), [fd](const Socket& s) { return s.fd == fd; });
    if (it == sockets_.end()) return;
    if (receiving_) {
      it->receiver = nullptr;  // receive() goes by index; removed when it ends
    } else {
      sockets_.erase(it);
    }
  }

  void receive(Clock::time_point now) override {
    receiving_ = true;
    const std::size_t count = sockets_.size();  // sockets added meanwhile are read next time
    for (std::size_t i = 0; i < count; ++i) read_socket(i, now);
    receiving_ = false;
    std::erase_if(sockets_, [](const Socket& s) { return s.receiver == nullptr; });
  }

  bool send(int fd, std::span<const std::uint8_t> datagram, const sockaddr& to, socklen_t to_size) override {
    // A send error (no route, ICMP feedback, a full buffer) is not fatal to a call: the next
    // frame tries again.
    return ::sendto(fd, datagram.data(), datagram.size(), 0, &to, to_size) >= 0;
  }

  void flush() override {}

 private:
  struct Socket {
    int fd;
    Receiver* receiver;  // null once removed during receive()
  };

  // Where recvmmsg puts a batch; one for the object, each datagram handed on before the next
  // read.
  struct Batch {
    std::array<std::array<std::uint8_t, kMaxDatagram>, kReceiveBatch> data{};
    std::array<sockaddr_storage, kReceiveBatch> from{};
    std::array<iovec, kReceiveBatch> iov{};
    std::array<mmsghdr, kReceiveBatch> messages{};

    void reset() noexcept {
      for (unsigned i = 0; i < kReceiveBatch; ++i) {
        iov[i] = {data[i].data(), data[i].size()};
        messages[i] = {};
        messages[i].msg_hdr.msg_name = &from[i];
        messages[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        messages[i].msg_hdr.msg_iov = &iov[i];
        messages[i].msg_hdr.msg_iovlen = 1;
      }
    }
  };

  void read_socket(std::size_t index, Clock::time_point now) {
    for (int reads = 0; reads < kMaxReadsPerWake; ++reads) {
      if (!sockets_[index].receiver) return;
      batch_.reset();
      int n = ::recvmmsg(sockets_[index].fd, batch_.messages.data(), kReceiveBatch, MSG_DONTWAIT, nullptr);
      if (n < 0) {
        // ECONNREFUSED reports an ICMP error for an earlier send to a closed port: it
        // concerns that one datagram, and reading again gets what is queued. Anything else
        // (EAGAIN: nothing more) ends this socket's reading.
        if (errno == ECONNREFUSED || errno == EINTR) continue;
        return;
      }
      for (int i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        Receiver* receiver = sockets_[index].receiver;  // re-read: a callback may remove it
        if (!receiver) return;
        const mmsghdr& m = batch_.messages[k];
        receiver->on_datagram(std::span<const std::uint8_t>(batch_.data[k].data(), m.msg_len),
                              *reinterpret_cast<const sockaddr*>(&batch_.from[k]), m.msg_hdr.msg_namelen, now);
      }
      if (static_cast<unsigned>(n) < kReceiveBatch) return;  // the socket is empty
    }
  }

  std::vector<Socket> sockets_;
  bool receiving_ = false;
  Batch batch_;
};

}  // namespace

std::unique_ptr<PacketIo> PacketIo::make(Kind kind) {
  if (kind == Kind::syscalls) return std::make_unique<SyscallPacketIo>();
  try {
    return make_uring_packet_io();
  } catch (const std::system_error&) {
    if (kind == Kind::uring) throw;
    return std::make_unique<SyscallPacketIo>();
  }
}

std::optional<PacketIo::Kind> PacketIo::parse_kind(std::string_view name) noexcept {
  if (name == "auto") return Kind::automatic;
  if (name == "io_uring") return Kind::uring;
  if (name == "syscalls") return Kind::syscalls;
  return std::nullopt;
}

}  // namespace callplan::media
