// The `github` format: GitHub Actions workflow commands, which the runner turns into
// annotations on the pull request. Notes and hints cannot be annotations of their own without
// cluttering the diff, so they become extra lines of the message.
#include <fmt/format.h>

#include "callplan/report.hpp"
#include "diagnostics/place_text.hpp"

namespace callplan {
namespace {

// Escaping per the runner's rules (actions/toolkit, command.ts): data escapes %, CR, LF;
// property values additionally ':' and ','.
std::string escape_data(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_property(std::string_view text) {
  std::string out;
  for (char c : escape_data(text)) {
    switch (c) {
      case ':': out += "%3A"; break;
      case ',': out += "%2C"; break;
      default: out += c;
    }
  }
  return out;
}

std::string_view command(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "notice";
  }
  return "error";
}

std::string place(const Location& at) {
  std::string where = detail::place_text(at);
  return where.empty() ? where : fmt::format(" ({})", where);
}

}  // namespace

std::string format_github(const std::vector<FileReport>& files) {
  std::string out;
  for (const FileReport& file : files) {
    for (const Issue& issue : file.issues) {
      std::vector<std::string> properties;
      if (!issue.location.file.empty()) {
        properties.push_back(fmt::format("file={}", escape_property(issue.location.file)));
        if (issue.location.known()) {
          properties.push_back(fmt::format("line={}", issue.location.line));
          if (issue.location.column != 0) {
            properties.push_back(fmt::format("col={}", issue.location.column));
          }
        }
      }
      properties.push_back(fmt::format("title={}", escape_property(issue.code)));

      std::string message = issue.message;
      for (const Note& note : issue.notes) {
        message += fmt::format("\nnote: {}{}", note.message, place(note.location));
      }
      for (const std::string& hint : issue.hints) message += fmt::format("\nhint: {}", hint);

      out += fmt::format("::{} {}::{}\n", command(issue.severity), fmt::join(properties, ","),
                         escape_data(message));
    }
  }
  return out;
}

}  // namespace callplan
