// media/packet_io_uring.cpp — PacketIo on io_uring (liburing): a multishot recvmsg per socket
// into one ring of provided buffers, sendmsg from copied slots, everything submitted and
// reaped once or a few times per clock wake.
//
// How a datagram travels: it arrives on a socket whose multishot recvmsg is armed; the kernel
// queues the receive as deferred task work (IORING_SETUP_DEFER_TASKRUN), which runs only when
// this thread enters the ring asking for completions: receive() does, once per wake. Each
// datagram then becomes one completion whose buffer holds the sender's address and the bytes;
// the receiver gets a view of it and the buffer goes back to the ring. Since Linux 6.13 one
// enter runs a bounded number of deferred receives (IO_LOCAL_TW_DEFAULT_MAX, 20 sockets a
// pass) and flags the ring (IORING_SQ_TASKRUN, asked for by IORING_SETUP_TASKRUN_FLAG) when
// some are left, so receive() enters again while the flag is up.
//
// A multishot receive ends (no IORING_CQE_F_MORE) when the buffers ran out (-ENOBUFS), on a
// socket error, or when the completion queue overflowed; it is armed again in the next
// receive(), once the buffers are back. remove() cancels it; completions still on their way
// for a removed socket carry an older generation in user_data and are dropped.
#include "media/packet_io_uring.hpp"

#include <liburing.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

