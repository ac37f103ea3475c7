// media/packet_io.hpp — the datagrams of every RTP socket of one thread, sent and received in
// batches: one or two system calls per clock wake for all legs instead of one per packet.
//
//   auto io = media::PacketIo::make(media::PacketIo::Kind::automatic);
//   io->add(fd, receiver);                       // receiver.on_datagram(...) from now on
//   io->receive(now);                            // at each wake: what arrived on every socket
//   io->send(fd, packet, to, to_len);            // queued ...
//   io->flush();                                 // ... and sent, all of the wake's at once
//   io->remove(fd);                              // before closing fd
//
// Why: a media process carries hundreds of legs, each with its own UDP socket (its own port
// in the SDP) and a packet each way every 20 ms. With a system call per packet (sendto, and
// a recvmmsg per socket per wake), the calls themselves were most of the process's CPU on a
// virtual machine, where entering the kernel is dear (docs/performance.md "Media").
// `sendmmsg`/`recvmmsg` batch the datagrams of one socket only; one wake has one datagram per
// socket. io_uring batches across sockets:
//
// - `uring`: each socket has a multishot recvmsg with buffers from one shared ring, on a ring
//   made with IORING_SETUP_DEFER_TASKRUN, so an arriving datagram never wakes the thread: the
//   kernel only notes it, and receive() takes every socket's datagrams in one
//   io_uring_enter. send() copies the packet into a slot and queues a sendmsg (MSG_DONTWAIT:
//   it completes at once, as sendto would, never later); flush() submits them all in one
//   io_uring_enter.
// - `syscalls`: what the kernel offers everywhere: receive() reads each socket with recvmmsg
//   until it is empty, send() is one sendto. The fallback when io_uring is refused (a kernel
//   before 6.1, io_uring disabled by sysctl or by a container's seccomp profile).
//
// `automatic` is uring when the kernel gives it, else syscalls.
//
// Thread safety: one thread, the one that called make() (with uring the ring is bound to it:
// IORING_SETUP_SINGLE_ISSUER).
// Errors: make(Kind::uring) throws std::system_error when the kernel refuses io_uring; a
// failed send is reported to the socket's receiver (on_send_failed), a failed receive ends
// nothing (the socket is read again at the next receive()).
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace callplan::media {

class PacketIo {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Kind : std::uint8_t { automatic, uring, syscalls };

  // Where a socket's datagrams go. Called from receive() and flush() only.
  class Receiver {
   public:
    // `from` holds `from_size` bytes of the sender's address.
    virtual void on_datagram(std::span<const std::uint8_t> datagram, const sockaddr& from,
                             socklen_t from_size, Clock::time_point now) = 0;
    // A datagram given to send() for this socket could not be sent (after send() returned).
    virtual void on_send_failed() = 0;

   protected:
    ~Receiver() = default;
  };

  static std::unique_ptr<PacketIo> make(Kind kind);
  // The kind named "auto", "io_uring" or "syscalls" (an option's value), or nullopt.
  static std::optional<Kind> parse_kind(std::string_view name) noexcept;

  virtual ~PacketIo() = default;
  virtual std::string_view name() const noexcept = 0;

  // Delivers the datagrams of `fd` (a non-blocking UDP socket) to `receiver` from the next
  // receive() on. One receiver per socket; add again after remove().
  virtual void add(int fd, Receiver& receiver) = 0;
  // No datagram of `fd` reaches its receiver after this, even one already read in this
  // receive(). Sends queued for `fd` go out first. Call before closing `fd`.
  virtual void remove(int fd) noexcept = 0;
  // Takes in what arrived on every socket since the last call, socket by socket in arrival
  // order, and hands it to the receivers. `now` is passed on to them.
  virtual void receive(Clock::time_point now) = 0;
  // Sends `datagram` from `fd` to `to`, now or at the next flush() (it is copied). False when
  // it is known at once that it could not be sent.
  virtual bool send(int fd, std::span<const std::uint8_t> datagram, const sockaddr& to, socklen_t to_size) = 0;
  // Sends everything queued. Completions that arrive with it (datagrams, failed sends) are
  // handed on with the `now` of the last receive().
  virtual void flush() = 0;

 protected:
  PacketIo() = default;
};

}  // namespace callplan::media
