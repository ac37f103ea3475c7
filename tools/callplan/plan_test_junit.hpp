// JUnit XML for `callplan test --format junit`: the format CI systems (GitLab, Jenkins,
// GitHub test reporters) read. One <testsuite> per test file.
#pragma once

#include <string>
#include <vector>

#include "callplan/plan_test.hpp"

namespace callplan::cli {

struct PlanTestFileResult {
  std::string path;
  Issues issues;  // problems in the test file or its tenant: reported as one <error> case
  std::vector<PlanTestOutcome> outcomes;
};

std::string plan_tests_junit(const std::vector<PlanTestFileResult>& files);

}  // namespace callplan::cli
