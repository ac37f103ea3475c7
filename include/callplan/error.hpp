// callplan/error.hpp — the exception for misuse and I/O failures.
//
// Problems in the user's tenant or test files are never exceptions: they are Issues (see
// diagnostics.hpp). callplan::Error is thrown when a file cannot be read, an API is misused
// (e.g. compiling a tenant that has errors), or arguments are out of range. It may carry the
// issues that explain it.
#pragma once

#include <stdexcept>
#include <string>

#include "callplan/diagnostics.hpp"
#include "callplan/export.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, Issues issues = {})
      : std::runtime_error(what), issues_(std::move(issues)) {}

  const Issues& issues() const noexcept { return issues_; }

 private:
  Issues issues_;
};

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
