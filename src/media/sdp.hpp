// media/sdp.hpp — Session Description Protocol (RFC 4566) as callplan's media side reads and
// writes it: the v o s c t m a lines, IPv4 and IPv6 connection addresses, and the attributes
// audio needs (rtpmap, fmtp, ptime, sendrecv / sendonly / recvonly / inactive). Other lines
// (i u e p b z k r) and unknown attributes are accepted and ignored or kept as they are.
//
//   media::SdpParse parsed = media::parse_sdp(invite_body);
//   if (!parsed.ok()) log(parsed.problem.text());        // "line 4, column 3: ... [sdp-...]"
//   std::string body = media::format_sdp(description);    // CRLF line ends
//
// Parsing is strict on bounds (size, line length, counts, numeric ranges: see the limits
// below) and never throws on bad input; every problem is an SdpProblem with its line and
// column and a stable code. Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callplan::media {

inline constexpr std::size_t kMaxSdpSize = 16 * 1024;
inline constexpr std::size_t kMaxSdpLine = 1024;
inline constexpr std::size_t kMaxSdpMedia = 16;
inline constexpr std::size_t kMaxSdpFormats = 64;      // per m= line
inline constexpr std::size_t kMaxSdpAttributes = 128;  // per section

enum class AddressType : std::uint8_t { ip4, ip6 };

// "IN IP4 192.0.2.1": the address as written. `literal` says it is a numeric address of its
// type (a name is legal SDP, but the media side never resolves names).
struct SdpConnection {
  AddressType type = AddressType::ip4;
  std::string address;
  bool literal = false;
};

struct SdpOrigin {
  std::string username = "-";
  std::string session_id;       // digits
  std::string session_version;  // digits
  AddressType type = AddressType::ip4;
  std::string address;
};

// Media direction from the point of view of whoever wrote the description.
enum class Direction : std::uint8_t { sendrecv, sendonly, recvonly, inactive };
std::string_view to_string(Direction direction) noexcept;
// What the other side does: sendonly <-> recvonly.
Direction reverse(Direction direction) noexcept;

struct SdpRtpMap {
  std::uint8_t payload_type = 0;
  std::string encoding;      // as written: "PCMU", "telephone-event"
  std::uint32_t clock_rate = 0;
  std::uint8_t channels = 1;
};

struct SdpFmtp {
  std::uint8_t payload_type = 0;
  std::string parameters;  // "0-15"
};

// An attribute the parser has no field for, kept for whoever needs it.
struct SdpAttribute {
  std::string name;
  std::optional<std::string> value;
};

struct SdpMedia {
  std::string media;  // "audio", "video", ...
  std::uint16_t port = 0;
  std::uint16_t port_count = 1;
  std::string protocol;              // "RTP/AVP"
  std::vector<std::string> formats;  // as written; payload type numbers for RTP
  std::optional<SdpConnection> connection;
  std::vector<SdpRtpMap> rtpmaps;
  std::vector<SdpFmtp> fmtps;
  std::optional<std::uint16_t> ptime_ms;
  std::optional<std::uint16_t> maxptime_ms;
  std::optional<Direction> direction;
  std::vector<SdpAttribute> attributes;

  const SdpRtpMap* rtpmap(std::uint8_t payload_type) const noexcept;
  const SdpFmtp* fmtp(std::uint8_t payload_type) const noexcept;
};

struct SessionDescription {
  SdpOrigin origin;
  std::string session_name = "-";
  std::optional<SdpConnection> connection;
  std::uint64_t start_time = 0;
  std::uint64_t stop_time = 0;
  std::optional<Direction> direction;  // session level
  std::vector<SdpAttribute> attributes;
  std::vector<SdpMedia> media;

  // The connection that applies to a media section: its own, else the session's.
  const SdpConnection* connection_for(const SdpMedia& m) const noexcept;
  // The direction that applies: the media's, else the session's, else sendrecv.
  Direction direction_for(const SdpMedia& m) const noexcept;
};

enum class SdpErrorCode : std::uint8_t {
  too_large,           // sdp-too-large
  line_too_long,       // sdp-line-too-long
  syntax,              // sdp-syntax: not "<letter>=<value>"
  missing_version,     // sdp-missing-version: the first line is not v=0
  missing_line,        // sdp-missing-line: no o= or s=
  bad_origin,          // sdp-bad-origin
  bad_connection,      // sdp-bad-connection
  bad_timing,          // sdp-bad-timing
  bad_media,           // sdp-bad-media
  bad_attribute,       // sdp-bad-attribute: a known attribute with a malformed value
  missing_connection,  // sdp-missing-connection: an active m= line with no c= anywhere
  too_many,            // sdp-too-many: media sections, formats or attributes past the limits
};
std::string_view to_string(SdpErrorCode code) noexcept;  // "sdp-syntax", ...

struct SdpProblem {
  SdpErrorCode code = SdpErrorCode::syntax;
  std::size_t line = 0;    // 1-based; 0 when the problem is the whole body
  std::size_t column = 0;  // 1-based
  std::string message;

  // "line 3, column 5: bad port \"x\" [sdp-bad-media]"
  std::string text() const;
};

struct SdpParse {
  std::optional<SessionDescription> description;
  SdpProblem problem;  // meaningful when !ok()
  bool ok() const noexcept { return description.has_value(); }
};

SdpParse parse_sdp(std::string_view text);

// The description as SDP text, CRLF line ends; rtpmap/fmtp lines follow the m= line's format
// order. Writes what the structure holds (no validation beyond it).
std::string format_sdp(const SessionDescription& description);

}  // namespace callplan::media
