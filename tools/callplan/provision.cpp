// `callplan provision render TENANT --device ID [--server HOST:PORT] [--transport udp|tcp]`:
// print the configuration file(s) a desk phone would fetch (SPEC section 13).
// `callplan provision credentials TENANT [--device ID] --url URL [--state-dir DIR]`: print each
// phone's provisioning URL, user and password (for its web page or DHCP option 66). The
// rendering and the passwords are src/provision's; this file only translates options.
//
// Exit codes (SPEC 4): 0 printed, 1 the tenant has errors, 2 bad options, an unknown device or
// a device that cannot be provisioned (no MAC, no clear-text password, another brand, a value
// its format cannot carry).
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "callplan/check.hpp"
#include "callplan/report.hpp"
#include "commands.hpp"
#include "state_dir.hpp"
#include "provision/device_secret.hpp"
#include "provision/mac.hpp"
#include "provision/provision.hpp"
#include "provision/server_address.hpp"

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

int usage(const std::string& message) {
  fmt::print(stderr, "callplan provision render: {}\n", message);
  return kExitUsage;
}

int run_render(const ProvisionRenderOptions& o) {
  provision::RenderOptions options;
  std::optional<provision::SipServer> server = provision::parse_sip_server(o.server);
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

struct ProvisionCredentialsOptions {
  std::string tenant;
  std::string device;     // "" for every provisionable device
  std::string url;        // the endpoint as the phones reach it, e.g. http://192.0.2.5:8080
  std::string state_dir;  // "" for the default of SPEC 11
};

std::string_view brand_name(Brand brand) {
  switch (brand) {
    case Brand::yealink: return "yealink";
    case Brand::snom: return "snom";
    case Brand::grandstream: return "grandstream";
    case Brand::polycom: return "polycom";
    case Brand::other: return "other";
  }
  return "other";
}

int run_credentials(const ProvisionCredentialsOptions& o) {
  const auto fail = [](const std::string& message) {
    fmt::print(stderr, "callplan provision credentials: {}\n", message);
    return kExitUsage;
  };
  std::string base = o.url;
  while (base.ends_with("/")) base.pop_back();
  if (!(base.starts_with("http://") || base.starts_with("https://")) ||
      base.find_first_of(" \t\r\n") != std::string::npos) {
    return fail(fmt::format("--url `{}`: expected http://HOST:PORT or https://HOST:PORT, the "
                            "endpoint as the phones reach it", o.url));
  }
  CheckedTenant tenant = load_and_check(o.tenant);  // throws Error: exit 2 in main
  if (has_errors(tenant.issues)) {
    fmt::print(stderr, "{}", format_gcc({FileReport{o.tenant, tenant.issues,
                                                    &tenant.tenant.sources}}));
    fmt::print(stderr, "callplan: `{}` has errors; fix them before provisioning phones\n",
               o.tenant);
    return kExitFindings;
  }
  std::vector<const Device*> devices;
  for (const Device& d : tenant.tenant.devices) {
    if (!o.device.empty() && d.id.value != o.device) continue;
    if (!o.device.empty() && !provision::is_provisionable(d)) {
      return fail(fmt::format("device `{}` cannot be provisioned: it needs a `mac` and a brand "
                              "of yealink, snom, grandstream or polycom", o.device));
    }
    if (provision::is_provisionable(d)) devices.push_back(&d);
  }
  if (!o.device.empty() && devices.empty()) {
    return fail(fmt::format("`{}` has no device `{}`", o.tenant, o.device));
  }

  const std::string dir = o.state_dir.empty() ? default_state_directory() : o.state_dir;
  if (dir.empty()) return fail("no state directory: HOME and XDG_STATE_HOME are not set; give --state-dir DIR");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string secret;
  try {
    secret = provision::load_or_create_secret(dir + "/" + std::string(provision::kSecretFileName));
  } catch (const std::runtime_error& e) {
    return fail(e.what());
  }
  bool first = true;
  for (const Device* d : devices) {
    const std::string mac = *provision::normalise_mac(d->mac.value);
    // Snom takes the file's URL ({mac} is Snom's own placeholder, for one URL in DHCP);
    // the others take the directory and add their file names.
    const std::string url = d->brand.value == Brand::snom ? base + "/" + mac + ".xml" : base + "/";
    fmt::print("{}{} ({}{}{})\n  url:      {}\n  user:     {}\n  password: {}\n", first ? "" : "\n",
               d->id.value, brand_name(d->brand.value), d->model.empty() ? "" : " ", d->model,
               url, mac, provision::device_password(secret, mac));
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

  auto c = std::make_shared<ProvisionCredentialsOptions>();
  CLI::App* credentials = cmd->add_subcommand(
      "credentials", "Print each phone's provisioning URL, user and password");
  credentials->add_option("tenant", c->tenant, "Tenant file (YAML)")->required();
  credentials->add_option("--device", c->device, "Only this device");
  credentials->add_option("--url", c->url,
                          "The endpoint as the phones reach it: http(s)://HOST:PORT "
                          "(serve --provision)")
      ->required();
  credentials->add_option("--state-dir", c->state_dir,
                          "serve's state directory, where provision.secret is kept (default "
                          "/var/lib/callplan as root, else $XDG_STATE_HOME/callplan)");
  credentials->callback([c, &exit_code] { exit_code = run_credentials(*c); });
}

}  // namespace callplan::cli
