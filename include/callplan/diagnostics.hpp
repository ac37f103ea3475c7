// callplan/diagnostics.hpp — problems found in a user's tenant or test files.
//
// Every problem in user input becomes an `Issue`: a severity, a stable code (see
// docs/diagnostics.md), a message a PBX administrator understands, the place it was written
// (file:line:column, 1-based), notes that point at related places ("first defined here") and
// hints ("did you mean `strategy`?"). Stages collect issues and go on; they never throw for
// bad content.
//
//   callplan::LoadResult r = callplan::load_file("acme.yaml");
//   for (const callplan::Issue& i : r.issues) fmt::print("{}\n", callplan::to_string(i));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "callplan/export.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

enum class Severity : std::uint8_t { error, warning, note };

std::string_view to_string(Severity s);

// Where something was written. `file` is the path as the user named it (relative paths stay
// relative); line and column are 1-based. A default Location (line 0) means "no place":
// formatters print just the file, or nothing.
struct Location {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  bool known() const { return line != 0; }
  friend bool operator==(const Location&, const Location&) = default;
};

// A related place, e.g. the first definition of a duplicate.
struct Note {
  std::string message;
  Location location;
};

struct Issue {
  Severity severity = Severity::error;
  std::string code;     // stable, e.g. "CP101"; listed in docs/diagnostics.md
  std::string message;  // one sentence, no trailing period, no location
  Location location;
  std::vector<Note> notes;
  std::vector<std::string> hints;
};

using Issues = std::vector<Issue>;

bool has_errors(const Issues& issues);
std::size_t count(const Issues& issues, Severity s);

// "file:line:col: error: message [CP101]" — the one-line GCC form.
std::string to_string(const Issue& issue);

// The catalogue of codes: code, short name, default severity and a one-line summary.
struct IssueKind {
  std::string_view code;
  std::string_view name;
  Severity severity;
  std::string_view summary;
};

// Every code callplan can emit, sorted by code. Used by formatters (SARIF rules), docs tests.
const std::vector<IssueKind>& issue_kinds();

// nullptr when the code is unknown.
const IssueKind* find_issue_kind(std::string_view code);

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
