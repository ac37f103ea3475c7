#include "voicemail/mailbox.hpp"

#include <algorithm>

namespace callplan::voicemail {

bool is_company_login(std::string_view text) {
  if (text.empty() || text.size() > 64 || text.front() == '-') return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool is_extension(std::string_view text) {
  if (text.empty() || text.size() > 16) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<Mailbox> Mailbox::make(std::string_view company, std::string_view extension) {
  if (!is_company_login(company) || !is_extension(extension)) return std::nullopt;
  return Mailbox{std::string(company), std::string(extension)};
}

}  // namespace callplan::voicemail
