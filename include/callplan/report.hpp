// callplan/report.hpp — render Issues for people and for machines.
//
// One report covers one or more checked files (tenants). Each FileReport holds the issues of
// one tenant and, optionally, the tenant's SourceMap, from which the human format takes the
// offending source line and SARIF the exact column. Five formats (see docs/cli.md):
//
//   human   GCC-style first line, the source line with a caret under the token, notes, hints,
//           and a summary line ("2 errors, 1 warning in 1 file"); optional ANSI colours
//   gcc     exactly one line per issue and per note, `file:line:col: severity: message [CODE]`
//   json    {"version":1,"files":[...],"summary":{"errors":N,"warnings":N}}
//   sarif   SARIF 2.1.0, one run, rules from issue_kinds()
//   github  GitHub Actions workflow commands (`::error file=...::message`)
//
//   callplan::CheckedTenant t = callplan::load_and_check("acme.yaml");
//   std::vector<callplan::FileReport> files{{"acme.yaml", t.issues, &t.tenant.sources}};
//   fmt::print("{}", callplan::format_report(files, {callplan::ReportFormat::human}));
//
// All functions are pure (no I/O, no global state) and safe to call concurrently. They never
// throw for odd content: unknown locations, files the SourceMap does not know, lines that are
// too short for their column are all rendered without the missing part. The returned text ends
// with a newline unless it is empty.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "callplan/diagnostics.hpp"
#include "callplan/export.hpp"
#include "callplan/source.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

enum class ReportFormat : std::uint8_t { human, gcc, json, sarif, github };

// "human", "gcc", "json", "sarif", "github" -> the format; std::nullopt for anything else.
std::optional<ReportFormat> parse_report_format(std::string_view name);
std::string_view to_string(ReportFormat format);

// The issues of one checked file. `sources` is borrowed (may be null) and must outlive the
// call that formats the report.
struct FileReport {
  std::string file;  // the path as the user named it
  Issues issues;
  const SourceMap* sources = nullptr;
};

struct ReportOptions {
  ReportFormat format = ReportFormat::human;
  bool color = false;  // human only: ANSI escape sequences (the caller decides: tty, NO_COLOR)
};

// The whole report in `options.format`.
std::string format_report(const std::vector<FileReport>& files, const ReportOptions& options);

std::string format_human(const std::vector<FileReport>& files, bool color = false);
std::string format_gcc(const std::vector<FileReport>& files);
std::string format_json(const std::vector<FileReport>& files);
std::string format_sarif(const std::vector<FileReport>& files);
std::string format_github(const std::vector<FileReport>& files);

// "2 errors, 1 warning in 1 file", or "no problems in 3 files". No newline.
std::string summary_line(const std::vector<FileReport>& files);

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
