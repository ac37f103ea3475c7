#include "callplan/diagnostics.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "diagnostics/place_text.hpp"
namespace callplan {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

bool has_errors(const Issues& issues) {
  return std::any_of(issues.begin(), issues.end(),
                     [](const Issue& i) { return i.severity == Severity::error; });
}

std::size_t count(const Issues& issues, Severity s) {
  return static_cast<std::size_t>(std::count_if(
      issues.begin(), issues.end(), [s](const Issue& i) { return i.severity == s; }));
}

std::string to_string(const Issue& issue) {
  std::string place = detail::place_text(issue.location);
  if (!place.empty()) place += ": ";
  return fmt::format("{}{}: {} [{}]", place, to_string(issue.severity), issue.message,
                     issue.code);
}

const std::vector<IssueKind>& issue_kinds() {
  static const std::vector<IssueKind> kinds = [] {
    std::vector<IssueKind> v = {
#define CALLPLAN_ISSUE(code, name, severity, summary) \
  IssueKind{#code, name, Severity::severity, summary},
#include "codes.def"
#undef CALLPLAN_ISSUE
    };
    std::sort(v.begin(), v.end(),
              [](const IssueKind& a, const IssueKind& b) { return a.code < b.code; });
    return v;
  }();
  return kinds;
}

const IssueKind* find_issue_kind(std::string_view code) {
  const auto& kinds = issue_kinds();
  auto it = std::lower_bound(kinds.begin(), kinds.end(), code,
                             [](const IssueKind& k, std::string_view c) { return k.code < c; });
  return it != kinds.end() && it->code == code ? &*it : nullptr;
}

}  // namespace callplan
