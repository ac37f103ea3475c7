// sip/server/server.hpp — `callplan serve`: the transport, transaction layer, registrar,
// authentication, security limits and the proxy, wired on one asio::io_context.
//
//   Server server(options);       // loads the tenant: throws callplan::Error when it has errors
//   server.start();               // binds; prints "listening on ..." and "ready"
//   server.run();                 // until SIGTERM/SIGINT (SIGHUP reloads the tenant)
//
// Who may do what (docs/sip-server.md): requests from the trunk's IP address are trusted
// (calls to the tenant's numbers); everything else needs digest authentication — REGISTER
// gets 401, other requests 407 — except requests inside a dialog this server set up. Known and
// unknown usernames get the same answers. Failures are throttled and logged (security_log.hpp),
// and every source address, and every address:port within it, has a request budget
// (rate_limiter.hpp).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sip/registrar/digest_policy.hpp"
#include "sip/registrar/registrar.hpp"
#include "sip/security/auth_throttle.hpp"
#include "sip/security/rate_limiter.hpp"
#include "sip/server/log.hpp"
#include "sip/server/metrics.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/transport.hpp"

namespace callplan::sip {

struct ServerOptions {
  std::string tenant_path;
  std::vector<Peer> listen;
  std::optional<Peer> trunk;
  std::string media_server;  // SIP URI with an IP literal host, "" for none
  std::string realm;         // digest realm; "" means the tenant's login
  DigestPolicy digest{};     // which algorithms a challenge offers (default: MD5 alone)
  std::string call_records;  // JSON-lines file of call detail records, "" for none
  LogLevel log_level = LogLevel::info;
  LogLimit log_limit{};  // lines per kind per window (log.hpp)
  TransactionTimes times{};
  RegistrarPolicy registrar{};
  RateLimit rate{};                                  // per source address (an office)
  RateLimit endpoint_rate{.rate = 50, .burst = 100};  // per address:port (one phone)
  ThrottlePolicy throttle{};
  TransportLimits transport{};
  std::chrono::seconds drain_limit{10};  // SIGTERM: how long calls in progress may finish
  // Counters and gauges for `--metrics` (metrics.hpp), read from other threads; null: none.
  std::shared_ptr<ServerMetrics> metrics;
};

class Server {
 public:
  // Loads the tenant (throws callplan::Error) and opens the call record file (throws
  // std::system_error naming it).
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every --listen address (throws std::system_error) and prints them, then "ready".
  void start();
  // Runs until stop() / SIGTERM / SIGINT.
  void run();
  // Loads the tenant file again; a tenant with errors is refused (logged) and the old one
  // stays. Returns whether the new one was taken.
  bool reload();
  // Graceful: new calls get 503, calls in progress get up to drain_limit to finish.
  void stop();

  std::vector<Peer> listening() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callplan::sip
