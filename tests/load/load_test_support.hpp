// Helpers for the loader tests: find issues by code and place, print them on failure.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "callplan/load.hpp"

namespace callplan::testing {

inline std::string dump(const Issues& issues) {
  std::string out;
  for (const Issue& i : issues) {
    out += to_string(i) + "\n";
    for (const Note& n : i.notes) {
      out += "    note: " + n.message + " at " + n.location.file + ":" +
             std::to_string(n.location.line) + ":" + std::to_string(n.location.column) + "\n";
    }
    for (const std::string& h : i.hints) out += "    hint: " + h + "\n";
  }
  return out;
}

inline const Issue* find_issue(const Issues& issues, std::string_view code) {
  auto it = std::find_if(issues.begin(), issues.end(),
                         [&](const Issue& i) { return i.code == code; });
  return it == issues.end() ? nullptr : &*it;
}

inline const Issue* find_issue_at(const Issues& issues, std::string_view code,
                                  std::uint32_t line, std::uint32_t column) {
  auto it = std::find_if(issues.begin(), issues.end(), [&](const Issue& i) {
    return i.code == code && i.location.line == line && i.location.column == column;
  });
  return it == issues.end() ? nullptr : &*it;
}

inline bool has_hint(const Issue& issue, std::string_view text) {
  return std::any_of(issue.hints.begin(), issue.hints.end(),
                     [&](const std::string& h) { return h.find(text) != std::string::npos; });
}

// "version: 1\ntenant: {...}\n" + body: a valid minimal tenant around the part under test.
inline std::string with_header(std::string_view body) {
  return "version: 1\n"
         "tenant: {name: Acme, login: acme, timezone: Europe/Amsterdam}\n" +
         std::string(body);
}

inline std::string fixture(std::string_view name) {
  return std::string(CALLPLAN_SOURCE_DIR) + "/tests/load/fixtures/" + std::string(name);
}

}  // namespace callplan::testing
