#include "mail/mime.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <random>

namespace callplan::mail {
namespace {

bool is_ascii_printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
}

// Length of the UTF-8 sequence that starts with byte `lead` (1 for stray bytes).
std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

std::string random_hex(int digits) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < digits; ++i) out.push_back(hex[random() & 0xF]);
  return out;
}

bool has_line_break(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

// "Name: value\r\n", folded at spaces so that lines stay within 78 characters where the words
// allow (RFC 5322 2.2.3). Folds already in `value` (between encoded-words) are kept.
std::string header(std::string_view name, std::string_view value) {
  std::string out = std::string(name) + ":";
  std::size_t line = out.size();
  bool first = true;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t fold = value.find("\r\n ", pos);
    const std::string_view segment = value.substr(pos, fold == std::string_view::npos ? std::string_view::npos : fold - pos);
    for (std::size_t w = 0;;) {
      std::size_t space = segment.find(' ', w);
      if (space == std::string_view::npos) space = segment.size();
      const std::string_view word = segment.substr(w, space - w);
      if (!first && line + 1 + word.size() > 78) {
        out += "\r\n";
        line = 0;
      }
      out += ' ';
      out += word;
      line += 1 + word.size();
      first = false;
      if (space == segment.size()) break;
      w = space + 1;
    }
    if (fold == std::string_view::npos) break;
    out += "\r\n";
    line = 0;
    pos = fold + 3;
  }
  return out + "\r\n";
}

}  // namespace

std::string base64(std::string_view bytes, std::size_t line_length) {
  std::string encoded(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  encoded.resize(static_cast<std::size_t>(n));
  if (line_length == 0) return encoded;
  std::string out;
  out.reserve(encoded.size() + 2 * (encoded.size() / line_length + 1));
  for (std::size_t i = 0; i < encoded.size(); i += line_length) {
    out.append(encoded, i, line_length);
    out += "\r\n";
  }
  return out;
}

std::string encode_header_text(std::string_view utf8) {
  if (is_ascii_printable(utf8)) return std::string(utf8);
  // "=?UTF-8?B?" + payload + "?=" <= 75 characters: payload <= 63, i.e. at most 45 bytes of
  // text per word (60 characters of base64), cut between UTF-8 characters.
  constexpr std::size_t max_bytes = 45;
  std::string out;
  std::size_t i = 0;
  while (i < utf8.size()) {
    std::size_t end = i;
    while (end < utf8.size()) {
      const std::size_t next = end + utf8_length(static_cast<unsigned char>(utf8[end]));
      if (next - i > max_bytes) break;
      end = std::min(next, utf8.size());
    }
    if (!out.empty()) out += "\r\n ";  // folding white space between encoded-words is ignored
    out += "=?UTF-8?B?" + base64(utf8.substr(i, end - i), 0) + "?=";
    i = end;
  }
  return out;
}

std::string format_address(const Address& address) {
  if (address.name.empty()) return address.email;
  std::string name;
  if (!is_ascii_printable(address.name)) {
    name = encode_header_text(address.name);
  } else if (address.name.find_first_of("()<>[]:;@\\,.\"") != std::string::npos) {
    name = "\"";
    for (char c : address.name) {
      if (c == '"' || c == '\\') name.push_back('\\');
      name.push_back(c);
    }
    name += "\"";
  } else {
    name = address.name;
  }
  return name + " <" + address.email + ">";
}

std::string quoted_printable(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  std::size_t line = 0;  // characters on the current output line
  auto emit = [&](std::string_view piece) {
    if (line + piece.size() > 75) {  // 75 + the soft break's '=' = 76
      out += "=\r\n";
      line = 0;
    }
    out += piece;
    line += piece.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\r\n";
      line = 0;
      continue;
    }
    if (c == '\r') continue;
    const bool at_line_end = i + 1 == text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
    const bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    // A line that starts with '.' is fine for SMTP (libcurl dot-stuffs) but "From " at a line
    // start is mangled by some mailboxes: encode its F.
    const bool from_line = c == 'F' && line == 0 && text.substr(i).starts_with("From ");
    if (literal && !from_line) {
      const char s[1] = {static_cast<char>(c)};
      emit(std::string_view(s, 1));
    } else {
      const char s[3] = {'=', hex[c >> 4], hex[c & 0xF]};
      emit(std::string_view(s, 3));
    }
  }
  return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point when, std::string_view zone) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(when);
  try {
    return date::format("%a, %d %b %Y %T %z", date::make_zoned(date::locate_zone(zone), seconds));
  } catch (const std::exception&) {
    return date::format("%a, %d %b %Y %T +0000", seconds);
  }
}

std::string make_message_id(std::string_view sender_email) {
  const auto at = sender_email.rfind('@');
  const std::string domain = at == std::string_view::npos ? "callplan.invalid" : std::string(sender_email.substr(at + 1));
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return "<" + date::format("%Y%m%dT%H%M%S", now) + "." + random_hex(16) + "@" + domain + ">";
}

bool is_email_address(std::string_view text) {
  const auto at = text.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == text.size() || text.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  return std::none_of(text.begin(), text.end(), [](char c) {
    return c <= ' ' || c == '<' || c == '>' || c == ',' || c == '"' || c == 0x7F;
  });
}

media::Expected<std::string, std::string> render(const MailMessage& m) {
  for (const auto* address : {&m.from, &m.to}) {
    if (!is_email_address(address->email)) {
      return media::Unexpected{"\"" + address->email + "\" is not an e-mail address"};
    }
    if (has_line_break(address->name)) return media::Unexpected{std::string("a name contains a line break")};
  }
  if (has_line_break(m.subject)) return media::Unexpected{std::string("the subject contains a line break")};
  const std::string boundary = "=_callplan_" + random_hex(24);  // "=_" never occurs in base64 or QP
  std::string out;
  out += header("From", format_address(m.from));
  out += header("To", format_address(m.to));
  out += header("Subject", encode_header_text(m.subject));
  out += header("Date", rfc5322_date(m.date, m.time_zone));
  out += header("Message-ID", make_message_id(m.from.email));
  out += "MIME-Version: 1.0\r\n";
  const std::string text_headers =
      "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n";
  if (!m.attachment) {
    out += text_headers + "\r\n" + quoted_printable(m.body) + "\r\n";
    return out;
  }
  if (!is_ascii_printable(m.attachment->file_name) || m.attachment->file_name.find('"') != std::string::npos) {
    return media::Unexpected{std::string("the attachment's file name is not plain ASCII")};
  }
  out += "Content-Type: multipart/mixed;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
  out += "This is a MIME message with an attachment.\r\n";
  out += "--" + boundary + "\r\n" + text_headers + "\r\n" + quoted_printable(m.body) + "\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: " + m.attachment->content_type + ";\r\n name=\"" + m.attachment->file_name + "\"\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "Content-Disposition: attachment;\r\n filename=\"" + m.attachment->file_name + "\"\r\n\r\n";
  out += base64(m.attachment->bytes);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace callplan::mail
