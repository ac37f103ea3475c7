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

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "callplan/model.hpp"
#include "cluster/shared_registrations.hpp"
#include "sip/media_side/supervisor.hpp"
#include "sip/registrar/digest_policy.hpp"
#include "sip/registrar/registrar.hpp"
#include "sip/security/auth_throttle.hpp"
#include "sip/security/rate_limiter.hpp"
#include "sip/server/log.hpp"
#include "sip/server/metrics.hpp"
#include "sip/server/registered_devices.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/transport.hpp"

namespace callplan::sip {

struct ServerOptions {
  std::string tenant_path;
  // Many companies (SPEC 11, sip/companies/companies.hpp): further tenant files, and a
  // directory whose tenant main files are companies too (after the files, sorted by name).
  std::vector<std::string> tenant_paths;
  std::string tenants_dir;
  std::vector<Peer> listen;
  std::optional<Peer> trunk;
  std::string media_server;  // SIP URI with an IP literal host, "" for none
  std::string realm;         // digest realm of every company; "" means each company's login
  DigestPolicy digest{};     // which algorithms a challenge offers (default: MD5 alone)
  std::string call_records;  // JSON-lines file of call detail records, "" for none
  std::string voicemail_dir;  // <state>/voicemail: counts for message waiting; "" for none
  // Registrations and round-robin positions kept across restarts in DIR/state.db
  // (state_keeper.hpp, docs/state.md); "" keeps them in memory only.
  std::string state_dir;
  // `--cluster` (SPEC 12, docs/cluster.md): registrations shared with the other nodes through
  // Redis (cluster/shared_registrations.hpp); they are then not kept in state_dir's store.
  // Empty `cluster.node`: no cluster.
  callplan::cluster::ClusterOptions cluster{};
  // How long the server waits at start for its first read of Redis before it serves anyway.
  std::chrono::milliseconds cluster_start_wait{3000};
  LogLevel log_level = LogLevel::info;
  LogLimit log_limit{};  // lines per kind per window (log.hpp)
  TransactionTimes times{};
  RegistrarPolicy registrar{};
  RateLimit rate{};                                  // per source address (an office)
  RateLimit endpoint_rate{.rate = 50, .burst = 100};  // per address:port (one phone)
  // Per authenticated device, whatever its source (checked after digest authentication): a
  // phone subscribing to 100 busy lamps at boot fits in the burst.
  RateLimit account_rate{.rate = 20, .burst = 200};
  ThrottlePolicy throttle{};
  TransportLimits transport{};
  std::chrono::seconds drain_limit{10};  // SIGTERM: how long calls in progress may finish
  // How long the target of a phone's transfer rings before the call goes back (own media).
  std::chrono::seconds transfer_timeout{30};
  // callplan's own media side (used when media_server is ""): the supervised `callplan media`
  // process and the calls serve answers itself (docs/sip-server.md).
  MediaSideOptions media_side{};
  // Counters and gauges for `--metrics` (metrics.hpp), read from other threads; null: none.
  std::shared_ptr<ServerMetrics> metrics;
  // `--provision` (SPEC 13, docs/provisioning.md): called on the server's thread after every
  // load with the tenants of the companies served, in file order; and after a reload, the
  // registrations of each phone whose provisioning file changed get `NOTIFY Event:
  // check-sync` (check_sync.cpp). Empty: neither.
  std::function<void(std::vector<std::shared_ptr<const Tenant>>)> provisioning;
  // Which devices are registered, for `--panel`'s dashboard (registered_devices.hpp); null: none.
  std::shared_ptr<RegisteredDevices> registered;
};

class Server {
 public:
  // Loads the tenants (throws callplan::Error when none can be served; with several, a file
  // with errors or conflicts is refused, logged, and the others serve), opens the call record
  // file (throws std::system_error naming it) and the state store (throws state::StoreError:
  // locked, corrupt, too new, I/O), and loads what the store kept before the first request.
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every --listen address (throws std::system_error) and prints them, then "ready".
  void start();
  // Runs until stop() / SIGTERM / SIGINT, then writes what the state store has queued.
  void run();
  // Loads every tenant file again, each on its own; a file with errors or conflicts is
  // refused (logged) and its company's old version stays. Returns whether every file was
  // taken.
  bool reload();
  // Graceful: new calls get 503, calls in progress get up to drain_limit to finish.
  void stop();

  std::vector<Peer> listening() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callplan::sip
