// sip/transport/datagram_batch.hpp — the UDP datagrams one socket sends in one turn of the
// event loop, gathered and handed to the kernel with as few sendmmsg(2) calls as it takes.
//
// Why (issue 18, docs/performance.md): on a loaded server most of the CPU per call is the
// kernel's, and much of that is paid per system call, not per byte. A turn that handles a
// few received messages sends a few datagrams; one sendmmsg for all of them costs one entry
// into the kernel instead of one per datagram.
//
//   DatagramBatch batch;
//   batch.add(endpoint_a, "SIP/2.0 100 Trying...");
//   batch.add(endpoint_b, "INVITE sip:...");
//   batch.flush(socket.native_handle(), [](const auto& to, std::error_code ec) { log... });
//
// Order: datagrams leave in the order they were added (so, per destination, in the order the
// server produced them). A partial sendmmsg (the kernel took the first n) goes on from the
// first datagram not taken; a datagram the kernel refuses (its send buffer full, a route
// missing) is reported to `failed` and skipped, as a failed sendto() was, and the rest go.
// Memory: the bytes are copied into one buffer whose capacity is kept across flushes, so a
// warm batch allocates nothing.
//
// Thread safety: none; one batch per socket, used on the event loop's thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <sys/socket.h>
#include <sys/uio.h>

#include <asio/ip/udp.hpp>

namespace callplan::sip {

class DatagramBatch {
 public:
  // The system call, replaceable in tests (the kernel's partial sends and refusals are hard
  // to provoke on loopback): sendmmsg's own signature.
  using SendMany = std::function<int(int fd, mmsghdr* messages, unsigned count, int flags)>;
  using Failed = std::function<void(const asio::ip::udp::endpoint& to, std::error_code ec)>;

  DatagramBatch();
  explicit DatagramBatch(SendMany send_many);

  void add(const asio::ip::udp::endpoint& to, std::string_view bytes);
  bool empty() const noexcept { return entries_.empty(); }
  std::size_t size() const noexcept { return entries_.size(); }

  // Sends everything added since the last flush on socket `fd` (a non-blocking UDP socket),
  // in order, and empties the batch. Each datagram that could not be sent is reported once
  // to `failed` (may be empty). Returns the number of sendmmsg calls made.
  std::size_t flush(int fd, const Failed& failed);

  // Drops what was added without sending it (the socket is gone).
  void clear() noexcept;

 private:
  struct Entry {
    asio::ip::udp::endpoint to;
    std::size_t offset = 0;  // into bytes_
    std::size_t size = 0;
  };

  SendMany send_many_;
  std::string bytes_;
  std::vector<Entry> entries_;
  // Built at flush time (bytes_ may move while datagrams are added); kept for their capacity.
  std::vector<iovec> pieces_;
  std::vector<mmsghdr> headers_;
};

}  // namespace callplan::sip
