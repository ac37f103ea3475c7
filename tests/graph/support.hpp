// Shared by the graph and diff tests: fixture tenants and golden files.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "callplan/check.hpp"
#include "callplan/load.hpp"

namespace callplan::graph_testing {

inline std::string source_path(const std::string& relative) {
  return std::string(CALLPLAN_SOURCE_DIR) + "/" + relative;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fixture tenant under tests/graph/tenants, checked; fails the test when it has errors.
inline Tenant fixture(const std::string& name) {
  CheckedTenant t = load_and_check(source_path("tests/graph/tenants/" + name));
  EXPECT_FALSE(has_errors(t.issues)) << name << " has errors";
  return std::move(t.tenant);
}

// A tenant from YAML text; fails the test when it has errors.
inline Tenant from_yaml(const std::string& text) {
  LoadResult r = load_string(text, "tenant.yaml");
  Issues found = check(r.tenant);
  r.issues.insert(r.issues.end(), found.begin(), found.end());
  EXPECT_FALSE(has_errors(r.issues)) << "the test tenant has errors";
  return std::move(r.tenant);
}

// Compares with tests/graph/golden/<name>; CALLPLAN_UPDATE_GOLDEN=1 rewrites the file instead.
inline void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = source_path("tests/graph/golden/" + name);
  if (std::getenv("CALLPLAN_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(read_text(path), actual) << "golden " << name
                                     << " differs (CALLPLAN_UPDATE_GOLDEN=1 rewrites it)";
}

}  // namespace callplan::graph_testing