namespace callplan::media {

namespace {

constexpr unsigned kSubmissionEntries = 1024;
constexpr unsigned kCompletionEntries = 8192;
// Receive buffers: a recvmsg header, the address (IPv4 or IPv6) and the datagram. 1,536 bytes
// leave 1,492 for the datagram, three times the largest G.711 packet we take (60 ms); a longer
// one is cut, as by recvmmsg into a short buffer.
constexpr unsigned kBuffers = 2048;  // a power of two
constexpr unsigned kBufferSize = 1536;
constexpr std::uint16_t kBufferGroup = 0;
// Datagrams queued for sending at once, at most (a wake has one per leg); past that send()
// calls sendto itself.
constexpr unsigned kSendSlots = 4096;
constexpr std::size_t kMaxSend = 512;
// Enters per receive() at most (20 or more sockets' receives each, see above): a flood cannot
// hold the thread in receive() for ever.
constexpr int kMaxEnters = 500;

// user_data: what a completion is for, in the top two bits.
constexpr std::uint64_t kTagMask = 3ull << 62;
constexpr std::uint64_t kReceiveTag = 1ull << 62;
constexpr std::uint64_t kSendTag = 2ull << 62;
constexpr std::uint64_t kCancelTag = 3ull << 62;
constexpr std::uint32_t kGenerationMask = 0x3FFF'FFFF;

std::uint64_t receive_data(int fd, std::uint32_t generation) noexcept {
  return kReceiveTag | (std::uint64_t{generation & kGenerationMask} << 32) | static_cast<std::uint32_t>(fd);
}

[[noreturn]] void fail(int negative_errno, const char* what) {
  throw std::system_error(-negative_errno, std::system_category(), what);
}

// An anonymous mapping: page-aligned, as the kernel wants the buffer ring, and untouched pages
// cost no memory until used. Not inherited by a child process (the worker runs programs):
// the kernel keeps using the parent's pages.
class Mapping {
 public:
  explicit Mapping(std::size_t size) : size_(size) {
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::system_error(errno, std::system_category(), "mmap");
    data_ = static_cast<std::uint8_t*>(p);
    ::madvise(p, size, MADV_DONTFORK);
  }
  ~Mapping() { ::munmap(data_, size_); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  std::uint8_t* data() const noexcept { return data_; }

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

class Ring {
 public:
  Ring() {
    io_uring_params params{};
    params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER |
                   IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
    params.cq_entries = kCompletionEntries;
    if (int r = io_uring_queue_init_params(kSubmissionEntries, &ring_, &params); r < 0) fail(r, "io_uring_setup");
  }
  ~Ring() { io_uring_queue_exit(&ring_); }
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;
  io_uring* get() noexcept { return &ring_; }

 private:
  io_uring ring_{};
};

class UringPacketIo final : public PacketIo {
 public:
  UringPacketIo() : ring_entries_(kBuffers * sizeof(io_uring_buf)), buffers_(std::size_t{kBuffers} * kBufferSize) {
    buffer_ring_ = reinterpret_cast<io_uring_buf_ring*>(ring_entries_.data());
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<std::uint64_t>(buffer_ring_);
    reg.ring_entries = kBuffers;
    reg.bgid = kBufferGroup;
    if (int r = io_uring_register_buf_ring(ring_.get(), &reg, 0); r < 0) fail(r, "io_uring_register_buf_ring");
    io_uring_buf_ring_init(buffer_ring_);
    for (unsigned i = 0; i < kBuffers; ++i) {
      io_uring_buf_ring_add(buffer_ring_, buffer(i), kBufferSize, static_cast<unsigned short>(i),
                            io_uring_buf_ring_mask(kBuffers), static_cast<int>(i));
    }
    io_uring_buf_ring_advance(buffer_ring_, kBuffers);
    receive_header_.msg_namelen = sizeof(sockaddr_in6);
    slots_ = std::unique_ptr<SendSlot[]>(new SendSlot[kSendSlots]);  // not cleared: filled when used
    free_slots_.reserve(kSendSlots);
    for (unsigned i = kSendSlots; i > 0; --i) free_slots_.push_back(i - 1);
  }
  UringPacketIo(const UringPacketIo&) = delete;
  UringPacketIo& operator=(const UringPacketIo&) = delete;
  ~UringPacketIo() override = default;  // the ring goes first: it cancels what is armed

  std::string_view name() const noexcept override { return "io_uring"; }

  void add(int fd, Receiver& receiver) override {
    if (fd < 0) return;
    if (static_cast<std::size_t>(fd) >= sockets_.size()) sockets_.resize(static_cast<std::size_t>(fd) + 1);
    Socket& s = sockets_[static_cast<std::size_t>(fd)];
    s.receiver = &receiver;
    s.generation = ++generation_ & kGenerationMask;
    arm(fd, s);
  }

  void remove(int fd) noexcept override {
    Socket* s = registered(fd);
    if (!s) return;
    s->receiver = nullptr;
    if (s->armed) {
      if (io_uring_sqe* sqe = next_sqe()) {
        io_uring_prep_cancel64(sqe, receive_data(fd, s->generation), 0);
        io_uring_sqe_set_data64(sqe, kCancelTag);
      }  // else the kernel takes nothing (out of memory): the receive stays armed, its
         // datagrams carry a dead generation and are dropped; the ring's end cancels it
      s->armed = false;
    }
    // Now, not at the next wake: the caller closes fd next, and a send queued for it must not
    // go out from whatever socket gets its number.
    io_uring_submit(ring_.get());
  }

  void receive(Clock::time_point now) override {
    now_ = now;
    io_uring_submit_and_get_events(ring_.get());
    // Again while receives are left: the flag says so; an enter that brought completions may
    // have left some too (an older kernel does not raise the flag for what it left).
    for (int enters = 1; (reap() > 0 || work_left()) && enters < kMaxEnters; ++enters)
      io_uring_get_events(ring_.get());
    std::swap(rearm_, rearming_);  // arm() may put a socket back on rearm_
    for (auto [fd, generation] : rearming_) {
      Socket* s = registered(fd);
      if (s && s->generation == generation && !s->armed) arm(fd, *s);
    }
    rearming_.clear();
  }

  bool send(int fd, std::span<const std::uint8_t> datagram, const sockaddr& to, socklen_t to_size) override {
    if (datagram.size() > kMaxSend || free_slots_.empty() || to_size > sizeof(sockaddr_storage))
      return ::sendto(fd, datagram.data(), datagram.size(), 0, &to, to_size) >= 0;
    io_uring_sqe* sqe = next_sqe();
    if (!sqe) return ::sendto(fd, datagram.data(), datagram.size(), 0, &to, to_size) >= 0;
    const unsigned index = free_slots_.back();
    free_slots_.pop_back();
    SendSlot& slot = slots_[index];
    std::memcpy(slot.data, datagram.data(), datagram.size());
    std::memcpy(&slot.to, &to, to_size);
    slot.iov = {slot.data, datagram.size()};
    slot.header = {};
    slot.header.msg_name = &slot.to;
    slot.header.msg_namelen = to_size;
    slot.header.msg_iov = &slot.iov;
    slot.header.msg_iovlen = 1;
    slot.fd = fd;
    const Socket* s = registered(fd);
    slot.generation = s ? s->generation : 0;
    // MSG_DONTWAIT: a full socket buffer fails the send at once, as sendto does, instead of
    // leaving it pending until there is room (the packet would be stale by then).
    io_uring_prep_sendmsg(sqe, fd, &slot.header, MSG_DONTWAIT);
    io_uring_sqe_set_data64(sqe, kSendTag | index);
    return true;
  }

  void flush() override {
    if (io_uring_sq_ready(ring_.get()) > 0) io_uring_submit(ring_.get());
    reap();
  }

 private:
  struct Socket {
    Receiver* receiver = nullptr;  // null: not registered
    std::uint32_t generation = 0;
    bool armed = false;
  };
  struct SendSlot {
    std::uint8_t data[kMaxSend];
    sockaddr_storage to;
    iovec iov;
    msghdr header;
    int fd;
    std::uint32_t generation;
  };

  std::uint8_t* buffer(unsigned id) const noexcept { return buffers_.data() + std::size_t{id} * kBufferSize; }

  Socket* registered(int fd) noexcept {
    if (fd < 0 || static_cast<std::size_t>(fd) >= sockets_.size()) return nullptr;
    Socket& s = sockets_[static_cast<std::size_t>(fd)];
    return s.receiver ? &s : nullptr;
  }

  // A free submission entry, or null when even submitting what is queued left none (the
  // kernel is out of memory).
  io_uring_sqe* next_sqe() noexcept {
    io_uring_sqe* sqe = io_uring_get_sqe(ring_.get());
    if (!sqe) {  // the queue is full: send what it holds, which empties it
      io_uring_submit(ring_.get());
      sqe = io_uring_get_sqe(ring_.get());
    }
    return sqe;
  }

  void arm(int fd, Socket& s) {
    io_uring_sqe* sqe = next_sqe();
    if (!sqe) {
      rearm_.emplace_back(fd, s.generation);  // tried again at the next receive()
      return;
    }
    io_uring_prep_recvmsg_multishot(sqe, fd, &receive_header_, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = kBufferGroup;
    io_uring_sqe_set_data64(sqe, receive_data(fd, s.generation));
    s.armed = true;
  }

  // Deferred receives the last enter left, or completions that overflowed the queue.
  bool work_left() noexcept {
    return (IO_URING_READ_ONCE(*ring_.get()->sq.kflags) & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0;
  }

  // Hands on every completion in the queue; returns how many. Reads the queue only (liburing's
  // peek would enter the kernel whenever receives are pending: receive() decides that).
  std::size_t reap() {
    if (reaping_) return 0;  // a receiver's callback that gets here again: the outer loop goes on
    reaping_ = true;
    std::size_t count = 0;
    io_uring* ring = ring_.get();
    unsigned head = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(ring, head, cqe) {
      const std::uint64_t data = cqe->user_data;
      const int result = cqe->res;
      const std::uint32_t flags = cqe->flags;
      io_uring_cq_advance(ring, 1);  // before the callbacks, which may submit
      ++count;
      switch (data & kTagMask) {
        case kReceiveTag: on_receive_completion(data, result, flags); break;
        case kSendTag: on_send_completion(static_cast<std::uint32_t>(data), result); break;
        default: break;  // a cancel's own completion
      }
    }
    reaping_ = false;
    return count;
  }

  void on_receive_completion(std::uint64_t data, int result, std::uint32_t flags) {
    const int fd = static_cast<int>(static_cast<std::uint32_t>(data));
    const auto generation = static_cast<std::uint32_t>(data >> 32) & kGenerationMask;
    Socket* s = registered(fd);
    if (s && s->generation != generation) s = nullptr;  // for a socket removed since
    if (flags & IORING_CQE_F_BUFFER) {
      const unsigned id = flags >> IORING_CQE_BUFFER_SHIFT;
      std::uint8_t* buf = buffer(id);
      if (s && result > 0) {
        if (io_uring_recvmsg_out* out = io_uring_recvmsg_validate(buf, result, &receive_header_)) {
          auto* payload = static_cast<const std::uint8_t*>(io_uring_recvmsg_payload(out, &receive_header_));
          const unsigned length = io_uring_recvmsg_payload_length(out, result, &receive_header_);
          const socklen_t from_size = std::min<socklen_t>(out->namelen, receive_header_.msg_namelen);
          s->receiver->on_datagram(std::span<const std::uint8_t>(payload, length),
                                   *static_cast<const sockaddr*>(io_uring_recvmsg_name(out)), from_size, now_);
        }
      }
      io_uring_buf_ring_add(buffer_ring_, buf, kBufferSize, static_cast<unsigned short>(id),
                            io_uring_buf_ring_mask(kBuffers), 0);
      io_uring_buf_ring_advance(buffer_ring_, 1);
    }
    if (!(flags & IORING_CQE_F_MORE)) {
      // The arm ended (no buffer, an error, an overflow): again at the next receive(), for the
      // socket registered then under this generation only.
      Socket* still = registered(fd);
      if (still && still->generation == generation) {
        still->armed = false;
        rearm_.emplace_back(fd, generation);
      }
    }
  }

  void on_send_completion(std::uint32_t index, int result) {
    if (index >= kSendSlots) return;
    const SendSlot& slot = slots_[index];
    if (result < 0) {
      Socket* s = registered(slot.fd);
      if (s && s->generation == slot.generation) s->receiver->on_send_failed();
    }
    free_slots_.push_back(index);
  }

  // Members in construction order; the ring is destroyed first (it holds the buffers).
  Mapping ring_entries_;
  Mapping buffers_;
  Ring ring_;
  io_uring_buf_ring* buffer_ring_ = nullptr;
  msghdr receive_header_{};  // what a multishot recvmsg keeps of each datagram: its address
  std::vector<Socket> sockets_;  // by descriptor
  std::uint32_t generation_ = 0;
  std::vector<std::pair<int, std::uint32_t>> rearm_, rearming_;  // receives to arm again
  std::unique_ptr<SendSlot[]> slots_;
  std::vector<unsigned> free_slots_;
  Clock::time_point now_{};
  bool reaping_ = false;
};

}  // namespace

std::unique_ptr<PacketIo> make_uring_packet_io() { return std::make_unique<UringPacketIo>(); }

}  // namespace callplan::media
