// sip/companies/tenant_files.hpp — `callplan serve --tenants DIR`: which files in DIR are
// companies (SPEC 11).
//
// A tenant main file is a YAML file (*.yaml, *.yml) directly in DIR whose top level has a
// `tenant` section (a map: a plan-test file's `tenant: acme.yaml` does not count), and that no
// other tenant file in DIR includes (directly or through the files it includes): split-up
// companies keep their parts next to their main file, and plan-test files lie beside them. A file that is not valid YAML counts as a tenant,
// so that its error is reported instead of the company silently missing.
#pragma once

#include <string>
#include <vector>

namespace callplan::sip {

// The tenant main files of `dir`, sorted by name (the order conflicts are decided in).
// Throws callplan::Error when `dir` cannot be read.
std::vector<std::string> tenant_files(const std::string& dir);

}  // namespace callplan::sip
