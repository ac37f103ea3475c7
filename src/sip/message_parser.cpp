// The message parser: start line, header framing (folds, limits), per-header validation of
// the fields the server relies on, then the RFC 3261 8.2 / 16.3 sanity checks.
//
// Faults are recorded, not thrown: the first one decides the answer (505 overrides, since a
// wrong version makes every other judgement moot), and parsing goes on so that the Via, From,
// To, Call-ID and CSeq needed to build that answer are still found.
#include <cstring>

#include <fmt/format.h>

#include "sip/message.hpp"
#include "sip/scanner.hpp"

namespace callplan::sip {
namespace {

using namespace detail;

constexpr std::string_view kBadRequest = "Bad Request";

class Parser {
 public:
  Parser(std::string_view buf, Message& msg, const ParseOptions& options)
      : buf_(buf), msg_(msg), limits_(options.limits), framing_(options.framing) {}

  ParseResult run();

 private:
  void fault(int status, std::string_view reason, std::string_view error,
             std::string_view where) {
    if (faulted_) return;
    faulted_ = true;
    result_.status = status;
    result_.reason = reason;
    result_.error = error;
    result_.where = where;
  }
  void bad(std::string_view error, std::string_view where) {
    fault(400, kBadRequest, error, where);
  }

  void parse_start_line(std::string_view line);
  void parse_request_line(std::string_view line);
  void parse_status_line(std::string_view line);
  bool check_version(std::string_view version);
  // Returns false when header parsing must stop (the buffer framing is broken).
  bool parse_headers(std::size_t& pos, std::size_t& body_start);
  void validate(const Header& h);
  void validate_single(const Header& h, bool& seen);
  void validate_vias(const Header& h);
  void validate_contacts(const Header& h);
  void validate_routes(const Header& h);
  void validate_tokens(const Header& h, bool allow_empty);
  void frame_body(std::size_t msg_start, std::size_t body_start);
  void sanity();
  ParseResult finish();

