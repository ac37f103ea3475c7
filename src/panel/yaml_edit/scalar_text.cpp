#include "panel/yaml_edit/scalar_text.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace callplan::panel {

namespace {

bool is_control(unsigned char c) {
  return c < 0x20 || c == 0x7F;
}

}  // namespace

bool plain_safe(std::string_view text, bool in_flow) {
  if (text.empty()) return false;
  if (text == "~" || text == "null" || text == "Null" || text == "NULL") return false;
  if (text.front() == ' ' || text.back() == ' ' || text.back() == ':') return false;
  // Characters that start something else than a plain scalar. `-`, `?` and `:` may start one
  // when followed by a non-blank, but quoting them costs little and is always right.
  static constexpr std::string_view kIndicators = "-?:,[]{}#&*!|>'\"%@`";
  if (kIndicators.find(text.front()) != std::string_view::npos) return false;
  if (text.starts_with("...")) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (is_control(c)) return false;  // tabs and line breaks included
    if (c == ':' && i + 1 < text.size() && text[i + 1] == ' ') return false;
    if (c == '#' && i > 0 && text[i - 1] == ' ') return false;
    if (in_flow && (c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == ':')) {
      return false;
    }
  }
  return true;
}

bool single_quote_safe(std::string_view text) {
  for (char ch : text) {
    if (is_control(static_cast<unsigned char>(ch))) return false;
  }
  return true;
}

std::string single_quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  out += '\'';
  return out;
}

std::string double_quoted(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (is_control(c)) {
          out += fmt::format("\\x{:02X}", static_cast<unsigned>(c));
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

bool number_like(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) digits.remove_prefix(1);
  const auto all_digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (all_digits(digits))  // "+31881234567", "001", "-0": not "30", "-5"
    return text.front() == '+' || (digits.size() > 1 && digits.front() == '0');
  // YAML 1.1's base 60 ("08:30" is 510 there).
  const std::size_t colon = text.find(':');
  return colon != std::string_view::npos && all_digits(text.substr(0, colon)) &&
         all_digits(text.substr(colon + 1)) && text.size() - colon == 3;
}

std::string minimal_scalar(std::string_view text, bool in_flow) {
  // A phone number, an extension with a leading zero or a time of day is text to callplan
  // however it is written, but a plain one is a number to other YAML readers (+31881234567
  // is 31881234567, 001 is 1, 08:30 is 510 in YAML 1.1): written as the SPEC writes them.
  if (number_like(text)) return double_quoted(text);
  if (plain_safe(text, in_flow)) return std::string(text);
  if (single_quote_safe(text)) return single_quoted(text);
  return double_quoted(text);
}

std::string scalar_in_style(std::string_view text, SpanNode::Quote preferred, bool in_flow) {
  switch (preferred) {
    case SpanNode::Quote::single:
      return single_quote_safe(text) ? single_quoted(text) : double_quoted(text);
    case SpanNode::Quote::double_: return double_quoted(text);
    case SpanNode::Quote::plain:
      // The file writes it plain (`to: 001`): so does the new text, when it can.
      if (plain_safe(text, in_flow)) return std::string(text);
      break;
    case SpanNode::Quote::literal:
    case SpanNode::Quote::folded: break;
  }
  return minimal_scalar(text, in_flow);
}

}  // namespace callplan::panel
