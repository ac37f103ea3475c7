// One tenant served by the panel: its files as they are on disk, loaded and checked, and the
// two things the screens do with a change: preview it (check, routing diff, text diff) and
// save it (version check, atomic writes, verified re-load).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <vector>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "callplan/check.hpp"
#include "callplan/diff.hpp"
#include "check/companies.hpp"
#include "panel/changes.hpp"
#include "panel/git_commit.hpp"
#include "panel/tenant_files.hpp"

namespace callplan::panel {

struct Preview {
  CheckedTenant after;
  std::filesystem::path after_root;  // where `after` was loaded from (its file names)
  std::map<std::string, std::string> changed;  // file name -> new text
  std::string text_diff;                      // unified diff of every changed file
  std::optional<TenantDiff> routing;          // when neither version has errors
  std::string routing_error;                  // why there is no routing diff
  // New devices' SIP logins: returned by save only (a preview's are thrown away).
  std::vector<NewCredentials> credentials;
  std::shared_ptr<FileEdits> edits;           // the edits that made `changed`
  std::optional<GitCommit> commit;            // a save's commit, when saves are commits
  bool has_errors() const { return callplan::has_errors(after.issues); }
};

// Why a save was refused: "stale" (the files changed since `base_version`), "has-errors",
// "verification-failed" (the written files did not load to the intended model; the old files
// are back).
struct SaveRefused : std::runtime_error {
  SaveRefused(std::string c, const std::string& message)
      : std::runtime_error(message), code(std::move(c)) {}
  std::string code;
};

// The text with every SIP secret's value (password, ha1_md5, ha1_sha256) written as <hidden>:
// a text diff shown in the browser never carries one.
std::string redact_secrets(const std::string& text);

// Who saves: the panel user, for the commit's author.
struct Saver {
  std::string login;  // "001@acme"
  std::string name;   // "Anna de Vries"
  std::string email;
};

class Workspace {
 public:
  // Loads the tenant at `top`; throws callplan::Error when it cannot be read.
  explicit Workspace(std::filesystem::path top);

  // Each save becomes a git commit when the files are in a git work tree (git_commit.hpp).
  // Returns the work tree, or nullopt when there is none (saves are then plain writes).
  std::optional<std::filesystem::path> commit_saves();

  // The companies served beside this one (tenant_set.hpp): what they claim (numbers, SIP
  // usernames, logins, MACs). A change that claims one of them gets an error in its preview
  // (company_claims.hpp), as serve would refuse the file. Unset: no other company.
  void set_others(std::function<std::vector<Claim>()> others) { others_ = std::move(others); }
  // What this company claims as last loaded. Thread-safe (its own lock, never held while
  // taking another): other companies' previews read it.
  std::vector<Claim> claims() const;

  // Reads the files again when they changed on disk (by hand, or by another program).
  void refresh();
  // The tenant's login as last loaded. Thread-safe (the claims lock): the tenant set finds a
  // company by it while another request may be reloading that company.
  std::string login() const;
  const std::string& version() const { return files_.version; }
  const CheckedTenant& current() const { return current_; }
  const TenantFiles& files() const { return files_; }

  // The change applied to copies of the files: throws ChangeError / EditError for a change
  // that cannot be written.
  Preview preview(const nlohmann::json& changes) const;
  // Refreshes, refuses when the version moved past `base_version` or the result has errors,
  // writes the changed files atomically, loads them again and compares with the preview.
  // Returns the preview that was saved.
  // With commit_saves(), the changed files are committed with the routing diff as the message
  // (a failed commit is in the result's `commit`; the files stay saved).
  Preview save(const std::string& base_version, const nlohmann::json& changes,
               const Saver& saver = {});

  // Serialises requests on this tenant (the server may run handlers on several threads).
  std::mutex& mutex() { return mutex_; }

 private:
  void load();

  std::filesystem::path top_;
  TenantFiles files_;
  CheckedTenant current_;
  std::string login_;
  std::optional<std::filesystem::path> git_tree_;
  std::function<std::vector<Claim>()> others_;
  std::vector<Claim> claims_;
  mutable std::mutex claims_mutex_;  // claims_ and login_
  std::mutex mutex_;
};

}  // namespace callplan::panel
