#include "serve_panel.hpp"

#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "sip/companies/tenant_files.hpp"

namespace callplan::cli {

void add_serve_panel_options(CLI::App* cmd, ServePanelOptions& o) {
  cmd->add_option("--panel", o.listen,
                  "Serve the administration panel at http://ADDR:PORT or https://ADDR:PORT "
                  "(docs/panel.md); its saves are applied as SIGHUP applies an edit");
  add_panel_server_options(cmd, o.server, "panel-");
}

std::shared_ptr<PanelServer> start_serve_panel(const ServePanelOptions& o,
                                               const std::vector<std::string>& tenants,
                                               const std::string& tenants_dir,
                                               const std::string& state_dir,
                                               std::shared_ptr<const sip::RegisteredDevices> registered,
                                               std::string& error) {
  PanelServerOptions options = o.server;
  options.listen = o.listen;
  options.tenants = tenants;
  if (!tenants_dir.empty()) {
    // The same files the SIP server serves (it lists the directory again at each SIGHUP).
    options.tenants_dir = tenants_dir;
    options.list_tenants_dir = [tenants_dir] { return sip::tenant_files(tenants_dir); };
  }
  options.state_dir = state_dir;
  panel::PanelHooks hooks;
  // The SIP loop reloads on SIGHUP (sip/server/server.cpp): a saved company is applied the
  // same way as a hand edit, on that loop's thread, never from the panel's. (The reload reads
  // every company's files again; only the saved company's have changed.)
  hooks.saved = [](const std::string&) { ::kill(::getpid(), SIGHUP); };
  hooks.registered = [registered] { return registered->snapshot(); };
  try {
    auto server = std::make_shared<PanelServer>(options, std::move(hooks));
    server->start();
    return server;
  } catch (const Error& e) {
    error = fmt::format("--panel: {}", e.what());
    return nullptr;
  }
}

}  // namespace callplan::cli
