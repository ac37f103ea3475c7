// provision/endpoint.hpp — the provisioning endpoint of `callplan serve --provision` (SPEC 13,
// docs/provisioning.md): answers a phone's HTTP request for its configuration file.
//
//   ServedTenants served;   // the SIP server publishes its companies here after every load
//   ProvisionEndpoint endpoint(secret, options, [&] { return served.current(); });
//   http::Server server(http_options, [&](const http::Request& r, const http::Peer& p) {
//     return endpoint.answer(r, p);
//   });
//
// For each GET or HEAD request, in this order:
// 1. The target must be one plain file name at the root (request_path.hpp): else 404, and the
//    request counts as a failure of its source (scanners looking for ../ or /admin).
// 2. Throttled source (or source and MAC): 401 without verifying anything.
// 3. HTTP digest, user = the MAC (looked up across every company served: a MAC belongs to one
//    company only, CP603) (any spelling normalise_mac takes), password
//    device_password(secret, MAC), qop=auth, nonce-count replay refused (device_auth.hpp).
//    A wrong password, an unknown MAC, a replayed nonce and a User-Agent that does not name the
//    device's brand all get the same 401 (only the fresh nonce differs, as it does between any
//    two challenges), are counted by the throttle and logged as `auth-failure` lines.
// 4. The file must be one the device fetches (its rendering; Yealink's per-model common file
//    y0000000000XX.cfg is answered with the common one): else 404, and a name with another
//    phone's MAC in it is logged and counted as a failure.
// Every answer has Cache-Control: no-store. Other methods get 405.
//
// Thread-safe (one mutex): the HTTP server may call it from several threads.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "callplan/model.hpp"
#include "http/server.hpp"
#include "provision/device_auth.hpp"
#include "provision/provision.hpp"
#include "sip/security/auth_throttle.hpp"

namespace callplan::provision {

struct EndpointOptions {
  RenderOptions render;                 // the SIP server the phones register with, NTP, keys
  sip::ThrottlePolicy throttle{};       // failures per source and MAC, per source
  std::chrono::seconds nonce_lifetime{300};
  std::FILE* security_log = stderr;     // auth-failure / auth-blocked lines; null: none
  std::FILE* log = stderr;              // one line per file served; null: none
};

// The tenants of the companies `callplan serve` serves now, in file order; replaced as a whole
// after every load (start and SIGHUP), so the endpoint serves what the SIP server serves: a
// refused version of a file leaves its company's previous one, as for SIP.
using CompanyTenants = std::vector<std::shared_ptr<const Tenant>>;

// Where the SIP server's thread publishes them and the HTTP thread reads them. Thread-safe.
class ServedTenants {
 public:
  void publish(CompanyTenants tenants) {
    auto fresh = std::make_shared<const CompanyTenants>(std::move(tenants));
    std::lock_guard lock(mutex_);
    current_ = std::move(fresh);
  }
  std::shared_ptr<const CompanyTenants> current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const CompanyTenants> current_ = std::make_shared<const CompanyTenants>();
};

class ProvisionEndpoint {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // The companies as served now (they change between calls: a reload).
  using TenantSource = std::function<std::shared_ptr<const CompanyTenants>()>;

  ProvisionEndpoint(std::string secret, EndpointOptions options, TenantSource tenant);

  http::Response answer(const http::Request& request, const http::Peer& peer);
  http::Response answer(const http::Request& request, const http::Peer& peer, TimePoint now);

 private:
  struct Phone {
    const Tenant* tenant = nullptr;  // its company
    const Device* device = nullptr;
    std::string mac;  // normalised
  };
  void refresh_index(const std::shared_ptr<const CompanyTenants>& tenants);
  http::Response challenge(const http::Request& request, bool stale, TimePoint now);
  http::Response plain(const http::Request& request, boost::beast::http::status status,
                       std::string_view text);
  void log_failure(const http::Request& request, const http::Peer& peer, std::string_view user,
                   std::string_view reason, TimePoint now);

  std::mutex mutex_;
  EndpointOptions options_;
  TenantSource tenant_source_;
  DigestVerifier verifier_;
  sip::AuthThrottle throttle_;
  std::shared_ptr<const CompanyTenants> tenants_;  // what index_ points into
  std::unordered_map<std::string, Phone> index_;  // normalised MAC -> phone
};

}  // namespace callplan::provision
