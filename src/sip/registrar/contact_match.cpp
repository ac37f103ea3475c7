#include "sip/registrar/contact_match.hpp"

#include <array>
#include <optional>
#include <string>

#include "sip/scanner.hpp"

namespace callplan::sip {
namespace {

// RFC 3261 19.1.4: these parameters make URIs differ even when only one of them has it.
constexpr std::array<std::string_view, 5> kMustMatch = {"user", "ttl", "method", "maddr",
                                                        "transport"};

bool must_match(std::string_view name) {
  for (std::string_view m : kMustMatch) {
    if (detail::iequals(name, m)) return true;
  }
  return false;
}

// Parameter names and values compare case-insensitively after %-decoding.
bool same_text_ignoring_case(std::string_view a, std::string_view b) {
  if (a.find('%') == std::string_view::npos && b.find('%') == std::string_view::npos) {
    return detail::iequals(a, b);
  }
  return detail::iequals(unescape(a), unescape(b));
}

bool same_escaped(std::string_view a, std::string_view b) {
  if (a == b) return true;
  return unescape(a) == unescape(b);
}

// Every parameter of `from` agrees with `to`: a must-match one exists in `to` with the same
// value; any other one is either missing from `to` or has the same value there.
bool params_agree(const ParamList& from, const ParamList& to) {
  bool agree = true;
  from.for_each([&](const Param& p) {
    const std::optional<std::string_view> other = to.value(p.name);
    if (!other) {
      agree = !must_match(p.name);
    } else {
      agree = same_text_ignoring_case(p.value, *other);
    }
    return agree;
  });
  return agree;
}

}  // namespace

bool same_contact_uri(const Uri& a, const Uri& b) {
  if (a.scheme != b.scheme) return false;
  if (!a.is_sip()) return a.text == b.text;  // not bindable; equal only when identical
  if (a.has_userinfo != b.has_userinfo) return false;
  if (!same_escaped(a.user, b.user) || !same_escaped(a.password, b.password)) return false;
  if (!detail::iequals(a.host, b.host) || a.port != b.port) return false;
  if (a.headers != b.headers) return false;
  return params_agree(a.params, b.params) && params_agree(b.params, a.params);
}

}  // namespace callplan::sip
