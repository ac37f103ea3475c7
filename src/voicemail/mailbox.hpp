// voicemail/mailbox.hpp — whose messages: a company (its `login`) and a user's extension.
// Both become folder names under the state directory, so they are validated here: nothing
// that could climb out of the store ("..", "/") ever reaches a path.
#pragma once

#include <compare>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace callplan::voicemail {

struct Mailbox {
  std::string company;    // tenant.login: [a-z0-9-]+
  std::string extension;  // users[].extension: 2-6 digits (callplan::is_extension)

  // nullopt unless both parts are well formed (SPEC 2).
  static std::optional<Mailbox> make(std::string_view company, std::string_view extension);
  // "acme/001", as log lines write it.
  std::string name() const { return company + "/" + extension; }
  auto operator<=>(const Mailbox&) const = default;
};

bool is_company_login(std::string_view text);  // [a-z0-9-]+, not starting with '-', <= 64

}  // namespace callplan::voicemail
