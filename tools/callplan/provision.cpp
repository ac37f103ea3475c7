// `callplan provision render TENANT --device ID [--server HOST:PORT] [--transport udp|tcp]`:
// print the configuration file(s) a desk phone would fetch (SPEC section 13). The rendering is
// src/provision's; this file only translates options. `provision credentials` and the HTTP
// endpoint come with the shared HTTP server.
//
// Exit codes (SPEC 4): 0 printed, 1 the tenant has errors, 2 bad options, an unknown device or
// a device that cannot be provisioned (no MAC, no clear-text password, another brand, a value
// its format cannot carry).
#include <charconv>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "callplan/check.hpp"
#include "callplan/report.hpp"
#include "commands.hpp"
#include "provision/provision.hpp"

namespace callplan::cli {
namespace {

struct ProvisionRenderOptions {
  std::string tenant;
  std::string device;
  std::string server = "127.0.0.1:5060";
  std::string transport = "udp";
  std::string ntp = "pool.ntp.org";
  std::string file;  // print only this file, byte for byte
};

// "host", "host:port", "[v6]" or "[v6]:port"; the port defaults to 5060.
std::optional<provision::SipServer> parse_server(const std::string& text) {
  provision::SipServer server;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) return std::nullopt;
    server.host = text.substr(0, close + 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return std::nullopt;
      port = text.substr(close + 2);
    }
  } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
    server.host = text.substr(0, colon);
    port = text.substr(colon + 1);
  } else {
    server.host = text;
  }
  if (server.host.empty() || server.host.find_first_of(" \t\r\n") != std::string::npos) {
    return std::nullopt;
  }
  if (!port.empty() || text.back() == ':') {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      return std::nullopt;
    }
    server.port = static_cast<std::uint16_t>(value);
  }
  return server;
}

int usage(const std::string& message) {
  fmt::print(stderr, "callplan provision render: {}\n", message);
  return kExitUsage;
}

int run_render(const ProvisionRenderOptions& o) {
  provision::RenderOptions options;
  std::optional<provision::SipServer> server = parse_server(o.server);
  if (!server) return usage(fmt::format("--server `{}`: expected HOST or HOST:PORT", o.server));
  options.server = *server;
  options.server.transport = o.transport == "tcp" ? provision::Transport::tcp
                                                  : provision::Transport::udp;
  options.ntp_server = o.ntp;

  CheckedTenant tenant = load_and_check(o.tenant);  // throws Error: exit 2 in main
  if (has_errors(tenant.issues)) {
    fmt::print(stderr, "{}", format_gcc({FileReport{o.tenant, tenant.issues,
                                                    &tenant.tenant.sources}}));
    fmt::print(stderr, "callplan: `{}` has errors; fix them before provisioning phones\n",
               o.tenant);
    return kExitFindings;
  }
  const Device* device = nullptr;
  for (const Device& d : tenant.tenant.devices) {
    if (d.id.value == o.device) device = &d;
  }
  if (device == nullptr) return usage(fmt::format("`{}` has no device `{}`", o.tenant, o.device));

  provision::RenderedDevice rendered;
  try {
    rendered = provision::render(tenant.tenant, *device, options);
  } catch (const provision::NotProvisionable& e) {
    fmt::print(stderr, "callplan: cannot provision: {}\n", e.what());
    return kExitUsage;
  }
  for (const std::string& note : rendered.notes) fmt::print(stderr, "callplan: note: {}\n", note);

  if (!o.file.empty()) {
    for (const provision::ProvisioningFile& f : rendered.files) {
      if (f.name == o.file) {
        fmt::print("{}", f.content);
        return kExitOk;
      }
    }
    std::string names;
    for (const provision::ProvisioningFile& f : rendered.files) names += " " + f.name;
    return usage(fmt::format("--file {}: device `{}` gets only:{}", o.file, o.device, names));
  }
  // Several files are separated as head(1) does, so the output reads like the phone's fetches.
  bool first = true;
  for (const provision::ProvisioningFile& f : rendered.files) {
    fmt::print("{}==> {} <==\n{}", first ? "" : "\n", f.name, f.content);
    first = false;
  }
  return kExitOk;
}

}  // namespace

void add_provision_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("provision", "Configuration files for desk phones");
  cmd->require_subcommand(1);

  auto o = std::make_shared<ProvisionRenderOptions>();
  CLI::App* render = cmd->add_subcommand("render", "Print the file(s) a phone would fetch");
  render->add_option("tenant", o->tenant, "Tenant file (YAML)")->required();
  render->add_option("--device", o->device, "Device id")->required();
  render->add_option("--server", o->server,
                     "SIP server as the phones reach it: HOST[:PORT] (default 127.0.0.1:5060)");
  render->add_option("--transport", o->transport, "SIP transport (default udp)")
      ->check(CLI::IsMember({"udp", "tcp"}));
  render->add_option("--ntp", o->ntp, "NTP server (default pool.ntp.org)");
  render->add_option("--file", o->file, "Print only this file, byte for byte");
  render->callback([o, &exit_code] { exit_code = run_render(*o); });
}

}  // namespace callplan::cli
