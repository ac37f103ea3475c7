#include "model/phone_number.hpp"

#include <array>

#include "model/words.hpp"

namespace callplan {

namespace {

// Just enough of each national numbering plan to turn a national number into E.164: the
// country code, the prefixes dialled before national and international numbers, and the
// lengths of the national significant number (the digits after the trunk prefix).
struct NumberingPlan {
  std::string_view country;
  std::string_view country_code;
  std::string_view trunk_prefix;
  std::string_view international_prefix;
  std::size_t min_length;
  std::size_t max_length;
};

constexpr std::array<NumberingPlan, 9> kPlans = {{
    {"NL", "31", "0", "00", 9, 9},
    {"BE", "32", "0", "00", 8, 9},
    {"DE", "49", "0", "00", 6, 13},
    {"GB", "44", "0", "00", 9, 10},
    {"FR", "33", "0", "00", 9, 9},
    {"US", "1", "1", "011", 10, 10},
    {"CA", "1", "1", "011", 10, 10},
    {"AT", "43", "0", "00", 4, 13},
    {"CH", "41", "0", "00", 9, 9},
}};

const NumberingPlan* find_plan(std::string_view country) {
  std::string upper(country);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  for (const NumberingPlan& p : kPlans) {
    if (p.country == upper) return &p;
  }
  return nullptr;
}

bool is_separator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')';
}

}  // namespace

bool is_e164(std::string_view text) {
  if (text.size() < 9 || text.size() > 16 || text.front() != '+') return false;
  std::string_view digits = text.substr(1);
  return is_digits(digits) && digits.front() != '0';
}

bool is_dialable(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  return is_digits(text);
}

bool looks_like_number(std::string_view text) {
  std::size_t digits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '+') {
      // Only as the first character that is not a separator.
      for (std::size_t j = 0; j < i; ++j) {
        if (!is_separator(text[j])) return false;
      }
    } else if (!is_separator(c)) {
      return false;
    }
  }
  return digits >= 3;
}

std::string clean_number(std::string_view text) {
  std::string out;
  std::string_view rest = text;
  bool international = false;
  while (!rest.empty()) {
    if (international && rest.substr(0, 3) == "(0)") {
      rest.remove_prefix(3);
      continue;
    }
    char c = rest.front();
    rest.remove_prefix(1);
    if (c == '+' || (c >= '0' && c <= '9')) {
      out.push_back(c);
      international = international || c == '+';
    }
  }
  return out;
}

bool is_supported_country(std::string_view country) { return find_plan(country) != nullptr; }

std::optional<std::string> to_e164(std::string_view written, std::string_view country) {
  if (!is_dialable(written)) return std::nullopt;
  if (written.front() == '+') {
    if (!is_e164(written)) return std::nullopt;
    return std::string(written);
  }
  const NumberingPlan* plan = find_plan(country);
  if (plan == nullptr) return std::nullopt;
  auto e164 = [](std::string_view digits) -> std::optional<std::string> {
    std::string candidate = "+" + std::string(digits);
    if (!is_e164(candidate)) return std::nullopt;
    return candidate;
  };
  if (written.substr(0, plan->international_prefix.size()) == plan->international_prefix) {
    return e164(written.substr(plan->international_prefix.size()));
  }
  std::string_view national = written;
  if (national.substr(0, plan->trunk_prefix.size()) == plan->trunk_prefix) {
    national.remove_prefix(plan->trunk_prefix.size());
  } else if (plan->trunk_prefix != plan->country_code) {
    // Outside North America, a national number always starts with the trunk prefix.
    return std::nullopt;
  }
  if (national.size() < plan->min_length || national.size() > plan->max_length) {
    return std::nullopt;
  }
  if (national.front() == '0') return std::nullopt;
  return e164(std::string(plan->country_code) + std::string(national));
}

}  // namespace callplan
