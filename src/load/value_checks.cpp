// Syntax checks of extensions, numbers and ids, as issues at the value's place.
#include <fmt/format.h>

#include "model/phone_number.hpp"
#include "load/readers.hpp"
#include "load/value_syntax.hpp"

namespace callplan::load {

bool check_extension(Reader& reader, const YamlNode& at, std::string_view text,
                     std::string_view field) {
  if (is_extension(text)) return true;
  Issue& issue = reader.report(
      "CP120", fmt::format("`{}` is not a valid extension for `{}`; an extension is 2 to 6 digits",
                           text, field),
      at);
  std::string digits = clean_number(text);
  if (digits != text && is_extension(digits)) {
    issue.hints.push_back(fmt::format("write it without spaces: {}", digits));
  }
  return false;
}

bool check_external_number(Reader& reader, const YamlNode& at, std::string_view text,
                           std::string_view field) {
  if (is_dialable(text) && text != "+") return true;
  if (looks_like_number(text)) {
    Issue& issue = reader.report(
        "CP121",
        fmt::format("`{}` in `{}` has characters a phone cannot dial; write digits only", text,
                    field),
        at);
    issue.hints.push_back(fmt::format("write it without spaces: {}", clean_number(text)));
  } else {
    reader.report("CP121", fmt::format("`{}` in `{}` is not a phone number", text, field), at);
  }
  return false;
}

bool check_target(Reader& reader, const YamlNode& at, std::string_view text,
                  std::string_view field) {
  if (is_extension(text)) return true;
  if (is_dialable(text)) {
    std::string_view digits = text.front() == '+' ? text.substr(1) : text;
    if (digits.size() >= 3 && digits.size() <= 15) return true;
    reader.report("CP121",
                  fmt::format("`{}` in `{}` is neither an extension (2-6 digits) nor a phone "
                              "number (3-15 digits)",
                              text, field),
                  at);
    return false;
  }
  return check_external_number(reader, at, text, field);
}

bool check_identifier(Reader& reader, const YamlNode& at, std::string_view text,
                      std::string_view field) {
  if (is_identifier(text)) return true;
  Issue& issue = reader.report(
      "CP122",
      fmt::format("`{}` is not a valid {}; use letters, digits, `_` and `-` only", text, field),
      at);
  std::string fixed;
  for (char c : text) {
    if (is_identifier(std::string_view(&c, 1))) {
      fixed.push_back(c);
    } else if (c == ' ' || c == '.') {
      fixed.push_back('-');
    }
  }
  if (!fixed.empty()) issue.hints.push_back(fmt::format("for example `{}`", fixed));
  return false;
}

}  // namespace callplan::load
