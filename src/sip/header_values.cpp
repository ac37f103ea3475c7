#include "sip/header_values.hpp"

#include <algorithm>
#include <array>

#include "sip/name_addr.hpp"
#include "sip/scanner.hpp"

namespace callplan::sip {

using namespace detail;

bool parse_number(std::string_view value, std::uint64_t max, std::uint64_t& out) noexcept {
  return parse_uint(trim_lws(value), max, out);
}

bool parse_cseq(std::string_view value, CSeq& out) noexcept {
  Cursor cur{trim_lws(value)};
  std::uint64_t number = 0;
  if (!parse_uint(cur.take_while(is_digit), 0xFFFFFFFFu, number)) return false;
  if (!cur.skip_lws()) return false;
  out.method_text = cur.take_token();
  if (out.method_text.empty() || !cur.done()) return false;
  out.number = static_cast<std::uint32_t>(number);
  out.method = method_from_text(out.method_text);
  return true;
}

bool valid_call_id(std::string_view value) noexcept {
  value = trim_lws(value);
  const std::size_t at = value.find('@');
  const std::string_view first = value.substr(0, at);
  if (first.empty() || !all_of_class(first, kWord, false)) return false;
  if (at == std::string_view::npos) return true;
  const std::string_view second = value.substr(at + 1);
  return !second.empty() && all_of_class(second, kWord, false);
}

bool valid_media_type(std::string_view value) noexcept {
  Cursor cur{trim_lws(value)};
  if (cur.take_token().empty() || !cur.sep('/') || cur.take_token().empty()) return false;
  cur.skip_lws();
  if (cur.done()) return true;
  if (!cur.eat(';')) return false;
  return valid_header_params(cur.rest());
}

namespace {

constexpr std::array<bool, 256> make_list_special() {
  std::array<bool, 256> t{};
  for (char c : std::string_view("\"\\<>,")) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kListSpecial = make_list_special();

}  // namespace

bool ListSplitter::next(std::string_view& element) noexcept {
  if (finished_) return false;
  const std::size_t start = pos_;
  bool in_quote = false;
  bool in_angle = false;
  std::size_t i = pos_;
  for (; i < value_.size(); ++i) {
    const char c = value_[i];
    // Most bytes are none of the five that matter: one table lookup skips them.
    if (!kListSpecial[static_cast<unsigned char>(c)]) continue;
    if (in_quote) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_quote = false;
      }
    } else if (c == '"') {
      in_quote = true;
    } else if (c == '<') {
      in_angle = true;
    } else if (c == '>') {
      in_angle = false;
    } else if (c == ',' && !in_angle) {
      break;
    }
  }
  if (in_quote || in_angle) malformed_ = true;
  element = trim_lws(value_.substr(start, std::min(i, value_.size()) - start));
  if (i >= value_.size()) {
    finished_ = true;
  } else {
    pos_ = i + 1;
  }
  if (element.empty()) malformed_ = true;
  return true;
}

}  // namespace callplan::sip
