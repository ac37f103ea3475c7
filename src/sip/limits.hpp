// sip/limits.hpp — the bounds every parse runs under.
//
// The server parses bytes from anyone on the network, so every dimension of a message is
// capped. Exceeding a limit is a parse error with its own message (never a crash, never work
// that grows faster than the input). Defaults suit a PBX: RFC 4475's longreq.dat (3.5 KB, 34
// Via headers) passes with a wide margin.
#pragma once

#include <cstddef>

namespace callplan::sip {

struct ParseLimits {
  std::size_t max_message_size = 64 * 1024;  // start line + headers + body, in bytes
  std::size_t max_headers = 128;              // header lines (a folded header counts once)
  std::size_t max_header_line = 8 * 1024;     // one header field, folds included
  std::size_t max_start_line = 4 * 1024;      // request-line or status-line
  std::size_t max_uri_length = 2 * 1024;      // any URI: Request-URI, From/To/Contact/Route
  std::size_t max_list_values = 128;          // values in one list header (Via, Contact, ...)
};

}  // namespace callplan::sip
