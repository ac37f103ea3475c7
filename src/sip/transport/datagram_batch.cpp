#include "sip/transport/datagram_batch.hpp"

#include <algorithm>
#include <cerrno>
#include <utility>

namespace callplan::sip {
namespace {

// The kernel takes at most UIO_MAXIOV (1024) messages per sendmmsg and says so by sending
// fewer; asking for no more than that keeps the loop's arithmetic plain.
constexpr std::size_t kMaxPerCall = 1024;

int system_send_many(int fd, mmsghdr* messages, unsigned count, int flags) {
  return ::sendmmsg(fd, messages, count, flags);
}

}  // namespace

DatagramBatch::DatagramBatch() : DatagramBatch(&system_send_many) {}

DatagramBatch::DatagramBatch(SendMany send_many) : send_many_(std::move(send_many)) {}

void DatagramBatch::add(const asio::ip::udp::endpoint& to, std::string_view bytes) {
  entries_.push_back({to, bytes_.size(), bytes.size()});
  bytes_.append(bytes);
}

void DatagramBatch::clear() noexcept {
  entries_.clear();
  bytes_.clear();
}

std::size_t DatagramBatch::flush(int fd, const Failed& failed) {
  const std::size_t count = entries_.size();
  if (count == 0) return 0;
  pieces_.resize(count);
  headers_.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    Entry& entry = entries_[i];
    pieces_[i] = {bytes_.data() + entry.offset, entry.size};
    msghdr& header = headers_[i].msg_hdr;
    header = {};
    header.msg_name = entry.to.data();
    header.msg_namelen = static_cast<socklen_t>(entry.to.size());
    header.msg_iov = &pieces_[i];
    header.msg_iovlen = 1;
    headers_[i].msg_len = 0;
  }

  std::size_t calls = 0;
  std::size_t next = 0;
  while (next < count) {
    const auto ask = static_cast<unsigned>(std::min(count - next, kMaxPerCall));
    const int sent = send_many_(fd, headers_.data() + next, ask, MSG_DONTWAIT);
    ++calls;
    if (sent > 0) {
      // Partial or whole: the kernel took the first `sent`; the rest go in the next call.
      next += static_cast<std::size_t>(sent);
      continue;
    }
    const int error = sent < 0 ? errno : EIO;  // 0 taken is not an answer sendmmsg gives
    if (error == EINTR) continue;
    // The first datagram of this call was refused (sendmmsg reports an error only when it
    // took none): it is dropped, as a failed sendto() would drop it, and the rest go on.
    if (failed) failed(entries_[next].to, std::error_code(error, std::system_category()));
    ++next;
  }
  clear();
  return calls;
}

}  // namespace callplan::sip