  std::string_view buf_;
  Message& msg_;
  const ParseLimits& limits_;
  Framing framing_;
  ParseResult result_;
  bool faulted_ = false;
  bool bad_version_ = false;   // syntactically fine but not SIP/2.0 -> 505
  bool have_top_via_ = false;  // the first Via value parsed: a response can be routed
  bool seen_[static_cast<std::size_t>(HeaderId::count_)] = {};
  std::size_t contact_values_ = 0;
  bool contact_wildcard_ = false;
};

// Finds the CRLF ending the line that starts at `pos`. npos when there is none; sets
// `bare` when the line holds a CR or LF that is not part of that CRLF.
std::size_t find_line_end(std::string_view buf, std::size_t pos, bool& bare) {
  const void* hit = std::memchr(buf.data() + pos, '\n', buf.size() - pos);
  if (hit == nullptr) return std::string_view::npos;
  const auto nl = static_cast<std::size_t>(static_cast<const char*>(hit) - buf.data());
  if (nl == pos || buf[nl - 1] != '\r') {
    bare = true;
    return nl == pos ? nl : nl - 1;
  }
  const std::size_t cr = nl - 1;
  if (std::memchr(buf.data() + pos, '\r', cr - pos) != nullptr) bare = true;
  return cr;
}

void Parser::parse_start_line(std::string_view line) {
  if (line.starts_with("SIP/")) {
    msg_.is_request = false;
    parse_status_line(line);
  } else {
    msg_.is_request = true;
    parse_request_line(line);
  }
}

bool Parser::check_version(std::string_view version) {
  // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (literal case-insensitive)
  if (version.size() < 7 || !iequals(version.substr(0, 4), "SIP/")) return false;
  const std::string_view number = version.substr(4);
  const std::size_t dot = number.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == number.size()) return false;
  for (std::size_t i = 0; i < number.size(); ++i) {
    if (i != dot && !is_digit(number[i])) return false;
  }
  if (number != "2.0") bad_version_ = true;
  return true;
}

void Parser::parse_request_line(std::string_view line) {
  // Request-Line = Method SP Request-URI SP SIP-Version: exactly two single spaces.
  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return bad("request line has no Request-URI", line);
  msg_.method_text = line.substr(0, sp1);
  msg_.method = method_from_text(msg_.method_text);
  if (!is_token(msg_.method_text)) return bad("request method is not a token", line);
  const std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return bad("request line has no SIP version", line);
  msg_.request_uri_text = line.substr(sp1 + 1, sp2 - sp1 - 1);
  msg_.version = line.substr(sp2 + 1);
  if (msg_.request_uri_text.empty() || find_either(msg_.version, ' ', '\t') != std::string_view::npos) {
    return bad("request line must be 'METHOD SP Request-URI SP SIP/2.0' with single spaces",
               line);
  }
  if (!check_version(msg_.version)) return bad("bad SIP version in the request line", line);
  const UriError ue = parse_uri(msg_.request_uri_text, msg_.request_uri, limits_.max_uri_length);
  if (ue == UriError::too_long) return bad("Request-URI longer than the limit", line);
  if (ue != UriError::none) return bad("malformed Request-URI", msg_.request_uri_text);
  if (!msg_.request_uri.headers.empty()) {
    // RFC 3261 19.1.5: headers are not allowed in a Request-URI (RFC 4475 escruri).
    return bad("Request-URI must not contain headers ('?...')", msg_.request_uri_text);
  }
}

void Parser::parse_status_line(std::string_view line) {
  // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return bad("status line has no status code", line);
  msg_.version = line.substr(0, sp1);
  if (!check_version(msg_.version)) return bad("bad SIP version in the status line", line);
  const std::string_view rest = line.substr(sp1 + 1);
  if (rest.size() < 4 || rest[3] != ' ' || !is_digit(rest[0]) || !is_digit(rest[1]) ||
      !is_digit(rest[2])) {
    return bad("status code must be three digits followed by a space", line);
  }
  msg_.status_code = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
  if (msg_.status_code < 100 || msg_.status_code > 699) {
    return bad("status code outside 100-699", line);
  }
  msg_.reason_phrase = rest.substr(4);  // UTF-8, may be empty (RFC 4475 noreason, unreason)
}

bool Parser::parse_headers(std::size_t& pos, std::size_t& body_start) {
  const std::size_t n = buf_.size();
  while (true) {
    if (pos + 1 < n && buf_[pos] == '\r' && buf_[pos + 1] == '\n') {
      body_start = pos + 2;
      return true;
    }
    if (pos >= n) {
      bad("headers not terminated by an empty line", buf_.substr(n));
      return false;
    }
    const std::size_t start = pos;
    bool bare = false;
    std::size_t end = find_line_end(buf_, pos, bare);
    // Folded continuation lines start with SP or HT.
    while (end != std::string_view::npos && !bare && end + 2 < n && is_ws(buf_[end + 2])) {
      end = find_line_end(buf_, end + 2, bare);
    }
    if (end == std::string_view::npos) {
      bad("headers not terminated by an empty line", buf_.substr(start));
      return false;
    }
    const std::string_view field = buf_.substr(start, end - start);
    if (bare) {
      bad("bare CR or LF inside a header line", field);
      return false;
    }
    if (field.size() > limits_.max_header_line) {
      bad("header line longer than the limit", field.substr(0, 40));
      return false;
    }
    if (msg_.headers.size() >= limits_.max_headers) {
      bad("more header lines than the limit", field);
      return false;
    }
    pos = end + 2;
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos) {
      bad("header line without ':'", field);
      continue;
    }
    std::string_view name = field.substr(0, colon);
    while (!name.empty() && is_ws(name.back())) name.remove_suffix(1);
    if (!is_token(name)) {
      bad("header name is not a token", field);
      continue;
    }
    Header h{header_id_from_name(name), name, trim_lws(field.substr(colon + 1))};
    msg_.headers.push_back(h);
    validate(h);
  }
}

