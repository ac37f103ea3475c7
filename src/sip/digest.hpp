// sip/digest.hpp — Digest authentication header values (RFC 3261 22.4/25.1, RFC 7616,
// RFC 8760): Authorization / Proxy-Authorization credentials and WWW-Authenticate /
// Proxy-Authenticate challenges.
//
// Parsing is zero-copy: values are views into the header value, quotes removed but
// quoted-pair escapes kept (`*_escaped` says when unquote() is needed before hashing).
//
//   DigestCredentials c;
//   if (parse_digest_credentials(authorization_value, c) == DigestStatus::ok) ...
//   DigestStatus::not_digest: another scheme (RFC 4475 regaut01): ignore it and challenge.
//
// The parser checks syntax and the presence and shape of the parameters; it does not verify
// the response (that needs the registrar's secrets).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace callplan::sip {

enum class DigestAlgorithm : std::uint8_t { md5, md5_sess, sha256, sha256_sess, unknown };

// "MD5" (the default when absent), "MD5-sess", "SHA-256", "SHA-256-sess"; case-insensitive.
DigestAlgorithm digest_algorithm_from_text(std::string_view text) noexcept;
std::string_view digest_algorithm_text(DigestAlgorithm algorithm) noexcept;
// Length in hex digits of a response for this algorithm (32 or 64; 0 when unknown).
std::size_t digest_hex_length(DigestAlgorithm algorithm) noexcept;

enum class DigestStatus : std::uint8_t {
  ok,
  not_digest,   // a different auth scheme
  malformed,    // bad syntax, duplicate or missing parameter, bad nc/qop/response shape
};

struct DigestCredentials {
  std::string_view username;
  std::string_view realm;
  std::string_view nonce;
  std::string_view uri;
  std::string_view response;     // lower- or upper-case hex
  std::string_view algorithm_text;
  DigestAlgorithm algorithm = DigestAlgorithm::md5;
  std::string_view cnonce;
  std::string_view qop;          // "auth" / "auth-int" / "" (RFC 2069 style)
  std::string_view nc_text;
  std::uint32_t nc = 0;          // parsed from 8 hex digits
  std::string_view opaque;
  bool has_opaque = false;
  bool username_escaped = false; // the quoted username held quoted-pairs
  bool realm_escaped = false;
  std::string_view error;        // why it is malformed (static text)
};

struct DigestChallenge {
  std::string_view realm;
  std::string_view domain;
  std::string_view nonce;
  std::string_view opaque;
  bool has_opaque = false;
  bool stale = false;
  std::string_view algorithm_text;
  DigestAlgorithm algorithm = DigestAlgorithm::md5;
  std::string_view qop_options;  // "auth,auth-int" as written (inside the quotes)
  std::string_view error;
};

DigestStatus parse_digest_credentials(std::string_view value, DigestCredentials& out) noexcept;
DigestStatus parse_digest_challenge(std::string_view value, DigestChallenge& out) noexcept;

// Writers (the registrar's challenge, a UAC's credentials). Values are written as given,
// quoted where the grammar wants quotes; the caller supplies already-escaped text.
std::string format_digest_challenge(const DigestChallenge& challenge);
std::string format_digest_credentials(const DigestCredentials& credentials);

}  // namespace callplan::sip
