// `callplan serve --panel URL`: the administration panel inside the SIP server (docs/panel.md,
// "Inside serve"). The panel runs on the shared HTTP server's own threads; a save is applied as
// SIGHUP applies a hand edit (the SIP loop reloads each company's files, a file with errors
// keeps its company's running plan), and the dashboard shows which devices are registered.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "panel_server.hpp"
#include "sip/server/registered_devices.hpp"

namespace callplan::cli {

struct ServePanelOptions {
  std::string listen;  // --panel; "" for none
  PanelServerOptions server;
};

// --panel and the panel's --panel-web, --panel-tls-cert, --panel-tls-key, --panel-git-commit.
void add_serve_panel_options(CLI::App* cmd, ServePanelOptions& o);

// Starts the panel for every company serve serves: the files it was given and, with
// `tenants_dir` (--tenants DIR), every tenant main file of that directory, once the SIP server
// runs. Each company's administrator sees and changes only their own company; a save is
// applied as SIGHUP applies it. nullptr with `error` set on a usage error.
std::shared_ptr<PanelServer> start_serve_panel(const ServePanelOptions& o,
                                               const std::vector<std::string>& tenants,
                                               const std::string& tenants_dir,
                                               const std::string& state_dir,
                                               std::shared_ptr<const sip::RegisteredDevices> registered,
                                               std::string& error);

}  // namespace callplan::cli
