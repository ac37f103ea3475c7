// The SDP reader: one pass over the lines, the session section until the first m=, then one
// section per m=. Fields are checked as they are read, so a problem points at the line and
// column where it is; unknown line types and attributes are kept or skipped, never refused
// (RFC 4566 section 5: "parsers MUST ignore any unknown type").
#include "media/sdp.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace callplan::media {
namespace {

struct Field {
  std::string_view text;
  std::size_t column;  // 1-based column of text's first character in its line
};

// Splits on single spaces as RFC 4566 writes; runs of spaces are tolerated.
std::vector<Field> split_fields(std::string_view value, std::size_t first_column) {
  std::vector<Field> out;
  std::size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && value[i] == ' ') ++i;
    std::size_t start = i;
    while (i < value.size() && value[i] != ' ') ++i;
    if (i > start) out.push_back({value.substr(start, i - start), first_column + start});
  }
  return out;
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty() || text.size() > 20) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](char c) { return c >= '0' && c <= '9'; });
}

bool is_literal(AddressType type, std::string_view address) {
  std::string copy(address);
  unsigned char buffer[16];
  return inet_pton(type == AddressType::ip4 ? AF_INET : AF_INET6, copy.c_str(), buffer) == 1;
}

std::optional<Direction> direction_named(std::string_view name) {
  if (name == "sendrecv") return Direction::sendrecv;
  if (name == "sendonly") return Direction::sendonly;
  if (name == "recvonly") return Direction::recvonly;
  if (name == "inactive") return Direction::inactive;
  return std::nullopt;
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  SdpParse run();

 private:
  struct Failure {};  // unwinds to run(); never leaves this file

  [[noreturn]] void fail(SdpErrorCode code, std::size_t column, std::string message) {
    problem_ = {code, line_number_, column, std::move(message)};
    throw Failure{};
  }

  void read_line(char type, std::string_view value);
  void read_origin(std::string_view value);
  SdpConnection read_connection(std::string_view value);
  void read_timing(std::string_view value);
  void read_media(std::string_view value);
  void read_attribute(std::string_view value);
  std::uint8_t read_payload_type(Field field);

  std::string_view text_;
  std::size_t line_number_ = 0;
  SdpProblem problem_;
  SessionDescription sd_;
  bool seen_origin_ = false;
  bool seen_name_ = false;
  std::size_t attribute_count_ = 0;  // in the current section
};

SdpParse Reader::run() {
  SdpParse result;
  try {
    if (text_.size() > kMaxSdpSize) {
      problem_ = {SdpErrorCode::too_large, 0, 0,
                  fmt::format("the description has {} bytes, more than the {} allowed",
                              text_.size(), kMaxSdpSize)};
      throw Failure{};
    }
    std::size_t at = 0;
    bool first = true;
    while (at < text_.size()) {
      std::size_t end = text_.find('\n', at);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(at, end - at);
      at = end + 1;
      ++line_number_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.size() > kMaxSdpLine) {
        fail(SdpErrorCode::line_too_long, kMaxSdpLine + 1,
             fmt::format("the line has {} characters, more than the {} allowed", line.size(),
                         kMaxSdpLine));
      }
      if (line.empty()) continue;  // a trailing or stray blank line
      if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') {
        fail(SdpErrorCode::syntax, 1, "expected a line of the form <letter>=<value>");
      }
      if (first) {
        if (line != "v=0") fail(SdpErrorCode::missing_version, 1, "the first line must be v=0");
        first = false;
        continue;
      }
      read_line(line[0], line.substr(2));
    }
    if (first) fail(SdpErrorCode::missing_version, 1, "the description is empty: no v=0 line");
    line_number_ = 0;  // the problems below concern the whole description
    if (!seen_origin_) fail(SdpErrorCode::missing_line, 0, "there is no o= line");
    if (!seen_name_) fail(SdpErrorCode::missing_line, 0, "there is no s= line");
    for (const SdpMedia& m : sd_.media) {
      if (m.port != 0 && sd_.connection_for(m) == nullptr) {
        fail(SdpErrorCode::missing_connection, 0,
             fmt::format("the {} stream on port {} has no c= line, and the session has none "
                         "either", m.media, m.port));
      }
    }
    result.description = std::move(sd_);
  } catch (const Failure&) {
    result.problem = std::move(problem_);
  }
  return result;
}

