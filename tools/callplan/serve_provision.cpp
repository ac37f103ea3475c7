// See serve_provision.hpp.
#include "serve_provision.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "http/server.hpp"
#include "provision/device_secret.hpp"
#include "provision/endpoint.hpp"
#include "provision/server_address.hpp"

namespace callplan::cli {

class ProvisioningService {
 public:
  ProvisioningService(std::string secret, provision::EndpointOptions endpoint,
                      http::ServerOptions server)
      : endpoint_(std::move(secret), std::move(endpoint), [this] { return served_.current(); }),
        server_(std::move(server), [this](const http::Request& request, const http::Peer& peer) {
          return endpoint_.answer(request, peer);
        }) {}
  void start() { server_.start(); }
  std::uint16_t port() const { return server_.port(); }
  // The SIP server's thread, after every load: the companies it serves now.
  void publish(provision::CompanyTenants tenants) { served_.publish(std::move(tenants)); }

 private:
  provision::ServedTenants served_;
  provision::ProvisionEndpoint endpoint_;
  http::Server server_;  // last: stopped (joined) first, before what its handler uses
};

std::shared_ptr<ProvisioningService> start_provisioning(const ServeProvisionOptions& o,
                                                        const std::string& state_dir,
                                                        const std::vector<sip::Peer>& listen,
                                                        std::string& error) {
  bool tls = false;
  std::optional<http::ServerOptions> server = http::parse_listen_url(o.url, tls, error);
  if (!server) {
    error = "--provision " + error;
    return nullptr;
  }
  if (tls != (!o.tls_cert.empty() || !o.tls_key.empty()) ||
      o.tls_cert.empty() != o.tls_key.empty()) {
    error = tls ? "--provision https://...: give --tls-cert and --tls-key"
                : "--tls-cert and --tls-key go with --provision https://...";
    return nullptr;
  }
  if (tls) server->tls = http::TlsFiles{o.tls_cert, o.tls_key};

  provision::EndpointOptions endpoint;
  endpoint.render.ntp_server = o.ntp;
  if (!o.sip.empty()) {
    std::optional<provision::SipServer> sip = provision::parse_sip_server(o.sip);
    if (!sip) {
      error = fmt::format("--provision-sip `{}`: expected HOST or HOST:PORT", o.sip);
      return nullptr;
    }
    endpoint.render.server = *sip;
  } else {
    // The first --listen address, unless it is a wildcard the phones cannot dial.
    const sip::Peer& first = listen.front();
    if (first.address.is_unspecified()) {
      error = fmt::format("--listen {} listens on every address: give --provision-sip HOST[:PORT], "
                          "the SIP address the phones reach", first.to_string());
      return nullptr;
    }
    endpoint.render.server.host = first.host_port().substr(0, first.host_port().rfind(':'));
    endpoint.render.server.port = first.port;
  }
  // The phones register over the first --listen's transport.
  endpoint.render.server.transport = listen.front().protocol == sip::Protocol::tcp
                                         ? provision::Transport::tcp
                                         : provision::Transport::udp;

  std::string secret;
  try {
    secret = provision::load_or_create_secret(state_dir + "/" +
                                              std::string(provision::kSecretFileName));
  } catch (const std::runtime_error& e) {
    error = e.what();
    return nullptr;
  }
  std::shared_ptr<ProvisioningService> service;
  try {
    service = std::make_shared<ProvisioningService>(std::move(secret), std::move(endpoint),
                                                    *server);
    service->start();
  } catch (const http::StartError& e) {
    error = fmt::format("--provision {}: {}", o.url, e.what());
    return nullptr;
  }
  // Port 0 (tests): the port the kernel chose.
  const std::string shown = o.url.ends_with(":0")
                                ? o.url.substr(0, o.url.size() - 1) + std::to_string(service->port())
                                : o.url;
  fmt::print("provisioning on {}\n", shown);
  std::fflush(stdout);
  return service;
}

void publish_tenants(ProvisioningService& service, provision::CompanyTenants tenants) {
  service.publish(std::move(tenants));
}

}  // namespace callplan::cli
