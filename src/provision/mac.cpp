#include "provision/mac.hpp"

#include <cctype>

namespace callplan::provision {
namespace {

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Groups of `group` hex digits separated by `sep` (no separator when sep == 0).
std::optional<std::string> read_groups(std::string_view s, char sep, std::size_t group) {
  std::string hex;
  std::size_t in_group = 0;
  for (char c : s) {
    if (sep != 0 && c == sep) {
      if (in_group != group) return std::nullopt;
      in_group = 0;
      continue;
    }
    if (!is_hex(c)) return std::nullopt;
    hex += lower(c);
    ++in_group;
  }
  if (hex.size() != 12 || (sep != 0 && in_group != group)) return std::nullopt;
  return hex;
}

}  // namespace

std::optional<std::string> normalise_mac(std::string_view written) {
  std::optional<std::string> hex;
  if (written.size() == 12) {
    hex = read_groups(written, 0, 12);
  } else if (written.size() == 17 && written[2] == ':') {
    hex = read_groups(written, ':', 2);
  } else if (written.size() == 17 && written[2] == '-') {
    hex = read_groups(written, '-', 2);
  }
  if (hex && *hex == "000000000000") return std::nullopt;
  return hex;
}

}  // namespace callplan::provision