void Parser::validate_single(const Header& h, bool& seen) {
  if (seen) bad("header may appear only once", h.name);
  seen = true;
}

void Parser::validate_vias(const Header& h) {
  ListSplitter split(h.value);
  std::string_view element;
  std::size_t values = 0;
  while (split.next(element)) {
    if (++values > limits_.max_list_values) return bad("more Via values than the limit", h.value);
    if (element.empty()) return bad("empty Via value", h.value);
    Via via;
    const ViaError e = parse_via(element, via);
    if (e != ViaError::none) return bad(to_string(e), element);
    if (msg_.via_count++ == 0) {
      msg_.top_via = via;
      have_top_via_ = true;
    }
  }
}

void Parser::validate_contacts(const Header& h) {
  ListSplitter split(h.value);
  std::string_view element;
  std::size_t values = 0;
  while (split.next(element)) {
    if (++values > limits_.max_list_values) {
      return bad("more Contact values than the limit", h.value);
    }
    if (element.empty()) return bad("empty Contact value", h.value);
    NameAddr na;
    const NameAddrError e =
        parse_name_addr(element, na, {.allow_wildcard = true, .require_brackets = false,
                                      .max_uri_length = limits_.max_uri_length});
    if (e != NameAddrError::none) return bad(to_string(e), element);
    ++contact_values_;
    if (na.wildcard) contact_wildcard_ = true;
    std::uint64_t number = 0;
    if (auto expires = na.params.value("expires")) {
      if (!parse_number(*expires, 0xFFFFFFFFu, number)) {
        return bad("Contact expires is not a number of seconds below 2^32", element);
      }
    }
    if (auto q = na.params.value("q")) {
      // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
      const std::string_view v = *q;
      bool ok = !v.empty() && (v[0] == '0' || v[0] == '1') && v.size() <= 5 &&
                (v.size() == 1 || v[1] == '.');
      for (std::size_t i = 2; ok && i < v.size(); ++i) {
        ok = is_digit(v[i]) && (v[0] == '0' || v[i] == '0');
      }
      if (!ok) return bad("Contact q is not a qvalue between 0 and 1", element);
    }
  }
  if (contact_wildcard_ && contact_values_ > 1) {
    bad("Contact '*' must be the only Contact value", h.value);
  }
}

void Parser::validate_routes(const Header& h) {
  ListSplitter split(h.value);
  std::string_view element;
  std::size_t values = 0;
  while (split.next(element)) {
    if (++values > limits_.max_list_values) return bad("more route values than the limit", h.value);
    NameAddr na;
    const NameAddrError e = parse_name_addr(
        element, na, {.require_brackets = true, .max_uri_length = limits_.max_uri_length});
    if (e != NameAddrError::none) return bad(to_string(e), element);
  }
}

void Parser::validate_tokens(const Header& h, bool allow_empty) {
  if (h.value.empty()) {
    if (!allow_empty) bad("empty option-tag list", h.name);
    return;
  }
  ListSplitter split(h.value);
  std::string_view element;
  while (split.next(element)) {
    if (!is_token(element)) return bad("list element is not a token", h.value);
  }
}

