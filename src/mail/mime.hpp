// mail/mime.hpp — an e-mail as bytes (RFC 5322 + MIME, RFC 2045-2047): a text/plain body
// (UTF-8, quoted-printable) and optionally one attachment (base64, 76-character lines), in a
// multipart/mixed message with Date and Message-ID. Lines end in CRLF, as SMTP wants.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "media/prompt/expected.hpp"

namespace callplan::mail {

struct Address {
  std::string name;   // display name, UTF-8, may be empty
  std::string email;  // addr-spec: local@domain
};

struct Attachment {
  std::string file_name;     // ASCII, shown to the recipient
  std::string content_type;  // "audio/wav"
  std::string bytes;
};

struct MailMessage {
  Address from;
  Address to;
  std::string subject;  // UTF-8
  std::string body;     // UTF-8, '\n' line ends
  std::optional<Attachment> attachment;
  std::chrono::system_clock::time_point date;
  std::string time_zone = "UTC";  // the Date header's offset
};

// base64 of `bytes`, broken into lines of at most `line_length` characters by CRLF (none when
// line_length is 0).
std::string base64(std::string_view bytes, std::size_t line_length = 76);

// Header text: ASCII printable text as it is; anything else as RFC 2047 "B" encoded-words in
// UTF-8, each at most 75 characters, split only between characters, folded onto new lines.
std::string encode_header_text(std::string_view utf8);

// "Anna de Vries <anna@acme.example>": the name quoted when it has specials, encoded when it
// is not ASCII; the bare address when there is no name.
std::string format_address(const Address& address);

// Quoted-printable (RFC 2045 6.7) of UTF-8 text with '\n' line ends: CRLF line ends, soft
// line breaks to keep lines at most 76 characters.
std::string quoted_printable(std::string_view text);

// "Mon, 07 Dec 2026 03:13:05 +0100" (RFC 5322 3.3) in the IANA zone; an unknown zone is UTC.
std::string rfc5322_date(std::chrono::system_clock::time_point when, std::string_view zone);

// "<20261207T021305.9f86d081e2a4@acme.example>": unique, at the sender's domain.
std::string make_message_id(std::string_view sender_email);

// True for a plausible addr-spec: one '@', no spaces, no CR/LF, no '<' '>' (header injection).
bool is_email_address(std::string_view text);

// The whole message. Refuses (as a sentence) addresses that are not addresses and header
// text with CR or LF, so nothing a tenant writes can add a header.
media::Expected<std::string, std::string> render(const MailMessage& message);

}  // namespace callplan::mail
