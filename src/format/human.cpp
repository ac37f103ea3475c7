// The `human` format: what a PBX administrator reads in a terminal. Modelled on GCC and rustc:
// the location first (so editors can jump to it), then the offending line with the token
// underlined, then related places and hints, and one summary line at the end.
#include <algorithm>

#include <fmt/format.h>

#include "callplan/report.hpp"
#include "diagnostics/place_text.hpp"
#include "format/source_excerpt.hpp"

namespace callplan {
namespace {

// ANSI SGR sequences, the colours GCC uses so that they look familiar.
constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kRed = "\x1b[1;31m";
constexpr std::string_view kMagenta = "\x1b[1;35m";
constexpr std::string_view kCyan = "\x1b[1;36m";
constexpr std::string_view kGreen = "\x1b[1;32m";

constexpr std::size_t kMinGutter = 4;  // line numbers up to 9999 keep the bars aligned

class Painter {
 public:
  explicit Painter(bool color) : color_(color) {}

  std::string operator()(std::string_view style, std::string_view text) const {
    if (!color_ || text.empty()) return std::string(text);
    return fmt::format("{}{}{}", style, text, kReset);
  }

 private:
  bool color_;
};

std::string_view severity_style(Severity s) {
  switch (s) {
    case Severity::error: return kRed;
    case Severity::warning: return kMagenta;
    case Severity::note: return kCyan;
  }
  return kRed;
}

std::string place(const Location& at) {
  std::string where = detail::place_text(at);
  return where.empty() ? where : where + ":";
}

// "file:line:col: <label>: message" with the place in bold and the label in its colour.
std::string headline(const Painter& paint, const Location& at, std::string_view label,
                     std::string_view label_style, std::string_view message) {
  std::string where = place(at);
  return fmt::format("{}{}{} {}", paint(kBold, where), where.empty() ? "" : " ",
                     paint(label_style, fmt::format("{}:", label)), message);
}

// "  12 |     stratgy: ring_all" and "     |     ^~~~~~~". The caret line copies the tabs of
// the source line and skips UTF-8 continuation bytes so the caret sits under the token in any
// terminal.
std::string excerpt(const Painter& paint, std::string_view line, const Location& at) {
  if (line.empty()) return {};
  std::string number = std::to_string(at.line);
  std::size_t gutter = std::max(kMinGutter, number.size());
  std::size_t begin = at.column == 0 ? 0 : at.column - 1;
  detail::TokenSpan token = detail::token_span(line, begin);

  std::string pad;
  for (std::size_t i = 0; i < std::min(begin, line.size()); ++i) {
    char c = line[i];
    if (c == '\t') {
      pad += '\t';
    } else if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) {
      pad += ' ';
    }
  }
  if (begin > line.size()) pad.append(begin - line.size(), ' ');

  std::size_t width = 1;
  if (token.begin < line.size()) {
    width = std::max<std::size_t>(1, detail::code_point_count(line.substr(token.begin, token.length)));
  }
  // Built in place: `"^" + std::string(...)` trips a GCC 12 -Wrestrict false positive at -O3.
  std::string marker(width, '~');
  marker[0] = '^';
  return fmt::format("{:>{}} | {}\n{:>{}} | {}{}\n", number, gutter, line, "", gutter, pad,
                     paint(kGreen, marker));
}

std::string aside(const Painter& paint, std::string_view label, std::string_view style,
                  std::string_view text) {
  return fmt::format("{:>{}} = {} {}\n", "", kMinGutter, paint(style, fmt::format("{}:", label)),
                     text);
}

}  // namespace

std::string format_human(const std::vector<FileReport>& files, bool color) {
  if (files.empty()) return {};  // nothing was checked: "no problems" would be misleading
  const Painter paint(color);
  std::string out;
  for (const FileReport& file : files) {
    for (const Issue& issue : file.issues) {
      out += headline(paint, issue.location, to_string(issue.severity),
                      severity_style(issue.severity),
                      fmt::format("{} [{}]", issue.message, issue.code));
      out += '\n';
      out += excerpt(paint, detail::source_line(file, issue.location), issue.location);
      for (const Note& note : issue.notes) {
        if (note.location.file.empty()) {
          out += aside(paint, "note", kCyan, note.message);
          continue;
        }
        out += headline(paint, note.location, "note", kCyan, note.message);
        out += '\n';
        out += excerpt(paint, detail::source_line(file, note.location), note.location);
      }
      for (const std::string& hint : issue.hints) out += aside(paint, "hint", kGreen, hint);
    }
  }
  out += paint(kBold, summary_line(files));
  out += '\n';
  return out;
}

}  // namespace callplan
