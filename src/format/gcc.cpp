// The `gcc` format: one line per issue, in the form editors and CI problem matchers already
// parse (`file:line:col: severity: message [CODE]`). Notes and hints follow as `note:` lines,
// so a matcher that only knows error/warning lines still sees exactly one line per issue.
#include <fmt/format.h>

#include "callplan/report.hpp"
#include "diagnostics/place_text.hpp"

namespace callplan {
namespace {

std::string place(const Location& at) {
  std::string where = detail::place_text(at);
  return where.empty() ? where : where + ": ";
}

}  // namespace

std::string format_gcc(const std::vector<FileReport>& files) {
  std::string out;
  for (const FileReport& file : files) {
    for (const Issue& issue : file.issues) {
      out += to_string(issue);
      out += '\n';
      for (const Note& note : issue.notes) {
        // A note without a place of its own belongs to its issue's place: keep the line
        // parseable rather than print a bare "note:".
        const Location& at = note.location.file.empty() ? issue.location : note.location;
        out += fmt::format("{}note: {}\n", place(at), note.message);
      }
      for (const std::string& hint : issue.hints) {
        out += fmt::format("{}note: {}\n", place(issue.location), hint);
      }
    }
  }
  return out;
}

}  // namespace callplan
