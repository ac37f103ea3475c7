#include "sip/host.hpp"

#include "sip/scanner.hpp"

namespace callplan::sip {

using detail::is_digit;
using detail::is_hex;

bool is_ipv4_address(std::string_view text) noexcept {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t digits = 0;
    unsigned value = 0;
    while (i < text.size() && is_digit(text[i])) {
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
      ++digits;
      ++i;
      if (digits > 3) return false;
    }
    if (digits == 0 || value > 255) return false;
    ++parts;
    if (i == text.size()) break;
    if (text[i] != '.' || parts == 4) return false;
    ++i;
  }
  return parts == 4;
}

bool is_ipv6_address(std::string_view text) noexcept {
  if (text.size() < 2 || text.size() > 45) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (text.starts_with("::")) {
    compressed = true;
    i = 2;
    if (i == text.size()) return true;  // "::"
  } else if (text.front() == ':') {
    return false;
  }
  while (i < text.size()) {
    // One group, or the trailing IPv4 part.
    std::size_t j = i;
    while (j < text.size() && is_hex(text[j])) ++j;
    if (j < text.size() && text[j] == '.') {
      if (!is_ipv4_address(text.substr(i))) return false;
      groups += 2;
      i = text.size();
      break;
    }
    const std::size_t len = j - i;
    if (len == 0 || len > 4) return false;
    ++groups;
    i = j;
    if (i == text.size()) break;
    if (text[i] != ':') return false;
    ++i;
    if (i < text.size() && text[i] == ':') {
      if (compressed) return false;  // a second "::" (or ":::")
      compressed = true;
      ++i;
      if (i == text.size()) break;
    } else if (i == text.size()) {
      return false;  // trailing single ':'
    }
    if (text[i] == ':') return false;  // ":::"
  }
  return compressed ? groups <= 7 : groups == 8;
}

bool is_hostname(std::string_view text) noexcept {
  if (text.empty() || text.size() > 255) return false;
  if (text.back() == '.') text.remove_suffix(1);
  if (text.empty()) return false;
  std::string_view last_label;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('.', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view label = text.substr(start, end - start);
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!detail::has_class(c, detail::kAlpha | detail::kDigit) && c != '-') return false;
    }
    last_label = label;
    start = end + 1;
  }
  // toplabel must start with a letter; a numeric last label means an IPv4 literal.
  if (is_digit(last_label.front())) return is_ipv4_address(text);
  return true;
}

HostKind classify_host(std::string_view text) noexcept {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    return is_ipv6_address(text.substr(1, text.size() - 2)) ? HostKind::ipv6 : HostKind::none;
  }
  if (is_ipv4_address(text)) return HostKind::ipv4;
  if (is_hostname(text)) return HostKind::hostname;
  return HostKind::none;
}

bool is_broadcast_or_multicast(std::string_view host) noexcept {
  if (!is_ipv4_address(host)) return false;
  if (host == "255.255.255.255" || host == "0.0.0.0") return true;
  unsigned first = 0;
  for (char c : host) {
    if (c == '.') break;
    first = first * 10 + static_cast<unsigned>(c - '0');
  }
  return first >= 224 && first <= 239;
}

bool split_host_port(std::string_view text, std::string_view& host, HostKind& kind,
                     std::uint16_t& port) noexcept {
  std::size_t host_end = 0;
  if (!text.empty() && text.front() == '[') {
    host_end = text.find(']');
    if (host_end == std::string_view::npos) return false;
    ++host_end;
  } else {
    host_end = text.find(':');
    if (host_end == std::string_view::npos) host_end = text.size();
  }
  host = text.substr(0, host_end);
  kind = classify_host(host);
  if (kind == HostKind::none) return false;
  port = 0;
  if (host_end == text.size()) return true;
  if (text[host_end] != ':') return false;
  std::uint64_t value = 0;
  if (!detail::parse_uint(text.substr(host_end + 1), 65535, value) || value == 0) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace callplan::sip
