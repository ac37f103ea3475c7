#include "panel_server.hpp"

#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "http/server.hpp"

namespace callplan::cli {

struct PanelServer::Impl {
  http::ServerOptions http;
  bool tls = false;
  std::size_t tenants = 0;
  std::string tenants_dir;  // "" unless serve --tenants DIR
  std::optional<std::filesystem::path> web;
  std::unique_ptr<panel::AccountStore> accounts;
  std::unique_ptr<panel::PanelApi> api;
  std::unique_ptr<http::Server> server;
};

void add_panel_server_options(CLI::App* cmd, PanelServerOptions& o, const std::string& prefix) {
  cmd->add_option("--" + prefix + "web", o.web,
                  "Directory of the panel's built web app (default: found, see docs/panel.md)");
  cmd->add_option("--" + prefix + "tls-cert", o.tls_cert, "PEM certificate chain for an https:// panel");
  cmd->add_option("--" + prefix + "tls-key", o.tls_key, "PEM private key for an https:// panel");
  cmd->add_flag("--" + prefix + "git-commit", o.git_commit,
                "Make each panel save a git commit (author: the panel user; message: the routing "
                "diff) when the tenant lives in a git work tree");
}

PanelServer::PanelServer(const PanelServerOptions& o, panel::PanelHooks hooks)
    : impl_(std::make_unique<Impl>()) {
  std::string error;
  auto options = http::parse_listen_url(o.listen, impl_->tls, error);
  if (!options) throw Error(fmt::format("panel {}: {}", o.listen, error));
  if (impl_->tls) {
    if (o.tls_cert.empty() || o.tls_key.empty())
      throw Error("an https:// panel needs a TLS certificate and key");
    options->tls = http::TlsFiles{o.tls_cert, o.tls_key};
  }
  options->limits.max_body_bytes = 1024 * 1024;  // a CSV import of a large company
  impl_->http = *options;
  // Each company, given or found in the tenants directory: its saves may be commits.
  auto prepare = [git_commit = o.git_commit](panel::Workspace& ws) {
    if (!git_commit) return;
    const std::string top = ws.files().top.string();
    if (auto tree = ws.commit_saves())
      fmt::print(stderr, "callplan: panel saves of {} are commits in {}\n", top, tree->string());
    else
      fmt::print(stderr, "callplan: {} is not in a git work tree: its saves are not committed\n", top);
  };
  std::vector<std::unique_ptr<panel::Workspace>> workspaces;
  for (const std::string& t : o.tenants) {
    workspaces.push_back(std::make_unique<panel::Workspace>(t));
    prepare(*workspaces.back());
  }
  auto set = std::make_unique<panel::TenantSet>(
      std::move(workspaces), o.list_tenants_dir,
      [](const std::string& line) { fmt::print(stderr, "callplan: {}\n", line); }, prepare);
  impl_->tenants = set->size();
  impl_->tenants_dir = o.tenants_dir;
  impl_->web = panel::find_web_dir(o.web.empty() ? std::nullopt
                                                 : std::optional<std::filesystem::path>(o.web));
  if (!impl_->web) {
    if (!o.web.empty()) throw Error(fmt::format("--web {}: no index.html there", o.web));
    fmt::print(stderr, "callplan: the panel's web app is not built (scripts/build-panel.sh): "
                       "serving the API only\n");
  }
  impl_->accounts = std::make_unique<panel::AccountStore>(o.state_dir);
  impl_->api = std::make_unique<panel::PanelApi>(std::move(set), *impl_->accounts,
                                                 panel::PanelSecurityLog(stderr), impl_->web,
                                                 std::move(hooks));
}

PanelServer::~PanelServer() { stop(); }

void PanelServer::start() {
  panel::PanelApi& api = *impl_->api;
  impl_->server = std::make_unique<http::Server>(
      impl_->http, [&api](const http::Request& request, const http::Peer& peer) {
        std::string address = peer.address.to_string();
        if (const auto scope = address.find('%'); scope != std::string::npos) address.resize(scope);
        return api.handle(request, panel::Client{address, peer.port, peer.tls});
      });
  try {
    impl_->server->start();
  } catch (const http::StartError& e) {
    impl_->server.reset();
    throw Error(fmt::format("panel {}:{}: {}", impl_->http.address, impl_->http.port, e.what()));
  }
  fmt::print(stderr, "callplan: panel on {}://{}:{} ({} tenant{}{}, web app: {})\n",
             impl_->tls ? "https" : "http", impl_->http.address, impl_->server->port(),
             impl_->tenants, impl_->tenants == 1 ? "" : "s",
             impl_->tenants_dir.empty() ? "" : " with the tenants directory " + impl_->tenants_dir,
             impl_->web ? impl_->web->string() : "none");
}

void PanelServer::stop() {
  if (impl_ && impl_->server) {
    impl_->server->stop();
    impl_->server.reset();
  }
}

}  // namespace callplan::cli
