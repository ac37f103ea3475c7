#include "plan_test_junit.hpp"

#include <fmt/format.h>

namespace callplan::cli {
namespace {

// XML 1.0 allows no control characters but tab, LF and CR, even escaped: drop the others.
std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string location_text(const Location& at) {
  return at.known() ? fmt::format("{}:{}:{}", at.file, at.line, at.column) : at.file;
}

}  // namespace

std::string plan_tests_junit(const std::vector<PlanTestFileResult>& files) {
  std::size_t tests = 0, failures = 0, errors = 0;
  double total = 0;
  std::string body;
  for (const PlanTestFileResult& file : files) {
    std::size_t file_failures = 0;
    std::size_t file_errors = has_errors(file.issues) ? 1 : 0;
    double file_time = 0;
    std::string cases;
    if (file_errors) {
      std::string detail;
      for (const Issue& i : file.issues) detail += to_string(i) + "\n";
      cases += fmt::format(
          "    <testcase name=\"{}\" classname=\"{}\" time=\"0\">\n"
          "      <error message=\"{}\">{}</error>\n"
          "    </testcase>\n",
          "(test file)", xml_escape(file.path), xml_escape(file.issues.front().message),
          xml_escape(detail));
    }
    for (const PlanTestOutcome& o : file.outcomes) {
      file_time += o.seconds;
      cases += fmt::format("    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.6f}\"",
                           xml_escape(o.name), xml_escape(file.path), xml_escape(o.location.file),
                           o.location.line, o.seconds);
      if (o.passed) {
        cases += "/>\n";
        continue;
      }
      ++file_failures;
      std::string detail = fmt::format("{}\n", location_text(o.location));
      for (const std::string& d : o.differences) detail += d + "\n";
      if (!o.trace_text.empty()) detail += "\n" + o.trace_text;
      cases += fmt::format(">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                           xml_escape(o.differences.empty() ? "failed" : o.differences.front()),
                           xml_escape(detail));
    }
    std::size_t file_tests = file.outcomes.size() + file_errors;
    body += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" "
        "time=\"{:.6f}\">\n{}  </testsuite>\n",
        xml_escape(file.path), file_tests, file_failures, file_errors, file_time, cases);
    tests += file_tests;
    failures += file_failures;
    errors += file_errors;
    total += file_time;
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"callplan\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.6f}\">\n"
      "{}</testsuites>\n",
      tests, failures, errors, total, body);
}

}  // namespace callplan::cli
