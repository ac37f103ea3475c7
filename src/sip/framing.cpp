#include "sip/framing.hpp"

#include "sip/header_id.hpp"
#include "sip/scanner.hpp"

namespace callplan::sip {
namespace {

using namespace detail;

// Finds the Content-Length in a header block (which ends with CRLFCRLF). Returns false with
// `error` set when it is malformed or repeated with another value.
bool content_length(std::string_view headers, const ParseLimits& limits, std::uint64_t& out,
                    std::string_view& error) {
  out = 0;
  bool found = false;
  std::size_t pos = headers.find("\r\n");  // skip the start line
  while (pos != std::string_view::npos && pos + 2 < headers.size()) {
    const std::size_t start = pos + 2;
    std::size_t end = headers.find("\r\n", start);
    if (end == std::string_view::npos) break;
    while (end + 2 < headers.size() && is_ws(headers[end + 2])) {
      end = headers.find("\r\n", end + 2);
    }
    const std::string_view line = headers.substr(start, end - start);
    pos = end;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && is_ws(name.back())) name.remove_suffix(1);
    if (header_id_from_name(name) != HeaderId::content_length) continue;
    std::uint64_t value = 0;
    if (!parse_uint(trim_lws(line.substr(colon + 1)), limits.max_message_size, value)) {
      error = "Content-Length is not a number within the message size limit";
      return false;
    }
    if (found && value != out) {
      error = "two different Content-Length values";
      return false;
    }
    found = true;
    out = value;
  }
  return true;
}

}  // namespace

Frame StreamFramer::next(std::string_view buffered) noexcept {
  Frame frame;
  std::size_t skip = 0;
  while (skip + 1 < buffered.size() && buffered[skip] == '\r' && buffered[skip + 1] == '\n') {
    skip += 2;
  }
  if (skip > 0 && skip == buffered.size()) {
    reset();
    frame.status = FrameStatus::keepalive;
    frame.skip = skip;
    return frame;
  }
  if (skip == buffered.size() || (buffered.size() - skip == 1 && buffered[skip] == '\r')) {
    return frame;  // nothing yet, or a CR whose LF has not arrived
  }
  frame.skip = skip;
  if (pending_length_ > 0) {
    if (buffered.size() - skip < pending_length_) return frame;
    frame.status = FrameStatus::complete;
    frame.length = pending_length_;
    reset();
    return frame;
  }
  // Resume the search three bytes early: the terminator may straddle two reads.
  const std::size_t from = std::max(skip, scanned_ >= 3 ? scanned_ - 3 : 0);
  const std::size_t end = buffered.find("\r\n\r\n", from);
  if (end == std::string_view::npos) {
    scanned_ = buffered.size();
    if (buffered.size() - skip > limits_.max_message_size) {
      reset();
      frame.status = FrameStatus::invalid;
      frame.error = "header block larger than the message size limit";
    }
    return frame;
  }
  const std::size_t header_bytes = end + 4 - skip;
  std::uint64_t body = 0;
  std::string_view error;
  if (!content_length(buffered.substr(skip, header_bytes), limits_, body, error)) {
    reset();
    frame.status = FrameStatus::invalid;
    frame.error = error;
    return frame;
  }
  if (header_bytes + body > limits_.max_message_size) {
    reset();
    frame.status = FrameStatus::invalid;
    frame.error = "message larger than the size limit";
    return frame;
  }
  if (buffered.size() - skip < header_bytes + body) {
    pending_length_ = header_bytes + static_cast<std::size_t>(body);
    return frame;
  }
  reset();
  frame.status = FrameStatus::complete;
  frame.length = header_bytes + static_cast<std::size_t>(body);
  return frame;
}

}  // namespace callplan::sip
