// Helpers for asserting on checker issues.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "callplan/check.hpp"
#include "callplan/diagnostics.hpp"

namespace callplan::testing {

inline std::vector<Issue> with_code(const Issues& issues, std::string_view code) {
  std::vector<Issue> out;
  std::copy_if(issues.begin(), issues.end(), std::back_inserter(out),
               [&](const Issue& i) { return i.code == code; });
  return out;
}

inline std::string dump(const Issues& issues) {
  std::string out;
  for (const Issue& i : issues) {
    out += to_string(i) + "\n";
    for (const Note& n : i.notes) {
      out += "  note: " + n.message + " @" + std::to_string(n.location.line) + "\n";
    }
    for (const std::string& h : i.hints) out += "  hint: " + h + "\n";
  }
  return out;
}

// The only issue of the tenant: asserts there is exactly one, with `code`, and returns it.
inline Issue only_issue(const Issues& issues, std::string_view code) {
  EXPECT_EQ(issues.size(), 1u) << dump(issues);
  std::vector<Issue> found = with_code(issues, code);
  EXPECT_EQ(found.size(), 1u) << "expected one " << code << " in:\n" << dump(issues);
  return found.empty() ? Issue{} : found.front();
}

inline bool has_hint_containing(const Issue& issue, std::string_view text) {
  return std::any_of(issue.hints.begin(), issue.hints.end(),
                     [&](const std::string& h) { return h.find(text) != std::string::npos; });
}

}  // namespace callplan::testing
