#include "sip/name_addr.hpp"

#include "sip/scanner.hpp"

namespace callplan::sip {
namespace {

using namespace detail;

bool is_gen_value_char(char c) {
  // token / host: token characters plus what IPv6 references and host:port add.
  return is_token_char(c) || c == ':' || c == '[' || c == ']';
}

}  // namespace

std::string_view to_string(NameAddrError error) noexcept {
  switch (error) {
    case NameAddrError::none: return "no error";
    case NameAddrError::empty: return "empty value";
    case NameAddrError::bad_display_name: return "display name is neither tokens nor quoted";
    case NameAddrError::unterminated_quote: return "unterminated quoted display name";
    case NameAddrError::missing_laquot: return "expected '<' after the display name";
    case NameAddrError::missing_raquot: return "missing '>' after the URI";
    case NameAddrError::bad_uri: return "bad URI";
    case NameAddrError::bad_param: return "bad header parameter";
    case NameAddrError::unbracketed_special:
      return "URI with '?' or ',' must be enclosed in '<>'";
    case NameAddrError::bad_wildcard: return "'*' cannot have a display name or parameters";
  }
  return "unknown error";
}

bool valid_header_params(std::string_view raw) noexcept {
  Cursor cur{raw};
  cur.skip_lws();
  while (true) {
    if (cur.take_token().empty()) return false;
    if (cur.sep('=')) {
      std::string_view inside;
      if (cur.peek() == '"') {
        if (!cur.take_quoted(inside)) return false;
      } else if (cur.take_while(is_gen_value_char).empty()) {
        return false;
      }
    }
    cur.skip_lws();
    if (cur.done()) return true;
    if (!cur.eat(';')) return false;
    cur.skip_lws();
  }
}

NameAddrError parse_name_addr(std::string_view value, NameAddr& out, NameAddrOptions options,
                              UriError* uri_error) noexcept {
  out = NameAddr{};
  value = trim_lws(value);
  out.text = value;
  if (value.empty()) return NameAddrError::empty;
  if (value.front() == '*' && options.allow_wildcard) {
    if (trim_lws(value.substr(1)).empty()) {
      out.wildcard = true;
      return NameAddrError::none;
    }
    // "*;expires=0" or "* foo": the wildcard takes nothing else.
    if (!is_token_char(value.size() > 1 ? value[1] : ' ')) return NameAddrError::bad_wildcard;
  }
  Cursor cur{value};
  bool name_addr = false;
  if (cur.peek() == '"') {
    std::string_view inside;
    if (!cur.take_quoted(inside)) return NameAddrError::unterminated_quote;
    out.display_name = inside;
    out.display_quoted = true;
    cur.skip_lws();
    if (cur.peek() != '<') return NameAddrError::missing_laquot;
    name_addr = true;
  } else if (cur.peek() == '<') {
    name_addr = true;
  } else {
    // *(token LWS) then '<' makes a name-addr; anything else is an addr-spec.
    const std::size_t start = cur.i;
    std::size_t last_token_end = start;
    while (true) {
      if (cur.take_token().empty()) break;
      last_token_end = cur.i;
      cur.skip_lws();
    }
    if (cur.peek() == '<' && last_token_end > start) {
      out.display_name = value.substr(start, last_token_end - start);
      name_addr = true;
    } else {
      cur.i = start;
      // An addr-spec starts with a scheme; "Bell, Alexander <...>" (RFC 4475 baddn) gets here
      // and fails, as does anything with a stray '<' later on.
      if (value.substr(0, value.find(';')).find('<') != std::string_view::npos) {
        return NameAddrError::bad_display_name;
      }
    }
  }
  if (options.require_brackets && !name_addr) return NameAddrError::missing_laquot;
  std::string_view uri_text;
  if (name_addr) {
    cur.eat('<');
    const std::size_t close = value.find('>', cur.i);
    if (close == std::string_view::npos) return NameAddrError::missing_raquot;
    uri_text = value.substr(cur.i, close - cur.i);
    out.bracketed = true;
    cur.i = close + 1;
  } else {
    const std::size_t start = cur.i;
    while (!cur.done() && cur.peek() != ';' && !is_ws(cur.peek()) && cur.peek() != '\r') ++cur.i;
    uri_text = value.substr(start, cur.i - start);
    if (find_either(uri_text, '?', ',') != std::string_view::npos) {
      return NameAddrError::unbracketed_special;
    }
  }
  const UriError ue = parse_uri(uri_text, out.uri, options.max_uri_length);
  if (uri_error != nullptr) *uri_error = ue;
  if (ue != UriError::none) return NameAddrError::bad_uri;
  cur.skip_lws();
  if (cur.done()) return NameAddrError::none;
  if (!cur.eat(';')) return NameAddrError::bad_param;
  const std::string_view raw = cur.rest();
  if (!valid_header_params(raw)) return NameAddrError::bad_param;
  out.params = ParamList(raw, true);
  return NameAddrError::none;
}

std::optional<std::uint32_t> contact_expires(const NameAddr& contact) noexcept {
  const auto value = contact.params.value("expires");
  std::uint64_t seconds = 0;
  if (!value || !parse_uint(*value, 0xFFFFFFFFu, seconds)) return std::nullopt;
  return static_cast<std::uint32_t>(seconds);
}

int contact_q_millis(const NameAddr& contact) noexcept {
  const auto value = contact.params.value("q");
  if (!value || value->empty() || !is_digit(value->front())) return 1000;
  int millis = (value->front() - '0') * 1000;
  int scale = 100;
  for (std::size_t i = 2; i < value->size() && scale > 0; ++i, scale /= 10) {
    if (!is_digit((*value)[i])) return 1000;
    millis += ((*value)[i] - '0') * scale;
  }
  return millis > 1000 ? 1000 : millis;
}

std::string unquote(std::string_view inside) {
  std::string out;
  out.reserve(inside.size());
  for (std::size_t i = 0; i < inside.size(); ++i) {
    if (inside[i] == '\\' && i + 1 < inside.size()) ++i;
    out.push_back(inside[i]);
  }
  return out;
}

}  // namespace callplan::sip
