// sip/framing.hpp — finding message boundaries in a TCP/TLS byte stream (RFC 3261 18.3).
//
// On a stream, a message ends after its header block plus Content-Length bytes of body. The
// transport appends received bytes to its buffer and asks next() how many form the next
// message:
//
//   StreamFramer framer;           // one per connection
//   Frame f = framer.next(buffer);
//   switch (f.status) {
//     case FrameStatus::need_more: read more; break;
//     case FrameStatus::keepalive: answer CRLF if f.skip == 4 (RFC 5626); erase f.skip; break;
//     case FrameStatus::complete:  parse_message(buffer.substr(f.skip, f.length), ...,
//                                  {.framing = Framing::stream}); erase f.skip+f.length;
//     case FrameStatus::invalid:   close the connection (f.error says why).
//   }
//
// The framer remembers how far it has searched, so calling next() after every read is linear
// in the bytes received, not quadratic. A missing Content-Length counts as 0. Headers longer
// than the message limit, a Content-Length that is not a number within that limit, and two
// different Content-Length values are invalid: the stream cannot be resynchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sip/limits.hpp"

namespace callplan::sip {

enum class FrameStatus : std::uint8_t { need_more, keepalive, complete, invalid };

struct Frame {
  FrameStatus status = FrameStatus::need_more;
  std::size_t skip = 0;    // leading CRLF bytes to discard before the message
  std::size_t length = 0;  // message bytes after `skip` (complete only)
  std::string_view error;  // invalid only (static text)
};

class StreamFramer {
 public:
  explicit StreamFramer(ParseLimits limits = {}) : limits_(limits) {}

  // `buffered` holds every unconsumed byte, starting where the previous frame ended. After a
  // complete, keepalive or invalid answer the framer starts afresh with the next call.
  Frame next(std::string_view buffered) noexcept;

  void reset() noexcept {
    scanned_ = 0;
    pending_length_ = 0;
  }

 private:
  ParseLimits limits_;
  std::size_t scanned_ = 0;  // bytes of `buffered` already searched for the header end
  // Once the header block is complete: the frame's length (headers + body), so that a body
  // arriving in small reads does not make us re-read the headers each time.
  std::size_t pending_length_ = 0;
};

}  // namespace callplan::sip
