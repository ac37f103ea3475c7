// The `json` format: callplan's own, stable machine format (version 1). Grouped by checked
// file; every issue still carries its own file because issues of a tenant may point into the
// files it includes. Unknown lines and columns are null, never 0, so consumers cannot mistake
// them for positions.
#include <nlohmann/json.hpp>

#include "callplan/report.hpp"
#include "format/json_text.hpp"

namespace callplan {
namespace {

using Json = nlohmann::ordered_json;

void put_location(Json& out, const Location& at) {
  out["file"] = at.file.empty() ? Json(nullptr) : Json(at.file);
  out["line"] = at.known() ? Json(at.line) : Json(nullptr);
  out["column"] = at.known() && at.column != 0 ? Json(at.column) : Json(nullptr);
}

Json issue_json(const Issue& issue) {
  Json out = Json::object();
  out["severity"] = to_string(issue.severity);
  out["code"] = issue.code;
  out["message"] = issue.message;
  put_location(out, issue.location);
  Json notes = Json::array();
  for (const Note& note : issue.notes) {
    Json n = Json::object();
    n["message"] = note.message;
    put_location(n, note.location);
    notes.push_back(std::move(n));
  }
  out["notes"] = std::move(notes);
  out["hints"] = issue.hints;
  return out;
}

}  // namespace

std::string format_json(const std::vector<FileReport>& files) {
  Json root = Json::object();
  root["version"] = 1;
  Json list = Json::array();
  std::size_t errors = 0;
  std::size_t warnings = 0;
  for (const FileReport& file : files) {
    Json f = Json::object();
    f["file"] = file.file;
    Json issues = Json::array();
    for (const Issue& issue : file.issues) issues.push_back(issue_json(issue));
    f["issues"] = std::move(issues);
    list.push_back(std::move(f));
    errors += count(file.issues, Severity::error);
    warnings += count(file.issues, Severity::warning);
  }
  root["files"] = std::move(list);
  root["summary"] = Json{{"errors", errors}, {"warnings", warnings}};
  return detail::dump_json(root);
}

}  // namespace callplan
