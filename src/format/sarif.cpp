// The `sarif` format: SARIF 2.1.0 (OASIS), what GitHub code scanning and most CI dashboards
// ingest. One run; the rule table is the whole catalogue of codes (issue_kinds()), so ruleIndex
// is stable across runs and the rules carry their default level. Columns are declared as
// Unicode code points, so byte columns are converted with the source line when it is known.
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "callplan/report.hpp"
#include "callplan/version.hpp"
#include "format/json_text.hpp"
#include "format/source_excerpt.hpp"

namespace callplan {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kSarifSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr std::string_view kInformationUri = "https://github.com/callplan/callplan";

std::string_view sarif_level(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

// A file path as a URI reference (RFC 3986): relative paths stay relative (consumers resolve
// them against the checkout), absolute ones become file:// URIs; everything outside the
// unreserved set and '/' is percent-encoded.
std::string path_to_uri(std::string_view path) {
  std::string out;
  if (!path.empty() && path.front() == '/') out = "file://";
  for (char raw : path) {
    unsigned char c = static_cast<unsigned char>(raw == '\\' ? '/' : raw);
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

Json physical_location(const FileReport& file, const Location& at) {
  Json physical = Json::object();
  physical["artifactLocation"] = Json{{"uri", path_to_uri(at.file)}};
  if (at.known()) {
    Json region = Json::object();
    region["startLine"] = at.line;
    if (at.column != 0) {
      std::string_view line = detail::source_line(file, at);
      region["startColumn"] = detail::code_point_column(line, at.column);
      if (!line.empty() && at.column - 1 < line.size()) {
        detail::TokenSpan token = detail::token_span(line, at.column - 1);
        auto end_byte = static_cast<std::uint32_t>(token.begin + token.length + 1);
        region["endColumn"] = detail::code_point_column(line, end_byte);
      }
    }
    physical["region"] = std::move(region);
  }
  return physical;
}

Json rules_json() {
  Json rules = Json::array();
  for (const IssueKind& kind : issue_kinds()) {
    Json rule = Json::object();
    rule["id"] = kind.code;
    rule["name"] = kind.name;
    rule["shortDescription"] = Json{{"text", kind.summary}};
    rule["defaultConfiguration"] = Json{{"level", sarif_level(kind.severity)}};
    rules.push_back(std::move(rule));
  }
  return rules;
}

Json result_json(const FileReport& file, const Issue& issue) {
  Json result = Json::object();
  result["ruleId"] = issue.code;
  const auto& kinds = issue_kinds();
  if (const IssueKind* kind = find_issue_kind(issue.code)) {
    result["ruleIndex"] = static_cast<std::size_t>(kind - kinds.data());
  }
  result["level"] = sarif_level(issue.severity);
  // Hints go into the message text: SARIF viewers show only the message, and "did you mean"
  // is the most useful part of many diagnostics.
  std::string text = issue.message;
  for (const std::string& hint : issue.hints) text += fmt::format("\nhint: {}", hint);
  result["message"] = Json{{"text", text}};
  if (!issue.location.file.empty()) {
    result["locations"] =
        Json::array({Json{{"physicalLocation", physical_location(file, issue.location)}}});
  }
  Json related = Json::array();
  int id = 1;
  for (const Note& note : issue.notes) {
    if (note.location.file.empty()) continue;  // nowhere to point; SARIF needs a location
    Json r = Json::object();
    r["id"] = id++;
    r["physicalLocation"] = physical_location(file, note.location);
    r["message"] = Json{{"text", note.message}};
    related.push_back(std::move(r));
  }
  if (!related.empty()) result["relatedLocations"] = std::move(related);
  return result;
}

}  // namespace

std::string format_sarif(const std::vector<FileReport>& files) {
  Json driver = Json::object();
  driver["name"] = "callplan";
  driver["version"] = kVersion;
  driver["semanticVersion"] = kVersion;
  driver["informationUri"] = kInformationUri;
  driver["rules"] = rules_json();

  Json results = Json::array();
  for (const FileReport& file : files) {
    for (const Issue& issue : file.issues) results.push_back(result_json(file, issue));
  }

  Json run = Json::object();
  run["tool"] = Json{{"driver", std::move(driver)}};
  run["columnKind"] = "unicodeCodePoints";
  run["results"] = std::move(results);

  Json root = Json::object();
  root["$schema"] = kSarifSchema;
  root["version"] = "2.1.0";
  root["runs"] = Json::array({std::move(run)});
  return detail::dump_json(root);
}

}  // namespace callplan
