#include "format/source_excerpt.hpp"

namespace callplan::detail {
namespace {

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

// Is byte `pos` inside a flow collection ([...] or {...})? Decides whether `,` ends a plain
// scalar: in `members: [001, 002]` it does, in `label: Sales, NL` it does not.
bool inside_flow(std::string_view line, std::size_t pos) {
  int depth = 0;
  char quote = 0;
  for (std::size_t i = 0; i < pos && i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == '#' && (i == 0 || line[i - 1] == ' ')) {
      break;  // a comment: nothing after it opens a collection
    }
  }
  return depth > 0;
}

std::size_t end_of_quoted(std::string_view line, std::size_t begin) {
  char quote = line[begin];
  for (std::size_t i = begin + 1; i < line.size(); ++i) {
    if (quote == '"' && line[i] == '\\') {
      ++i;
    } else if (line[i] == quote) {
      // In single quotes '' is an escaped quote, not the end.
      if (quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
        ++i;
        continue;
      }
      return i + 1;
    }
  }
  return line.size();
}

std::size_t end_of_collection(std::string_view line, std::size_t begin) {
  int depth = 0;
  for (std::size_t i = begin; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"' || c == '\'') {
      i = end_of_quoted(line, i) - 1;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) return i + 1;
    }
  }
  return line.size();
}

std::size_t end_of_plain(std::string_view line, std::size_t begin) {
  const bool flow = inside_flow(line, begin);
  std::size_t i = begin;
  for (; i < line.size(); ++i) {
    char c = line[i];
    bool next_is_blank = i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t';
    if (c == ':' && next_is_blank) break;
    if (c == '#' && i > begin && (line[i - 1] == ' ' || line[i - 1] == '\t')) break;
    if (flow && (c == ',' || c == ']' || c == '}')) break;
  }
  while (i > begin && (line[i - 1] == ' ' || line[i - 1] == '\t')) --i;
  return i;
}

}  // namespace

std::string_view source_line(const FileReport& report, const Location& at) {
  if (report.sources == nullptr || !at.known()) return {};
  return report.sources->line_text(at.file, at.line);
}

TokenSpan token_span(std::string_view line, std::size_t begin) {
  if (begin >= line.size()) return {begin, 1};
  char c = line[begin];
  std::size_t end = begin + 1;
  if (c == '"' || c == '\'') {
    end = end_of_quoted(line, begin);
  } else if (c == '[' || c == '{') {
    end = end_of_collection(line, begin);
  } else if ((c == '-' || c == '?') &&
             (begin + 1 == line.size() || line[begin + 1] == ' ')) {
    end = begin + 1;  // a sequence entry or complex-key indicator: point at it alone
  } else {
    end = end_of_plain(line, begin);
  }
  return {begin, end > begin ? end - begin : 1};
}

std::size_t code_point_count(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += is_continuation_byte(c) ? 0 : 1;
  return n;
}

std::uint32_t code_point_column(std::string_view line, std::uint32_t byte_column) {
  if (byte_column == 0) return 0;
  std::size_t bytes = byte_column - 1;
  if (bytes <= line.size()) {
    return static_cast<std::uint32_t>(code_point_count(line.substr(0, bytes)) + 1);
  }
  return static_cast<std::uint32_t>(code_point_count(line) + (bytes - line.size()) + 1);
}

}  // namespace callplan::detail