void Parser::validate(const Header& h) {
  auto& seen = seen_[static_cast<std::size_t>(h.id)];
  std::uint64_t number = 0;
  switch (h.id) {
    case HeaderId::via: validate_vias(h); break;
    case HeaderId::from:
    case HeaderId::to: {
      validate_single(h, seen);
      NameAddr& na = h.id == HeaderId::from ? msg_.from : msg_.to;
      const NameAddrError e =
          parse_name_addr(h.value, na, {.max_uri_length = limits_.max_uri_length});
      if (e != NameAddrError::none) bad(to_string(e), h.value);
      break;
    }
    case HeaderId::call_id:
      validate_single(h, seen);
      msg_.call_id = h.value;
      if (!valid_call_id(h.value)) bad("Call-ID is not word[@word]", h.value);
      break;
    case HeaderId::cseq:
      validate_single(h, seen);
      if (!parse_cseq(h.value, msg_.cseq)) {
        bad("CSeq must be a number below 2^32 and a method", h.value);
      }
      break;
    case HeaderId::max_forwards:
      validate_single(h, seen);
      if (!parse_number(h.value, 255, number)) {
        bad("Max-Forwards is not a number from 0 to 255", h.value);
      } else {
        msg_.max_forwards = static_cast<int>(number);
      }
      break;
    case HeaderId::expires:
      validate_single(h, seen);
      if (!parse_number(h.value, 0xFFFFFFFFu, number)) {
        bad("Expires is not a number of seconds below 2^32", h.value);
      } else {
        msg_.expires = static_cast<std::int64_t>(number);
      }
      break;
    case HeaderId::content_length:
      validate_single(h, seen);
      if (!parse_number(h.value, limits_.max_message_size, number)) {
        bad("Content-Length is not a number within the message size limit", h.value);
      } else {
        msg_.content_length = static_cast<std::int64_t>(number);
      }
      break;
    case HeaderId::content_type:
      validate_single(h, seen);
      msg_.content_type = h.value;
      if (!valid_media_type(h.value)) bad("Content-Type is not a media type", h.value);
      break;
    case HeaderId::contact: validate_contacts(h); break;
    case HeaderId::route:
    case HeaderId::record_route: validate_routes(h); break;
    case HeaderId::require:
    case HeaderId::proxy_require: validate_tokens(h, false); break;
    case HeaderId::supported:
    case HeaderId::unsupported:
    case HeaderId::allow: validate_tokens(h, true); break;
    default:
      // Date, Accept, Authorization... are read by whoever needs them (Date never: RFC 4475
      // baddate is accepted on purpose; see docs/sip-message.md).
      break;
  }
}

void Parser::frame_body(std::size_t msg_start, std::size_t body_start) {
  const std::size_t available = buf_.size() - body_start;
  std::size_t length = available;
  if (msg_.content_length >= 0) {
    const auto declared = static_cast<std::size_t>(msg_.content_length);
    if (declared > available) {
      bad(framing_ == Framing::datagram ? "Content-Length larger than the datagram"
                                            : "Content-Length larger than the frame",
          buf_.substr(body_start));
    } else {
      length = declared;  // UDP: bytes after the body are ignored (RFC 4475 dblreq)
    }
  }
  msg_.body = buf_.substr(body_start, length);
  msg_.raw = buf_.substr(msg_start, body_start + length - msg_start);
}

void Parser::sanity() {
  // RFC 3261 8.1.1 / 8.2.1: the mandatory header fields. Max-Forwards may be absent
  // (16.3 step 3; RFC 2543 peers, RFC 4475 inv2543).
  if (!seen_[static_cast<std::size_t>(HeaderId::to)]) bad("missing To header", {});
  if (!seen_[static_cast<std::size_t>(HeaderId::from)]) bad("missing From header", {});
  if (!seen_[static_cast<std::size_t>(HeaderId::call_id)]) bad("missing Call-ID header", {});
  if (!seen_[static_cast<std::size_t>(HeaderId::cseq)]) bad("missing CSeq header", {});
  if (msg_.via_count == 0) bad("missing Via header", {});
  if (!msg_.is_request) return;
  if (seen_[static_cast<std::size_t>(HeaderId::cseq)] &&
      msg_.cseq.method_text != msg_.method_text) {
    bad("CSeq method differs from the request method", msg_.cseq.method_text);
  }
  if (msg_.request_uri.scheme == Scheme::other && !msg_.request_uri.scheme_text.empty()) {
    fault(416, "Unsupported URI Scheme", "Request-URI scheme is not sip, sips or tel",
          msg_.request_uri.scheme_text);
  }
}