void Reader::read_line(char type, std::string_view value) {
  const bool in_media = !sd_.media.empty();
  switch (type) {
    case 'v': fail(SdpErrorCode::syntax, 1, "a second v= line");
    case 'o':
      if (seen_origin_ || in_media) fail(SdpErrorCode::bad_origin, 1, "o= out of place");
      read_origin(value);
      return;
    case 's':
      if (seen_name_ || in_media) fail(SdpErrorCode::syntax, 1, "s= out of place");
      seen_name_ = true;
      sd_.session_name = std::string(value);
      return;
    case 'c':
      if (in_media) {
        sd_.media.back().connection = read_connection(value);
      } else {
        sd_.connection = read_connection(value);
      }
      return;
    case 't':
      if (!in_media) read_timing(value);  // only the first is used; repeat times are ignored
      return;
    case 'm': read_media(value); return;
    case 'a': read_attribute(value); return;
    default: return;  // i u e p b z k r and unknown types: ignored
  }
}

void Reader::read_origin(std::string_view value) {
  auto f = split_fields(value, 3);
  if (f.size() != 6) {
    fail(SdpErrorCode::bad_origin, 3,
         "o= needs six fields: username sess-id sess-version IN IP4|IP6 address");
  }
  if (!all_digits(f[1].text)) fail(SdpErrorCode::bad_origin, f[1].column, "sess-id is not a number");
  if (!all_digits(f[2].text)) {
    fail(SdpErrorCode::bad_origin, f[2].column, "sess-version is not a number");
  }
  if (f[3].text != "IN") fail(SdpErrorCode::bad_origin, f[3].column, "the network type is not IN");
  if (f[4].text != "IP4" && f[4].text != "IP6") {
    fail(SdpErrorCode::bad_origin, f[4].column, "the address type is not IP4 or IP6");
  }
  seen_origin_ = true;
  sd_.origin = {std::string(f[0].text), std::string(f[1].text), std::string(f[2].text),
                f[4].text == "IP4" ? AddressType::ip4 : AddressType::ip6, std::string(f[5].text)};
}

SdpConnection Reader::read_connection(std::string_view value) {
  auto f = split_fields(value, 3);
  if (f.size() != 3) fail(SdpErrorCode::bad_connection, 3, "c= needs: IN IP4|IP6 address");
  if (f[0].text != "IN") fail(SdpErrorCode::bad_connection, f[0].column, "the network type is not IN");
  SdpConnection c;
  if (f[1].text == "IP4") {
    c.type = AddressType::ip4;
  } else if (f[1].text == "IP6") {
    c.type = AddressType::ip6;
  } else {
    fail(SdpErrorCode::bad_connection, f[1].column, "the address type is not IP4 or IP6");
  }
  // A multicast address may carry /ttl[/count]; the address is what comes before.
  std::string_view address = f[2].text.substr(0, f[2].text.find('/'));
  if (address.empty()) fail(SdpErrorCode::bad_connection, f[2].column, "the address is empty");
  c.address = std::string(address);
  c.literal = is_literal(c.type, address);
  // A name is legal SDP (it is kept, not resolved); anything else must be a literal address.
  bool name = std::all_of(address.begin(), address.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.';
  }) && std::any_of(address.begin(), address.end(), [](char ch) {
    return std::isalpha(static_cast<unsigned char>(ch));
  });
  if (!c.literal && !name) {
    fail(SdpErrorCode::bad_connection, f[2].column,
         fmt::format("\"{}\" is not an {} address", address,
                     c.type == AddressType::ip4 ? "IPv4" : "IPv6"));
  }
  return c;
}

void Reader::read_timing(std::string_view value) {
  auto f = split_fields(value, 3);
  if (f.size() != 2 || !parse_number(f[0].text, sd_.start_time) ||
      !parse_number(f[1].text, sd_.stop_time)) {
    fail(SdpErrorCode::bad_timing, 3, "t= needs two numbers: start stop");
  }
}

std::uint8_t Reader::read_payload_type(Field field) {
  unsigned pt = 0;
  if (!parse_number(field.text, pt) || pt > 127) {
    fail(SdpErrorCode::bad_attribute, field.column,
         fmt::format("\"{}\" is not a payload type (0-127)", field.text));
  }
  return static_cast<std::uint8_t>(pt);
}

void Reader::read_media(std::string_view value) {
  if (sd_.media.size() == kMaxSdpMedia) {
    fail(SdpErrorCode::too_many, 1, fmt::format("more than {} m= lines", kMaxSdpMedia));
  }
  auto f = split_fields(value, 3);
  if (f.size() < 4) fail(SdpErrorCode::bad_media, 3, "m= needs: media port proto format...");
  if (f.size() - 3 > kMaxSdpFormats) {
    fail(SdpErrorCode::too_many, f[3 + kMaxSdpFormats].column,
         fmt::format("more than {} formats on one m= line", kMaxSdpFormats));
  }
  SdpMedia m;
  m.media = std::string(f[0].text);
  std::string_view port = f[1].text;
  std::string_view count;
  if (auto slash = port.find('/'); slash != std::string_view::npos) {
    count = port.substr(slash + 1);
    port = port.substr(0, slash);
  }
  if (!parse_number(port, m.port)) {
    fail(SdpErrorCode::bad_media, f[1].column, fmt::format("\"{}\" is not a port", port));
  }
  if (!count.empty() && (!parse_number(count, m.port_count) || m.port_count == 0)) {
    fail(SdpErrorCode::bad_media, f[1].column, fmt::format("\"{}\" is not a port count", count));
  }
  m.protocol = std::string(f[2].text);
  for (std::size_t i = 3; i < f.size(); ++i) m.formats.emplace_back(f[i].text);
  sd_.media.push_back(std::move(m));
  attribute_count_ = 0;
}

