#include "callplan/report.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace callplan {
namespace {

constexpr std::array<std::pair<std::string_view, ReportFormat>, 5> kFormats{{
    {"human", ReportFormat::human},
    {"gcc", ReportFormat::gcc},
    {"json", ReportFormat::json},
    {"sarif", ReportFormat::sarif},
    {"github", ReportFormat::github},
}};

std::string counted(std::size_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

}  // namespace

std::optional<ReportFormat> parse_report_format(std::string_view name) {
  for (const auto& [text, format] : kFormats) {
    if (text == name) return format;
  }
  return std::nullopt;
}

std::string_view to_string(ReportFormat format) {
  for (const auto& [text, f] : kFormats) {
    if (f == format) return text;
  }
  return "human";
}

std::string format_report(const std::vector<FileReport>& files, const ReportOptions& options) {
  switch (options.format) {
    case ReportFormat::human: return format_human(files, options.color);
    case ReportFormat::gcc: return format_gcc(files);
    case ReportFormat::json: return format_json(files);
    case ReportFormat::sarif: return format_sarif(files);
    case ReportFormat::github: return format_github(files);
  }
  return format_human(files, options.color);
}

std::string summary_line(const std::vector<FileReport>& files) {
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::size_t notes = 0;
  for (const FileReport& f : files) {
    errors += count(f.issues, Severity::error);
    warnings += count(f.issues, Severity::warning);
    notes += count(f.issues, Severity::note);
  }
  std::string where = counted(files.size(), "file");
  if (errors + warnings + notes == 0) return fmt::format("no problems in {}", where);
  std::vector<std::string> parts;
  if (errors != 0) parts.push_back(counted(errors, "error"));
  if (warnings != 0) parts.push_back(counted(warnings, "warning"));
  if (notes != 0) parts.push_back(counted(notes, "note"));
  return fmt::format("{} in {}", fmt::join(parts, ", "), where);
}

}  // namespace callplan
