#include "panel/workspace.hpp"

#include <regex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "callplan/error.hpp"
#include "panel/changes.hpp"
#include "panel/company_claims.hpp"
#include "panel/model_json.hpp"
#include "panel/text_diff.hpp"

namespace callplan::panel {
namespace fs = std::filesystem;
namespace {

// Issue locations relative to the tenant's directory: the browser needs no server paths.
void relative_locations(Issues& issues, const fs::path& root) {
  auto fix = [&](Location& l) {
    if (!l.file.empty() && fs::path(l.file).is_absolute())
      l.file = fs::path(l.file).lexically_relative(root).string();
  };
  for (Issue& i : issues) {
    fix(i.location);
    for (Note& n : i.notes) fix(n.location);
  }
}

std::vector<std::string> changed_names(const Preview& p) {
  std::vector<std::string> names;
  for (const auto& [name, text] : p.changed) names.push_back(name);
  return names;
}

}  // namespace

std::string redact_secrets(const std::string& text) {
  // `password: x`, `ha1_md5: "x"`, `{password: x}`: the value, quoted or plain, up to a blank,
  // comma, brace or comment.
  static const std::regex secret(
      R"(((?:^|[\s{,])(?:password|ha1_md5|ha1_sha256)\s*:\s*)("[^"]*"|'[^']*'|[^\s,}#]+))");
  return std::regex_replace(text, secret, "$1<hidden>");
}

Workspace::Workspace(fs::path top) : top_(std::move(top)) { load(); }

void Workspace::load() {
  files_ = read_tenant_files(top_, current_);
  relative_locations(current_.issues, files_.root);
  std::vector<Claim> claims = claims_of(current_.tenant);
  std::lock_guard lock(claims_mutex_);
  login_ = current_.tenant.info.login.value;
  claims_ = std::move(claims);
}

std::string Workspace::login() const {
  std::lock_guard lock(claims_mutex_);
  return login_;
}

std::vector<Claim> Workspace::claims() const {
  std::lock_guard lock(claims_mutex_);
  return claims_;
}

void Workspace::refresh() {
  if (version_on_disk(files_) != files_.version) load();
}

Preview Workspace::preview(const nlohmann::json& changes) const {
  Preview p;
  p.edits = std::make_shared<FileEdits>(files_);
  apply_changes(changes, files_, *p.edits, login_, p.credentials);
  p.changed = p.edits->changed_texts();
  p.after = load_proposed(files_, p.changed, p.after_root);
  relative_locations(p.after.issues, files_.root);
  if (others_) {
    // Another company's number, SIP username, login or MAC: serve would refuse the file.
    Issues taken = claims_taken_by_others(p.after.tenant, others_());
    for (Issue& issue : taken) {
      if (!issue.location.file.empty())
        issue.location.file = fs::path(issue.location.file).lexically_relative(p.after_root).string();
      p.after.issues.push_back(std::move(issue));
    }
  }
  for (const auto& [name, text] : p.changed)
    p.text_diff += redact_secrets(unified_diff(name, files_.texts.at(name), text));
  if (has_errors(current_.issues)) {
    p.routing_error = "the saved version has errors: no routing comparison";
  } else if (p.has_errors()) {
    p.routing_error = "the change has errors: no routing comparison";
  } else {
    try {
      p.routing = diff_tenants(current_.tenant, p.after.tenant, {});
    } catch (const Error& e) {
      p.routing_error = e.what();
    }
  }
  return p;
}

std::optional<fs::path> Workspace::commit_saves() {
  git_tree_ = git_work_tree(files_.root);
  return git_tree_;
}

static std::string commit_message(const Preview& p, const std::string& login) {
  std::string subject = fmt::format("panel: {} changed {}", login, fmt::join(changed_names(p), ", "));
  std::string body;
  if (p.routing) {
    body = p.routing->routing_changed() ? format_diff(*p.routing, DiffFormat::human)
                                        : "No routing changes.\n";
  } else {
    body = p.routing_error + "\n";
  }
  return subject + "\n\n" + body;
}

Preview Workspace::save(const std::string& base_version, const nlohmann::json& changes,
                        const Saver& saver) {
  refresh();
  if (base_version != files_.version)
    throw SaveRefused("stale", fmt::format("the tenant changed since version {} (now {}): "
                                           "reload and make the change again",
                                           base_version, files_.version));
  Preview p = preview(changes);
  if (p.has_errors())
    throw SaveRefused("has-errors", "the change leaves errors in the tenant: nothing was saved");
  // Verify every file's text against the tree its edits meant, just before the write.
  for (const auto& [name, text] : p.changed) verify_text(text, p.edits->editor(name).expected());
  const std::map<std::string, std::string> before = files_.texts;
  std::vector<std::string> written;
  auto restore = [&] {
    for (const std::string& name : written) {
      try {
        write_file_atomically(files_.root / name, before.at(name));
      } catch (const Error&) {
        // Nothing more to do: the error below names the save as failed.
      }
    }
  };
  try {
    for (const auto& [name, text] : p.changed) {
      write_file_atomically(files_.root / name, text);
      written.push_back(name);
    }
    load();
  } catch (...) {
    restore();
    load();
    throw;
  }
  // The files as read back must give exactly the model that was previewed.
  if (model_json(current_.tenant, files_.root) != model_json(p.after.tenant, p.after_root) ||
      issues_json(current_.issues) != issues_json(p.after.issues)) {
    restore();
    load();
    throw SaveRefused("verification-failed",
                      "the written files did not load to the intended model: the old files are back");
  }
  if (git_tree_) {
    std::vector<fs::path> paths;
    for (const auto& [name, text] : p.changed) paths.push_back(files_.root / name);
    p.commit = commit_files(*git_tree_, paths, {saver.name, saver.email},
                            commit_message(p, saver.login.empty() ? "someone" : saver.login));
  }
  return p;
}

}  // namespace callplan::panel
