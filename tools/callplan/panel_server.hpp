// The panel's HTTP server as both hosts start it: `callplan panel --listen` (panel.cpp) and
// `callplan serve --panel` (serve_panel.cpp). Parses the listen URL, loads the tenants, finds
// the web app, opens the accounts and serves the API on the shared HTTP server (src/http).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "panel/api.hpp"

namespace callplan::cli {

struct PanelServerOptions {
  std::vector<std::string> tenants;
  // `serve --tenants DIR`: the directory's tenant files, listed again when a login names a
  // company the panel does not know yet (panel/tenant_set.hpp). Unset: `tenants` only.
  std::string tenants_dir;
  panel::TenantSet::Lister list_tenants_dir;
  std::string listen = "http://127.0.0.1:8080";
  std::string state_dir;  // where panel-accounts.json lives (required)
  std::string web;        // "" finds it (docs/panel.md)
  std::string tls_cert, tls_key;
  bool git_commit = false;  // each save a commit when the tenant is in a git work tree
};

// The options both hosts share: --tls-cert, --tls-key, --web, --git-commit (`prefix` "panel-"
// for serve, whose --tls-* belong to provisioning).
void add_panel_server_options(CLI::App* cmd, PanelServerOptions& o, const std::string& prefix);

class PanelServer {
 public:
  // Throws callplan::Error: a bad listen URL, an unreadable tenant, two tenants of one login,
  // an --web without index.html.
  PanelServer(const PanelServerOptions& options, panel::PanelHooks hooks);
  ~PanelServer();
  // Binds and serves on the server's own threads; prints "panel on URL (...)". Throws
  // callplan::Error when the address cannot be bound.
  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callplan::cli
