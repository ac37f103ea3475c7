#include "voicemail/mailbox.hpp"

#include <algorithm>

#include "model/words.hpp"

namespace callplan::voicemail {

bool is_company_login(std::string_view text) {
  if (text.empty() || text.size() > 64 || text.front() == '-') return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

std::optional<Mailbox> Mailbox::make(std::string_view company, std::string_view extension) {
  if (!is_company_login(company) || !callplan::is_extension(extension)) return std::nullopt;
  return Mailbox{std::string(company), std::string(extension)};
}

}  // namespace callplan::voicemail