void Reader::read_attribute(std::string_view value) {
  if (++attribute_count_ > kMaxSdpAttributes) {
    fail(SdpErrorCode::too_many, 1,
         fmt::format("more than {} a= lines in one section", kMaxSdpAttributes));
  }
  std::size_t colon = value.find(':');
  std::string_view name = value.substr(0, colon);
  std::optional<std::string_view> arg;
  if (colon != std::string_view::npos) arg = value.substr(colon + 1);
  const std::size_t arg_column = 3 + name.size() + 1;
  SdpMedia* m = sd_.media.empty() ? nullptr : &sd_.media.back();

  if (auto dir = direction_named(name); dir && !arg) {
    (m ? m->direction : sd_.direction) = *dir;
    return;
  }
  if (m && name == "rtpmap" && arg) {
    // rtpmap:<pt> <encoding>/<clock>[/<channels>]
    auto f = split_fields(*arg, arg_column);
    if (f.size() != 2) fail(SdpErrorCode::bad_attribute, arg_column, "rtpmap needs: pt encoding/clock");
    SdpRtpMap map;
    map.payload_type = read_payload_type(f[0]);
    std::string_view spec = f[1].text;
    std::size_t s1 = spec.find('/');
    if (s1 == std::string_view::npos || s1 == 0) {
      fail(SdpErrorCode::bad_attribute, f[1].column, "rtpmap needs encoding/clock-rate");
    }
    map.encoding = std::string(spec.substr(0, s1));
    std::string_view rest = spec.substr(s1 + 1);
    std::string_view channels;
    if (auto s2 = rest.find('/'); s2 != std::string_view::npos) {
      channels = rest.substr(s2 + 1);
      rest = rest.substr(0, s2);
    }
    if (!parse_number(rest, map.clock_rate) || map.clock_rate == 0) {
      fail(SdpErrorCode::bad_attribute, f[1].column + s1 + 1,
           fmt::format("\"{}\" is not a clock rate", rest));
    }
    if (!channels.empty() && (!parse_number(channels, map.channels) || map.channels == 0)) {
      fail(SdpErrorCode::bad_attribute, f[1].column,
           fmt::format("\"{}\" is not a channel count", channels));
    }
    m->rtpmaps.push_back(std::move(map));
    return;
  }
  if (m && name == "fmtp" && arg) {
    std::size_t space = arg->find(' ');
    Field pt{arg->substr(0, space), arg_column};
    SdpFmtp fmtp;
    fmtp.payload_type = read_payload_type(pt);
    if (space != std::string_view::npos) fmtp.parameters = std::string(arg->substr(space + 1));
    m->fmtps.push_back(std::move(fmtp));
    return;
  }
  if (m && (name == "ptime" || name == "maxptime") && arg) {
    std::uint16_t ms = 0;
    if (!parse_number(*arg, ms) || ms == 0 || ms > 1000) {
      fail(SdpErrorCode::bad_attribute, arg_column,
           fmt::format("\"{}\" is not a packet time in milliseconds (1-1000)", *arg));
    }
    (name == "ptime" ? m->ptime_ms : m->maxptime_ms) = ms;
    return;
  }
  SdpAttribute attribute{std::string(name), std::nullopt};
  if (arg) attribute.value = std::string(*arg);
  (m ? m->attributes : sd_.attributes).push_back(std::move(attribute));
}

std::string_view type_name(AddressType type) { return type == AddressType::ip4 ? "IP4" : "IP6"; }

}  // namespace

std::string_view to_string(Direction direction) noexcept {
  switch (direction) {
    case Direction::sendrecv: return "sendrecv";
    case Direction::sendonly: return "sendonly";
    case Direction::recvonly: return "recvonly";
    case Direction::inactive: return "inactive";
  }
  return "sendrecv";
}

Direction reverse(Direction direction) noexcept {
  switch (direction) {
    case Direction::sendonly: return Direction::recvonly;
    case Direction::recvonly: return Direction::sendonly;
    default: return direction;
  }
}

