// sip/writer.hpp — serialising SIP messages: a low-level writer and the builders the proxy
// and registrar need (RFC 3261 8.2.6 responses, 16.6 forwarded requests, 9.1 CANCEL).
//
// Every builder writes a correct Content-Length (the body's size) and unfolds folded values.
// Builders read the parsed Message and copy its header values; the Message (and its buffer)
// must be alive during the call only.
//
//   std::string out = build_response(request, 200, "OK", {.to_tag = "a83f"});
//   std::string fwd = build_forwarded_request(request, {.request_uri = contact,
//                                                       .via = "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1",
//                                                       .record_route = "<sip:10.0.0.1;lr>"});
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sip/message.hpp"

namespace callplan::sip {

struct HeaderLine {
  std::string_view name;
  std::string_view value;
};

// Appends to a std::string; the caller owns (and may reuse) the string.
class MessageWriter {
 public:
  explicit MessageWriter(std::string& out) : out_(out) {}

  void request_line(std::string_view method, std::string_view uri);
  void status_line(int status, std::string_view reason);
  // Folds in `value` become single spaces; CR/LF never reach the output otherwise.
  void header(std::string_view name, std::string_view value);
  void header(std::string_view name, std::uint64_t value);
  // Writes Content-Length (and Content-Type when given and the body is not empty), the
  // empty line, and the body.
  void finish(std::string_view body = {}, std::string_view content_type = {});

 private:
  std::string& out_;
};

struct ResponseOptions {
  std::string_view to_tag{};   // added to To when the request's To has none (not for 100)
  std::span<const HeaderLine> extra{};  // e.g. WWW-Authenticate, Contact, Unsupported
  std::string_view body{};
  std::string_view content_type{};
};

// A response to `request` (RFC 3261 8.2.6.2): its Via values in order, From, To (+tag),
// Call-ID, CSeq, then `extra`. Works on requests that failed a check too (their header values
// are copied as received), so a 400 can always be built when parse_message says reject.
std::string build_response(const Message& request, int status, std::string_view reason,
                           const ResponseOptions& options = {});

struct ForwardOptions {
  std::string_view request_uri{};   // new Request-URI; "" keeps the original
  std::string_view via{};         // our Via value, put on top (required)
  std::string_view record_route{};  // our Record-Route value ("<sip:host;lr>"); "" for none
  bool pop_route = false;         // remove the first Route value (it was us: loose routing)
  std::string_view from{};        // replaces the From value (a caller ID); "" keeps it
  std::string_view call_id{};     // replaces the Call-ID (a request of its own); "" keeps it
  // Drops what only this hop may read: Proxy-Authorization (our own credentials, RFC 3261
  // 22.3) and P-Asserted-Identity / P-Preferred-Identity from an untrusted sender (RFC 3325
  // section 5: the proxy asserts identity itself through `extra`).
  bool strip_identity = false;
  std::span<const HeaderLine> extra{};
};

// The proxy's copy of a request (RFC 3261 16.6): new Request-URI, our Via on top,
// Max-Forwards decremented (70 added when absent), our Record-Route first, the other
// headers and the body unchanged. Precondition: request.max_forwards != 0 (answer 483).
std::string build_forwarded_request(const Message& request, const ForwardOptions& options);

// A response relayed upstream (RFC 3261 16.7 step 9): the same message without its top Via
// value. Precondition: response.via_count >= 2.
std::string build_forwarded_response(const Message& response);

// A CANCEL for a request we sent (RFC 3261 9.1): same Request-URI, top Via, Route, From, To,
// Call-ID and CSeq number, method CANCEL.
std::string build_cancel(const Message& request);

}  // namespace callplan::sip
