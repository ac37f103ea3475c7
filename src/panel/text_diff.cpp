#include "panel/text_diff.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

#include <fmt/format.h>

namespace callplan::panel {
namespace {

constexpr std::size_t kContext = 3;
// Above this many cells the middle is shown as all removed and all added rather than aligned.
constexpr std::size_t kMaxCells = 4'000'000;

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::size_t len = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(0, len));
    text.remove_prefix(len);
  }
  return lines;
}

enum class Op : char { keep = ' ', remove = '-', add = '+' };
struct Line {
  Op op;
  std::string_view text;
};

std::vector<Line> align(const std::vector<std::string_view>& a,
                        const std::vector<std::string_view>& b) {
  std::size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  std::size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail])
    ++tail;
  std::vector<Line> out;
  for (std::size_t i = 0; i < head; ++i) out.push_back({Op::keep, a[i]});
  const std::size_t n = a.size() - head - tail, m = b.size() - head - tail;
  if (n * m <= kMaxCells) {
    // lcs[i][j]: the longest common subsequence of a[head+i..] and b[head+j..]
    std::vector<std::vector<std::uint32_t>> lcs(n + 1, std::vector<std::uint32_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
      for (std::size_t j = m; j-- > 0;)
        lcs[i][j] = a[head + i] == b[head + j] ? lcs[i + 1][j + 1] + 1
                                               : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[head + i] == b[head + j]) {
        out.push_back({Op::keep, a[head + i]});
        ++i, ++j;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        out.push_back({Op::remove, a[head + i++]});
      } else {
        out.push_back({Op::add, b[head + j++]});
      }
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) out.push_back({Op::remove, a[head + i]});
    for (std::size_t j = 0; j < m; ++j) out.push_back({Op::add, b[head + j]});
  }
  for (std::size_t i = a.size() - tail; i < a.size(); ++i) out.push_back({Op::keep, a[i]});
  return out;
}

std::string range(std::size_t start, std::size_t count) {
  // diff -u: a range of 0 lines names the line before it
  if (count == 1) return fmt::format("{}", start + 1);
  return fmt::format("{},{}", count == 0 ? start : start + 1, count);
}

}  // namespace

std::string unified_diff(std::string_view name, std::string_view before, std::string_view after) {
  if (before == after) return {};
  const std::vector<Line> lines = align(split_lines(before), split_lines(after));
  std::string out = fmt::format("--- a/{}\n+++ b/{}\n", name, name);
  std::size_t k = 0;
  while (k < lines.size()) {
    if (lines[k].op == Op::keep) {
      ++k;
      continue;
    }
    // A hunk: from kContext lines before this change to kContext lines after the last change
    // that is at most 2*kContext kept lines from the previous one.
    const std::size_t first = k >= kContext ? k - kContext : 0;
    std::size_t last = k;  // one past the hunk's last changed line
    for (std::size_t scan = k; scan < lines.size(); ++scan) {
      if (lines[scan].op != Op::keep) last = scan + 1;
      else if (scan - last >= 2 * kContext) break;
    }
    const std::size_t end = std::min(lines.size(), last + kContext);
    std::size_t a_start = 0, b_start = 0;
    for (std::size_t i = 0; i < first; ++i) {
      if (lines[i].op != Op::add) ++a_start;
      if (lines[i].op != Op::remove) ++b_start;
    }
    std::size_t a_count = 0, b_count = 0;
    std::string body;
    for (std::size_t i = first; i < end; ++i) {
      if (lines[i].op != Op::add) ++a_count;
      if (lines[i].op != Op::remove) ++b_count;
      body += static_cast<char>(lines[i].op);
      body += lines[i].text;
      if (body.back() != '\n') body += "\n\\ No newline at end of file\n";
    }
    out += fmt::format("@@ -{} +{} @@\n", range(a_start, a_count), range(b_start, b_count));
    out += body;
    k = end;
  }
  return out;
}

}  // namespace callplan::panel