std::string_view to_string(SdpErrorCode code) noexcept {
  switch (code) {
    case SdpErrorCode::too_large: return "sdp-too-large";
    case SdpErrorCode::line_too_long: return "sdp-line-too-long";
    case SdpErrorCode::syntax: return "sdp-syntax";
    case SdpErrorCode::missing_version: return "sdp-missing-version";
    case SdpErrorCode::missing_line: return "sdp-missing-line";
    case SdpErrorCode::bad_origin: return "sdp-bad-origin";
    case SdpErrorCode::bad_connection: return "sdp-bad-connection";
    case SdpErrorCode::bad_timing: return "sdp-bad-timing";
    case SdpErrorCode::bad_media: return "sdp-bad-media";
    case SdpErrorCode::bad_attribute: return "sdp-bad-attribute";
    case SdpErrorCode::missing_connection: return "sdp-missing-connection";
    case SdpErrorCode::too_many: return "sdp-too-many";
  }
  return "sdp-syntax";
}

std::string SdpProblem::text() const {
  if (line == 0) return fmt::format("{} [{}]", message, to_string(code));
  return fmt::format("line {}, column {}: {} [{}]", line, column, message, to_string(code));
}

const SdpRtpMap* SdpMedia::rtpmap(std::uint8_t payload_type) const noexcept {
  for (const auto& r : rtpmaps) {
    if (r.payload_type == payload_type) return &r;
  }
  return nullptr;
}

const SdpFmtp* SdpMedia::fmtp(std::uint8_t payload_type) const noexcept {
  for (const auto& f : fmtps) {
    if (f.payload_type == payload_type) return &f;
  }
  return nullptr;
}

const SdpConnection* SessionDescription::connection_for(const SdpMedia& m) const noexcept {
  if (m.connection) return &*m.connection;
  return connection ? &*connection : nullptr;
}

Direction SessionDescription::direction_for(const SdpMedia& m) const noexcept {
  if (m.direction) return *m.direction;
  return direction.value_or(Direction::sendrecv);
}

SdpParse parse_sdp(std::string_view text) { return Reader(text).run(); }

std::string format_sdp(const SessionDescription& sd) {
  std::string out = "v=0\r\n";
  const SdpOrigin& o = sd.origin;
  out += fmt::format("o={} {} {} IN {} {}\r\n", o.username, o.session_id, o.session_version,
                     type_name(o.type), o.address);
  out += fmt::format("s={}\r\n", sd.session_name.empty() ? "-" : sd.session_name);
  if (sd.connection) {
    out += fmt::format("c=IN {} {}\r\n", type_name(sd.connection->type), sd.connection->address);
  }
  out += fmt::format("t={} {}\r\n", sd.start_time, sd.stop_time);
  auto attributes = [&out](const std::vector<SdpAttribute>& list) {
    for (const auto& a : list) {
      out += a.value ? fmt::format("a={}:{}\r\n", a.name, *a.value) : fmt::format("a={}\r\n", a.name);
    }
  };
  if (sd.direction) out += fmt::format("a={}\r\n", to_string(*sd.direction));
  attributes(sd.attributes);
  for (const SdpMedia& m : sd.media) {
    out += fmt::format("m={} {}", m.media, m.port);
    if (m.port_count > 1) out += fmt::format("/{}", m.port_count);
    out += fmt::format(" {} {}\r\n", m.protocol, fmt::join(m.formats, " "));
    if (m.connection) {
      out += fmt::format("c=IN {} {}\r\n", type_name(m.connection->type), m.connection->address);
    }
    std::vector<std::uint8_t> written;  // a format listed twice gets its lines once
    for (const std::string& format : m.formats) {
      std::uint8_t pt = 0;
      if (!parse_number(format, pt) || pt > 127) continue;
      if (std::find(written.begin(), written.end(), pt) != written.end()) continue;
      written.push_back(pt);
      if (const SdpRtpMap* r = m.rtpmap(pt)) {
        out += fmt::format("a=rtpmap:{} {}/{}", r->payload_type, r->encoding, r->clock_rate);
        if (r->channels > 1) out += fmt::format("/{}", r->channels);
        out += "\r\n";
      }
      if (const SdpFmtp* f = m.fmtp(pt)) {
        out += fmt::format("a=fmtp:{} {}\r\n", f->payload_type, f->parameters);
      }
    }
    if (m.ptime_ms) out += fmt::format("a=ptime:{}\r\n", *m.ptime_ms);
    if (m.maxptime_ms) out += fmt::format("a=maxptime:{}\r\n", *m.maxptime_ms);
    if (m.direction) out += fmt::format("a={}\r\n", to_string(*m.direction));
    attributes(m.attributes);
  }
  return out;
}

}  // namespace callplan::media