ParseResult Parser::finish() {
  if (bad_version_) {
    // Checked last so it wins over any other fault: the answer to SIP/7.0 is 505.
    faulted_ = false;
    fault(505, "Version Not Supported", "SIP version is not SIP/2.0", msg_.version);
  }
  if (!faulted_) return result_;
  result_.verdict = (msg_.is_request && have_top_via_) ? Verdict::reject : Verdict::drop;
  if (result_.verdict == Verdict::drop) {
    result_.status = 0;
    result_.reason = {};
  }
  return result_;
}

ParseResult Parser::run() {
  msg_.clear();
  const std::size_t n = buf_.size();
  if (n > limits_.max_message_size) {
    bad("message larger than the size limit", buf_.substr(0, 0));
    return finish();
  }
  std::size_t pos = 0;
  // RFC 3261 7.5: CRLFs before the start line are ignored (stream keep-alives).
  while (pos + 1 < n && buf_[pos] == '\r' && buf_[pos + 1] == '\n') pos += 2;
  const std::size_t msg_start = pos;
  if (pos >= n) {
    bad("empty message", buf_.substr(pos));
    return finish();
  }
  bool bare = false;
  const std::size_t line_end = find_line_end(buf_, pos, bare);
  if (line_end == std::string_view::npos || bare) {
    bad("start line not terminated by CRLF", buf_.substr(pos, 40));
    return finish();
  }
  const std::string_view start_line = buf_.substr(pos, line_end - pos);
  if (start_line.size() > limits_.max_start_line) {
    msg_.is_request = !start_line.starts_with("SIP/");
    bad("start line longer than the limit", start_line.substr(0, 40));
  } else {
    parse_start_line(start_line);
  }
  pos = line_end + 2;
  std::size_t body_start = n;
  if (parse_headers(pos, body_start)) {
    frame_body(msg_start, body_start);
  } else {
    msg_.raw = buf_.substr(msg_start);
  }
  sanity();
  return finish();
}

}  // namespace

void Message::clear() noexcept {
  std::vector<Header> keep = std::move(headers);
  keep.clear();
  *this = Message{};
  headers = std::move(keep);
}

const Header* Message::find(HeaderId id) const noexcept {
  for (const Header& h : headers) {
    if (h.id == id) return &h;
  }
  return nullptr;
}

const Header* Message::find(std::string_view name) const noexcept {
  const HeaderId id = header_id_from_name(name);
  if (id != HeaderId::other) return find(id);
  for (const Header& h : headers) {
    if (h.id == HeaderId::other && iequals(h.name, name)) return &h;
  }
  return nullptr;
}

std::size_t Message::count(HeaderId id) const noexcept {
  std::size_t c = 0;
  for (const Header& h : headers) c += (h.id == id) ? 1 : 0;
  return c;
}

ParseResult parse_message(std::string_view buffer, Message& out, const ParseOptions& options) {
  Parser parser(buffer, out, options);
  return parser.run();
}

std::string unfold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n') {
      ++i;
      while (i + 1 < value.size() && is_ws(value[i + 1])) ++i;
      out.push_back(' ');
      continue;
    }
    out.push_back(value[i]);
  }
  return out;
}

std::string describe(const ParseResult& result, std::string_view buffer) {
  if (result.ok()) return "accepted";
  std::string text;
  const char* at = result.where.data();
  if (at != nullptr && at >= buffer.data() && at <= buffer.data() + buffer.size()) {
    const auto offset = static_cast<std::size_t>(at - buffer.data());
    std::size_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
      if (buffer[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    text = fmt::format("line {}, column {}: ", line, offset - line_start + 1);
  }
  text += result.error;
  if (!result.where.empty()) {
    std::string near;
    for (char c : result.where.substr(0, 60)) {
      near += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '.' : c;
    }
    text += fmt::format(" (near '{}')", near);
  }
  if (result.verdict == Verdict::reject) {
    text += fmt::format(" -> {} {}", result.status, result.reason);
  } else {
    text += " -> drop";
  }
  return text;
}

}  // namespace callplan::sip
