#include "diagnostics/make_issue.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace callplan::detail {

Issue make_issue(std::string_view code, std::string message, Location location) {
  const IssueKind* kind = find_issue_kind(code);
  if (kind == nullptr) throw std::logic_error(fmt::format("unknown issue code {}", code));
  Issue issue;
  issue.severity = kind->severity;
  issue.code = std::string(code);
  issue.message = std::move(message);
  issue.location = std::move(location);
  return issue;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string_view closest(std::string_view word, std::span<const std::string_view> candidates) {
  std::string_view best;
  std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;
  for (std::string_view c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  std::string_view best = closest(word, candidates);
  return best.empty() ? std::string() : fmt::format("did you mean `{}`?", best);
}

}  // namespace callplan::detail
