#include "sip/uri.hpp"

#include "sip/scanner.hpp"

namespace callplan::sip {
namespace {

using namespace detail;

bool is_scheme(std::string_view s) {
  if (s.empty() || !is_alpha(s.front())) return false;
  return all_of_class(s.substr(1), kSchemeTail, false);
}

// uri-parameters: *( ";" pname [ "=" pvalue ] ), pname/pvalue = 1*paramchar.
bool valid_uri_params(std::string_view raw) {
  if (raw.empty()) return false;  // a ';' with nothing after it
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t end = raw.find(';', start);
    if (end == std::string_view::npos) end = raw.size();
    const std::string_view param = raw.substr(start, end - start);
    const std::size_t eq = param.find('=');
    const std::string_view name = param.substr(0, eq);
    constexpr std::uint16_t kParamChar = kUnreserved | kParamUnreserved;
    if (name.empty() || !all_of_class(name, kParamChar, true)) return false;
    if (eq != std::string_view::npos) {
      const std::string_view value = param.substr(eq + 1);
      if (value.empty() || !all_of_class(value, kParamChar, true)) return false;
    }
    start = end + 1;
  }
  return true;
}

// headers = header *( "&" header ); header = hname "=" hvalue.
bool valid_uri_headers(std::string_view raw) {
  if (raw.empty()) return false;
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t end = raw.find('&', start);
    if (end == std::string_view::npos) end = raw.size();
    const std::string_view header = raw.substr(start, end - start);
    const std::size_t eq = header.find('=');
    if (eq == std::string_view::npos || eq == 0) return false;
    constexpr std::uint16_t kHnvChar = kUnreserved | kHnvUnreserved;
    if (!all_of_class(header.substr(0, eq), kHnvChar, true)) return false;
    if (!all_of_class(header.substr(eq + 1), kHnvChar, true)) return false;
    start = end + 1;
  }
  return true;
}

UriError parse_sip_body(std::string_view body, Uri& out) {
  // The first '@' ends the userinfo: neither user, password, host, parameters nor headers may
  // contain a raw '@' (they must escape it).
  const std::size_t at = body.find('@');
  std::string_view rest = body;
  if (at != std::string_view::npos) {
    const std::string_view userinfo = body.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    out.user = userinfo.substr(0, colon);
    if (out.user.empty() || !all_of_class(out.user, kUnreserved | kUserUnreserved, true)) {
      return UriError::bad_user;
    }
    if (colon != std::string_view::npos) {
      out.password = userinfo.substr(colon + 1);
      if (!all_of_class(out.password, kUnreserved | kPassword, true)) {
        return UriError::bad_password;
      }
    }
    out.has_userinfo = true;
    rest = body.substr(at + 1);
  }
  // hostport ends at ';' or '?'.
  std::size_t hp_end = 0;
  if (!rest.empty() && rest.front() == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return UriError::bad_host;
    hp_end = close + 1;
  }
  hp_end = find_either(rest, ';', '?', hp_end);
  if (hp_end == std::string_view::npos) hp_end = rest.size();
  const std::string_view hostport = rest.substr(0, hp_end);
  std::uint16_t port = 0;
  if (!split_host_port(hostport, out.host, out.host_kind, port)) {
    // Distinguish a bad port from a bad host for the error text.
    return (out.host_kind != HostKind::none) ? UriError::bad_port : UriError::bad_host;
  }
  out.port = port;
  rest = rest.substr(hp_end);
  if (!rest.empty() && rest.front() == ';') {
    std::size_t q = rest.find('?');
    if (q == std::string_view::npos) q = rest.size();
    const std::string_view raw = rest.substr(1, q - 1);
    if (!valid_uri_params(raw)) return UriError::bad_param;
    out.params = ParamList(raw, false);
    rest = rest.substr(q);
  }
  if (!rest.empty()) {  // starts with '?'
    out.headers = rest.substr(1);
    if (!valid_uri_headers(out.headers)) return UriError::bad_header;
  }
  return UriError::none;
}

}  // namespace

std::string_view to_string(UriError error) noexcept {
  switch (error) {
    case UriError::none: return "no error";
    case UriError::too_long: return "URI longer than the limit";
    case UriError::bad_scheme: return "bad or missing URI scheme";
    case UriError::bad_user: return "bad character in the URI user part";
    case UriError::bad_password: return "bad character in the URI password";
    case UriError::bad_host: return "bad URI host";
    case UriError::bad_port: return "bad URI port";
    case UriError::bad_param: return "bad URI parameter";
    case UriError::bad_header: return "bad URI header";
    case UriError::bad_opaque: return "bad character in the URI";
  }
  return "unknown URI error";
}

bool is_sip_scheme(std::string_view scheme_text) noexcept {
  return iequals(scheme_text, "sip") || iequals(scheme_text, "sips");
}

UriError parse_uri(std::string_view text, Uri& out, std::size_t max_length) noexcept {
  out = Uri{};
  out.text = text;
  if (text.size() > max_length) return UriError::too_long;
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return UriError::bad_scheme;
  out.scheme_text = text.substr(0, colon);
  if (!is_scheme(out.scheme_text)) return UriError::bad_scheme;
  const std::string_view body = text.substr(colon + 1);
  if (iequals(out.scheme_text, "sip")) {
    out.scheme = Scheme::sip;
  } else if (iequals(out.scheme_text, "sips")) {
    out.scheme = Scheme::sips;
  } else if (iequals(out.scheme_text, "tel")) {
    out.scheme = Scheme::tel;
  }
  if (out.is_sip()) return parse_sip_body(body, out);
  // tel and unknown schemes: opaque, but still only URI characters (no LWS, quotes, '<' '>').
  out.opaque = body;
  if (body.empty() || !all_of_class(body, kUric, true)) return UriError::bad_opaque;
  return UriError::none;
}

std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && is_hex(text[i + 1]) && is_hex(text[i + 2])) {
      auto nibble = [](char c) {
        return is_digit(c) ? c - '0' : to_lower(c) - 'a' + 10;
      };
      out.push_back(static_cast<char>(nibble(text[i + 1]) * 16 + nibble(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace callplan::sip
