// `callplan serve --provision http://ADDR:PORT`: the provisioning endpoint beside the SIP
// server, on the shared HTTP server's own thread (docs/provisioning.md). serve.cpp reads the
// options; this file wires src/provision's endpoint to src/http.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "callplan/model.hpp"
#include "sip/transport/peer.hpp"

namespace callplan::cli {

struct ServeProvisionOptions {
  std::string url;       // "" for no endpoint
  std::string tls_cert;  // https only
  std::string tls_key;
  std::string sip;       // the SIP server as phones reach it; "" for the first --listen
  std::string ntp = "pool.ntp.org";
};

class ProvisioningService;

// Starts the endpoint (prints "provisioning on URL"); nullptr with `error` set (a usage error:
// bad URL or TLS files, an address that cannot be bound, an unreadable secret).
std::shared_ptr<ProvisioningService> start_provisioning(const ServeProvisionOptions& options,
                                                        const std::string& state_dir,
                                                        const std::vector<sip::Peer>& listen,
                                                        std::string& error);

// What the phones are served from now: the tenants of the companies the SIP server serves, in
// file order. Called on the SIP server's thread after every load (start and SIGHUP).
void publish_tenants(ProvisioningService& service,
                     std::vector<std::shared_ptr<const Tenant>> tenants);

}  // namespace callplan::cli
