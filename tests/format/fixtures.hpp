// Hand-made reports for the formatter tests: a tenant file with a typo, a duplicate that
// points at its first definition, and a warning in an included file.
#pragma once

#include <memory>
#include <vector>

#include "callplan/report.hpp"
#include "callplan/source.hpp"

namespace callplan::test {

inline constexpr const char* kAcmeText =
    "version: 1\n"
    "users:\n"
    "  - extension: \"001\"\n"
    "  - extension: \"001\"\n"
    "plans:\n"
    "  - id: main\n"
    "    steps:\n"
    "      - ring_group:\n"
    "          stratgy: ring_all\n"
    "          members: [\"001\", \"0612345678\"]\n";

inline constexpr const char* kUsersText =
    "- extension: \"002\"\n"
    "  label: Café réception, main\n";

inline Issue typo_issue() {
  Issue i;
  i.severity = Severity::error;
  i.code = "CP101";
  i.message = "unknown key `stratgy` in ring_group";
  i.location = {"acme.yaml", 9, 11};
  i.hints = {"did you mean `strategy`?"};
  return i;
}

inline Issue duplicate_issue() {
  Issue i;
  i.severity = Severity::error;
  i.code = "CP200";
  i.message = "extension 001 is used by two users";
  i.location = {"acme.yaml", 4, 16};
  i.notes = {Note{"first defined here", {"acme.yaml", 3, 16}}};
  return i;
}

inline Issue included_warning() {
  Issue i;
  i.severity = Severity::warning;
  i.code = "CP405";
  i.message = "time-out 17 s is not a multiple of one ring (5 s)";
  i.location = {"users.yaml", 2, 10};
  return i;
}

// Owns the SourceMap that the FileReports borrow.
struct Fixture {
  std::unique_ptr<SourceMap> sources = std::make_unique<SourceMap>();
  std::vector<FileReport> files;

  Fixture() {
    sources->add_file("acme.yaml", kAcmeText);
    sources->add_file("users.yaml", kUsersText);
    files.push_back(FileReport{"acme.yaml",
                               {duplicate_issue(), typo_issue(), included_warning()},
                               sources.get()});
  }
};

}  // namespace callplan::test
