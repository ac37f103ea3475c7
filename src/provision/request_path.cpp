// provision/request_path.cpp — see request_path.hpp.
#include "provision/request_path.hpp"

#include <cctype>

namespace callplan::provision {
namespace {

bool contains_word(std::string_view text, std::string_view word) {
  if (word.size() > text.size()) return false;
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
    bool same = true;
    for (std::size_t j = 0; j < word.size() && same; ++j) {
      same = std::tolower(static_cast<unsigned char>(text[i + j])) == word[j];
    }
    if (same) return true;
  }
  return false;
}

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::optional<std::string> requested_file(std::string_view target) {
  if (const auto query = target.find('?'); query != std::string_view::npos) {
    target = target.substr(0, query);
  }
  if (target.size() < 2 || target.front() != '/') return std::nullopt;
  const std::string_view name = target.substr(1);
  if (name.size() > 64 || name.front() == '.') return std::nullopt;  // no "..", no hidden names
  std::string out;
  for (const char c : name) {
    const bool allowed = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' ||
                         c == '_' || c == '-';
    if (!allowed) return std::nullopt;  // '/', '%', '\\', ':', control bytes, non-ASCII
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool user_agent_matches(std::string_view user_agent, Brand brand) {
  switch (brand) {
    case Brand::yealink: return contains_word(user_agent, "yealink");
    case Brand::snom: return contains_word(user_agent, "snom");
    case Brand::grandstream: return contains_word(user_agent, "grandstream");
    case Brand::polycom:
      return contains_word(user_agent, "polycom") || contains_word(user_agent, "poly ");
    case Brand::other: return false;
  }
  return false;
}

bool names_another_mac(std::string_view file, std::string_view own_mac) {
  std::size_t run = 0;
  for (std::size_t i = 0; i <= file.size(); ++i) {
    if (i < file.size() && is_hex(file[i])) {
      ++run;
      continue;
    }
    if (run == 12) {
      const std::string_view mac = file.substr(i - 12, 12);
      // Zeros first: the shared names (Polycom's 000000000000.cfg, Yealink's y0000000000XX.cfg
      // per model), not a phone.
      if (mac != own_mac && !mac.starts_with("0000000000")) return true;
    }
    run = 0;
  }
  return false;
}

}  // namespace callplan::provision
