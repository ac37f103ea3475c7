#include "panel/git_commit.hpp"

#include <chrono>

#include <fmt/format.h>

#include "media/prompt/run_program.hpp"

namespace callplan::panel {
namespace {

constexpr std::chrono::seconds kGitTimeLimit{20};

media::ProgramRun git(const std::filesystem::path& tree, std::vector<std::string> args) {
  std::vector<std::string> argv{"git", "-C", tree.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return media::run_program(argv, kGitTimeLimit);
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string failure(const media::ProgramRun& run, const char* what) {
  if (!run.started) return fmt::format("git could not be started ({})", what);
  if (run.timed_out) return fmt::format("git {} took too long", what);
  return fmt::format("git {} failed: {}", what, trimmed(run.output));
}

// A name or e-mail as git takes it in an ident: no angle brackets or line breaks.
std::string ident_part(std::string s) {
  std::string out;
  for (char c : s)
    if (c != '<' && c != '>' && c != '\n' && c != '\r') out += c;
  return out;
}

}  // namespace

std::optional<std::filesystem::path> git_work_tree(const std::filesystem::path& directory) {
  const media::ProgramRun run = git(directory, {"rev-parse", "--show-toplevel"});
  if (!run.succeeded()) return std::nullopt;
  const std::string top = trimmed(run.output);
  if (top.empty()) return std::nullopt;
  return std::filesystem::path(top);
}

GitCommit commit_files(const std::filesystem::path& tree,
                       const std::vector<std::filesystem::path>& files, const GitAuthor& author,
                       const std::string& message) {
  GitCommit out;
  std::vector<std::string> paths{"--"};
  for (const auto& f : files) paths.push_back(f.lexically_relative(tree).string());
  std::vector<std::string> add{"add"};
  add.insert(add.end(), paths.begin(), paths.end());
  if (auto run = git(tree, add); !run.succeeded()) {
    out.error = failure(run, "add");
    return out;
  }
  // `commit -- PATHS` commits those paths only: other staged work of someone at the same tree
  // stays staged and out of the panel's commit. The panel is the committer; the user the author.
  const std::string name = ident_part(author.name);
  const std::string email = ident_part(author.email);
  std::vector<std::string> commit{"-c", "user.name=callplan panel", "-c",
                                  "user.email=" + (email.empty() ? "panel@callplan" : email),
                                  "commit", "--quiet", "-m", message, "--author",
                                  fmt::format("{} <{}>", name, email.empty() ? "panel@callplan" : email)};
  commit.insert(commit.end(), paths.begin(), paths.end());
  if (auto run = git(tree, commit); !run.succeeded()) {
    out.error = failure(run, "commit");
    return out;
  }
  const media::ProgramRun head = git(tree, {"rev-parse", "HEAD"});
  if (!head.succeeded()) {
    out.error = failure(head, "rev-parse");
    return out;
  }
  out.id = trimmed(head.output);
  return out;
}

}  // namespace callplan::panel
