// Saves as git commits (docs/panel.md, "Saves as git commits"): when the tenant's files live in
// a git work tree and the panel runs with --git-commit, each save becomes one commit of the
// changed files, authored by the panel user, with the routing diff as its message. git is run
// as a program (an argument vector, never a shell: names and messages are not quoted anywhere).
//
//   if (auto tree = git_work_tree("/etc/callplan/acme")) {
//     GitCommit c = commit_files(*tree, {"/etc/callplan/acme/users.yaml"},
//                                {"Anna de Vries", "anna@acme.example"}, "panel: ...");
//   }
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace callplan::panel {

struct GitAuthor {
  std::string name;   // "Anna de Vries"
  std::string email;  // may be empty: "<login>@callplan-panel" is used
};

struct GitCommit {
  std::string id;     // the new commit's full hash
  std::string error;  // why there is none (git missing, not a work tree, hook refused ...)
  bool made() const { return !id.empty(); }
};

// The top of the git work tree holding `directory`, or nullopt (no git, not in a work tree).
// Blocks for at most a few seconds.
std::optional<std::filesystem::path> git_work_tree(const std::filesystem::path& directory);

// Stages exactly `files` (absolute paths inside `tree`) and commits them alone, whatever else
// is staged or changed in the tree. Never throws: a failure is in `error`, the saved files stay.
GitCommit commit_files(const std::filesystem::path& tree,
                       const std::vector<std::filesystem::path>& files, const GitAuthor& author,
                       const std::string& message);

}  // namespace callplan::panel
