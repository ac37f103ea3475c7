// sip/message.hpp — a parsed SIP request or response, as views into the receive buffer.
//
// Contract: parse_message() never copies message bytes. Every string_view in a Message points
// into the buffer passed to it, so the buffer must outlive the Message (and must not move).
// A Message is meant to be reused: clear() keeps the header array's capacity, so parsing a
// typical INVITE into a reused Message allocates nothing.
//
//   sip::Message msg;
//   sip::ParseResult r = sip::parse_message(datagram, msg);
//   if (r.verdict == sip::Verdict::reject) send(sip::build_response(msg, r.status, r.reason));
//   if (r.ok()) route(msg);
//
// Thread safety: a Message is a plain value; distinct Messages may be parsed concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sip/header_id.hpp"
#include "sip/header_values.hpp"
#include "sip/limits.hpp"
#include "sip/method.hpp"
#include "sip/name_addr.hpp"
#include "sip/uri.hpp"
#include "sip/via.hpp"

namespace callplan::sip {

struct Header {
  HeaderId id = HeaderId::other;
  std::string_view name;   // as written ("v", "ViA", "NewFangledHeader")
  std::string_view value;  // trimmed; may contain folds (CRLF SP) — see unfold()
};

// What a server does with a message that failed to parse or a sanity check.
enum class Verdict : std::uint8_t {
  accept,  // parsed and sane: process it
  reject,  // a request we can answer: send `status` `reason` (400, 416, 505, 513...)
  drop,    // unanswerable (a bad response, or no usable Via): discard silently
};

struct ParseResult {
  Verdict verdict = Verdict::accept;
  int status = 0;               // SIP status for Verdict::reject, else 0
  std::string_view reason;      // reason phrase for `status` (static text)
  std::string_view error;       // what went wrong (static text), "" when accepted
  std::string_view where;       // view into the buffer at the fault (or empty)

  bool ok() const { return verdict == Verdict::accept; }
};

// "line 4, column 7: bad Via parameter (near 'branch=;x')" — for logs. Allocates.
std::string describe(const ParseResult& result, std::string_view buffer);

enum class Framing : std::uint8_t {
  datagram,  // UDP: one message per datagram; bytes after Content-Length are ignored
  stream,    // TCP/TLS: the buffer is one frame from StreamFramer (see framing.hpp)
};

struct ParseOptions {
  Framing framing = Framing::datagram;
  ParseLimits limits{};
};

class Message {
 public:
  // --- start line
  bool is_request = false;
  Method method = Method::other;
  std::string_view method_text;
  std::string_view request_uri_text;
  Uri request_uri;
  std::string_view version;  // "SIP/2.0"
  int status_code = 0;
  std::string_view reason_phrase;

  // --- all header fields in order (repeated headers stay separate entries)
  std::vector<Header> headers;
  std::string_view body;
  std::string_view raw;  // the whole message (start line to end of body)

  // --- the essentials, parsed once (valid when the parse was accepted)
  Via top_via;
  std::size_t via_count = 0;  // Via values over all Via headers
  NameAddr from;
  NameAddr to;
  std::string_view call_id;
  CSeq cseq;
  int max_forwards = -1;         // -1 when absent
  std::int64_t expires = -1;     // Expires header, -1 when absent
  std::int64_t content_length = -1;  // -1 when absent
  std::string_view content_type; // trimmed media type with parameters, "" when absent

  void clear() noexcept;

  // First header with this id (nullptr when none).
  const Header* find(HeaderId id) const noexcept;
  // First header with this name, case-insensitive, compact forms resolved for known names.
  const Header* find(std::string_view name) const noexcept;
  std::size_t count(HeaderId id) const noexcept;

  // Visits every comma-separated value of every header with this id, in order; stops when
  // `fn` returns false. Use for Via, Contact, Route, Record-Route, Require, Supported...
  template <typename Fn>
  void for_each_value(HeaderId id, Fn&& fn) const {
    for (const Header& h : headers) {
      if (h.id != id) continue;
      ListSplitter split(h.value);
      std::string_view element;
      while (split.next(element)) {
        if (element.empty()) continue;
        if (!fn(element)) return;
      }
    }
  }
};

// Parses one message. Never throws, never reads outside `buffer`, linear in its size.
ParseResult parse_message(std::string_view buffer, Message& out, const ParseOptions& options = {});

// Replaces folds (CRLF followed by whitespace) with one space. Allocates.
std::string unfold(std::string_view value);

}  // namespace callplan::sip
