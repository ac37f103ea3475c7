#include "graph/display.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "callplan/graph.hpp"

namespace callplan {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Dutch area codes of two digits (the rest have three), plus the two-digit non-geographic
// ranges (84, 85, 87, 88 company numbers, 91). Mobile numbers (6) are grouped 6 xxxx xxxx.
constexpr std::array<std::string_view, 35> kDutchTwoDigitAreas = {
    "10", "13", "15", "20", "23", "24", "26", "30", "33", "35", "36", "38",
    "40", "43", "45", "46", "50", "53", "55", "58", "70", "71", "72", "73",
    "74", "75", "76", "77", "78", "79", "84", "85", "87", "88", "91"};

}  // namespace

std::string display_number(std::string_view number) {
  // Only Dutch numbers are grouped: the example tenants are Dutch and a wrong grouping for
  // another country would be worse than none.
  if (number.size() != 12 || number.substr(0, 3) != "+31" || !all_digits(number.substr(1))) {
    return std::string(number);
  }
  std::string_view rest = number.substr(3);  // nine digits
  if (rest[0] == '6') {
    return fmt::format("+31 6 {} {}", rest.substr(1, 4), rest.substr(5));
  }
  const bool two = std::find(kDutchTwoDigitAreas.begin(), kDutchTwoDigitAreas.end(),
                             rest.substr(0, 2)) != kDutchTwoDigitAreas.end();
  if (two) return fmt::format("+31 {} {} {}", rest.substr(0, 2), rest.substr(2, 3), rest.substr(5));
  return fmt::format("+31 {} {} {}", rest.substr(0, 3), rest.substr(3, 3), rest.substr(6));
}

namespace graph_detail {

People::People(const Tenant& tenant) {
  for (const User& u : tenant.users) {
    std::string name = u.first_name;
    if (!u.last_name.empty()) name += (name.empty() ? "" : " ") + u.last_name;
    names_.emplace(u.extension.value, std::move(name));
  }
}

std::string People::user(std::string_view extension) const {
  auto it = names_.find(extension);
  if (it == names_.end() || it->second.empty()) return std::string(extension);
  return fmt::format("{} {}", extension, it->second);
}

std::string People::target(std::string_view written) const {
  if (is_user(written)) return user(written);
  return display_number(written);
}

std::string strategy_words(Strategy strategy) {
  std::string s(to_string(strategy));
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

std::string seconds(std::uint32_t s) { return fmt::format("{} s", s); }

}  // namespace graph_detail
}  // namespace callplan
