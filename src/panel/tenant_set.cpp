#include "panel/tenant_set.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "callplan/error.hpp"

namespace callplan::panel {

TenantSet::TenantSet(std::vector<std::unique_ptr<Workspace>> given, Lister listed, Notice notice,
                     Prepare prepare)
    : listed_(std::move(listed)), notice_(std::move(notice)), prepare_(std::move(prepare)) {
  for (auto& ws : given) {
    for (const Entry& e : entries_)
      if (e.workspace->login() == ws->login())
        throw Error(fmt::format("two tenants have the login `{}`: logins must be unique",
                                ws->login()));
    add("", std::shared_ptr<Workspace>(std::move(ws)));
  }
  std::lock_guard lock(mutex_);
  rescan();
}

std::size_t TenantSet::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::shared_ptr<Workspace> TenantSet::find(const std::string& login, bool rescan_if_unknown) {
  std::lock_guard lock(mutex_);
  auto lookup = [&]() -> std::shared_ptr<Workspace> {
    for (const Entry& e : entries_)
      if (e.workspace->login() == login) return e.workspace;
    return nullptr;
  };
  if (auto ws = lookup(); ws || !rescan_if_unknown || !listed_) return ws;
  // A guessed company name must not make every request read the directory.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_scan_ < rescan_interval_) return nullptr;
  rescan();
  return lookup();
}

void TenantSet::rescan() {
  if (!listed_) return;
  last_scan_ = std::chrono::steady_clock::now();
  std::vector<std::string> paths;
  try {
    paths = listed_();
  } catch (const Error& e) {
    if (notice_) notice_(fmt::format("panel: the tenants directory cannot be read: {}", e.what()));
    return;
  }
  // Files no longer in the directory: their company goes (sessions end at their next request).
  std::erase_if(entries_, [&](const Entry& e) {
    return !e.path.empty() && std::find(paths.begin(), paths.end(), e.path) == paths.end();
  });
  for (const std::string& path : paths) {
    if (std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.path == path; }))
      continue;
    std::shared_ptr<Workspace> ws;
    try {
      ws = std::make_shared<Workspace>(path);
    } catch (const Error& e) {
      if (notice_) notice_(fmt::format("panel: {} is not served: {}", path, e.what()));
      continue;
    }
    if (ws->login().empty()) {
      if (notice_) notice_(fmt::format("panel: {} is not served: its tenant has no login", path));
      continue;
    }
    const auto same = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) {
      return e.workspace->login() == ws->login();
    });
    if (same != entries_.end()) {
      if (notice_)
        notice_(fmt::format("panel: {} is not served: its login `{}` is that of {}", path,
                            ws->login(),
                            same->path.empty() ? same->workspace->files().top.string() : same->path));
      continue;
    }
    if (prepare_) prepare_(*ws);
    add(path, std::move(ws));
  }
}

void TenantSet::add(std::string path, std::shared_ptr<Workspace> ws) {
  ws->set_others([this, self = ws.get()] { return claims_besides(self); });
  entries_.push_back({std::move(path), std::move(ws)});
}

std::vector<Claim> TenantSet::claims_besides(const Workspace* self) const {
  // Called with `self`'s request lock held: only the set's lock and each other workspace's
  // claims lock are taken here, and neither is ever held while taking a request lock.
  std::lock_guard lock(mutex_);
  std::vector<Claim> out;
  for (const Entry& e : entries_) {
    if (e.workspace.get() == self) continue;
    std::vector<Claim> claims = e.workspace->claims();
    out.insert(out.end(), std::make_move_iterator(claims.begin()),
               std::make_move_iterator(claims.end()));
  }
  return out;
}

}  // namespace callplan::panel
