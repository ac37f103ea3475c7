// model/provisioning_syntax.cpp — see provisioning_syntax.hpp.
#include "model/provisioning_syntax.hpp"

#include <cctype>

#include <fmt/format.h>

namespace callplan {
namespace {

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'; }

bool plain_name(std::string_view name) {
  if (name.empty() || !name_start(name.front())) return false;
  for (char c : name) {
    if (!name_char(c)) return false;
  }
  return true;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
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

std::optional<std::string> setting_name_problem(Brand brand, std::string_view name) {
  if (brand == Brand::grandstream) {
    if (name.size() > 1 && name[0] == 'P' && all_digits(name.substr(1))) return std::nullopt;
    return fmt::format("`{}` is not a Grandstream P-value (P followed by digits, e.g. P1364)",
                       name);
  }
  if (brand == Brand::snom) {
    // fkey[2] addresses the indexed setting <fkey idx="2">.
    if (const auto open = name.find('['); open != std::string_view::npos && name.back() == ']') {
      if (!all_digits(name.substr(open + 1, name.size() - open - 2))) {
        return fmt::format("`{}`: the index in [] must be a number", name);
      }
      name = name.substr(0, open);
    }
  }
  if (plain_name(name)) return std::nullopt;
  return fmt::format(
      "`{}` is not a setting name (letters, digits, `_`, `.` and `-`, starting with a letter)",
      name);
}

std::optional<std::string> setting_value_problem(Brand brand, std::string_view value) {
  const bool key_value = brand == Brand::yealink;
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t n = utf8_sequence_length(value, i);
    if (n == 0) return std::string("is not valid UTF-8");
    const auto c = static_cast<unsigned char>(value[i]);
    i += n;
    if (n > 1) continue;
    if (key_value && (c < 0x20 || c == 0x7F)) {
      if (c == '\n' || c == '\r') {
        return std::string("contains a line break, which a key=value file cannot carry");
      }
      return fmt::format("contains the control character U+{:04X}, which a key=value file "
                         "cannot carry",
                         static_cast<unsigned>(c));
    }
    if (!key_value && c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return fmt::format("contains the control character U+{:04X}, which XML cannot carry",
                         static_cast<unsigned>(c));
    }
  }
  if (key_value && !value.empty() && (value.front() == ' ' || value.back() == ' ')) {
    return std::string("starts or ends with a blank, which the phone would trim");
  }
  return std::nullopt;
}

std::string model_key(std::string_view model) {
  std::string out;
  for (char c : model) {
    if (c == ' ' || c == '-') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace callplan
