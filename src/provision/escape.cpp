#include "provision/escape.hpp"

#include <fmt/format.h>

#include "provision/provision.hpp"

namespace callplan::provision {
namespace {

// Length of the UTF-8 sequence starting at s[i], 0 when it is not well-formed (overlong forms,
// surrogates and code points above U+10FFFF included).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned cp = 0;
  unsigned min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

[[noreturn]] void refuse(std::string_view key, std::string_view why) {
  throw NotProvisionable(fmt::format("the value of `{}` {}", key, why));
}

}  // namespace

std::string xml_escape(std::string_view value, std::string_view key) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t n = utf8_length(value, i);
    if (n == 0) refuse(key, "is not valid UTF-8");
    if (n > 1) {
      out.append(value.substr(i, n));
      i += n;
      continue;
    }
    const char c = value[i++];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          refuse(key, fmt::format("contains the control character U+{:04X}, which XML cannot "
                                  "carry",
                                  static_cast<unsigned>(static_cast<unsigned char>(c))));
        }
        out += c;
    }
  }
  return out;
}

std::string key_value_text(std::string_view value, std::string_view key) {
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t n = utf8_length(value, i);
    if (n == 0) refuse(key, "is not valid UTF-8");
    const auto c = static_cast<unsigned char>(value[i]);
    if (n == 1 && (c < 0x20 || c == 0x7F)) {
      refuse(key, c == '\n' || c == '\r'
                      ? std::string("contains a line break, which a key=value file cannot carry")
                      : fmt::format("contains the control character U+{:04X}, which a key=value "
                                    "file cannot carry",
                                    static_cast<unsigned>(c)));
    }
    i += n;
  }
  if (!value.empty() && (value.front() == ' ' || value.back() == ' ')) {
    refuse(key, "starts or ends with a blank, which the phone would trim");
  }
  return std::string(value);
}

void check_key_name(std::string_view key) {
  const auto letter = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  bool ok = !key.empty() && letter(key.front());
  for (char c : key) ok = ok && (letter(c) || digit(c) || c == '.' || c == '-');
  if (!ok) {
    throw NotProvisionable(fmt::format(
        "`{}` is not a setting name (letters, digits, `_`, `.` and `-`, starting with a letter)",
        key));
  }
}

}  // namespace callplan::provision
