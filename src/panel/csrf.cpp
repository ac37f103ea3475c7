#include "panel/csrf.hpp"

#include <cctype>

namespace callplan::panel {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<std::string> csrf_refusal(const RequestOrigin& r) {
  if (r.method == "GET" || r.method == "HEAD") return std::nullopt;
  if (!r.fetch_site.empty() && lower(r.fetch_site) != "same-origin") return "cross-site";
  if (r.origin.empty() && r.fetch_site.empty()) return "no-origin";
  if (!r.origin.empty()) {
    const std::string expected = std::string(r.tls ? "https://" : "http://") + lower(r.host);
    if (lower(r.origin) != expected) return "bad-origin";
  }
  // "application/json" or "application/json; charset=utf-8"
  const std::string type = lower(r.content_type.substr(0, r.content_type.find(';')));
  std::string_view trimmed = type;
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
  if (trimmed != "application/json") return "not-json";
  return std::nullopt;
}

}  // namespace callplan::panel
