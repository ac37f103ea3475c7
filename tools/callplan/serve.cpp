// `callplan serve TENANT... [--tenants DIR] --listen udp:ADDR:PORT [--listen tcp:ADDR:PORT] [--trunk ADDR:PORT]
// [--media-server URI] [--digest md5|sha256,md5|...] [--log-level LEVEL]
// [--socket-buffer BYTES] [--log-limit LINES] [--metrics ADDR:PORT] [--cluster URL]` — the reference SIP
// server (SPEC section 9, docs/sip-server.md; --cluster: SPEC 12, docs/cluster.md). Everything SIP is in src/sip; this file reads options.
//
// Exit codes (SPEC 4): 0 stopped by SIGTERM/SIGINT, 1 the tenant has errors, 2 bad options,
// an address that cannot be bound, or a state directory / call record file that cannot be
// created or written, or a state store that is locked, damaged or too new (its code in
// brackets: state-locked, state-corrupt, state-too-new, state-io; docs/state.md).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "cluster/cluster_secret.hpp"
#include "cluster/redis_address.hpp"
#include "cluster/redis_credentials.hpp"
#include "commands.hpp"
#include "serve_metrics.hpp"
#include "serve_panel.hpp"
#include "serve_provision.hpp"
#include "sip/proxy/next_hop.hpp"
#include "sip/server/server.hpp"
#include "sip/uri.hpp"
#include "state/store.hpp"

namespace callplan::cli {
namespace {

struct ServeCliOptions {
  std::vector<std::string> tenants;  // several: many companies (SPEC 11)
  std::string tenants_dir;
  std::vector<std::string> listen;
  std::string trunk;
  std::string media_server;
  std::string realm;
  std::string digest = "md5";
  std::string state_dir;  // "" for the default of SPEC 11
  std::string cdr;        // "" for <state-dir>/cdr.jsonl
  bool memory_only = false;  // no state store: registrations and round robin die with us
  double rate_limit = 500;
  double endpoint_rate_limit = 50;
  double account_rate_limit = 20;
  std::string log_level = "info";
  // Load limits (issue 18): kernel socket buffers, log lines per kind.
  std::size_t socket_buffer = sip::TransportLimits{}.socket_buffer;
  unsigned log_limit = sip::LogLimit{}.lines;
  ServeProvisionOptions provision;  // --provision, --tls-cert, --tls-key, --provision-sip
  // callplan's own media side (docs/sip-server.md): on unless --no-media or --media-server.
  bool no_media = false;
  std::string rtp_address;  // "" for the first --listen address
  std::string rtp_ports = "10000-20000";
  std::string sdp_address;
  std::string smtp;
  std::string mail_from;
  std::string metrics;              // --metrics ADDR:PORT, "" for none
  unsigned transfer_timeout = 30;   // seconds a transfer's target rings before it comes back
  ServePanelOptions panel;          // --panel URL and its options (serve_panel.hpp)
  // --cluster (SPEC 12, docs/cluster.md)
  std::string cluster;               // redis://ADDR:PORT or unix:PATH, "" for none
  std::string cluster_node;          // "" for the first --listen address
  unsigned cluster_retry_max = 5000;      // ms between attempts to reach Redis, at most
  unsigned cluster_confirm_timeout = 1000;  // ms a REGISTER waits for Redis, at most
  unsigned cluster_start_wait = 3000;     // ms the start waits for the first read of Redis
  std::string cluster_secret_file;        // the secret shared by every node, "" for none
  std::string cluster_auth_file;          // Redis's AUTH password (and ACL user), "" for none
  unsigned cluster_tcp_expires = 300;     // s: the longest registration over TCP
};

// --cluster and its options into `options.cluster`; false with `error` set.
bool cluster_options(const ServeCliOptions& o, sip::ServerOptions& options, std::string& error) {
  if (o.cluster.empty()) {
    if (!o.cluster_node.empty()) error = "--cluster-node goes with --cluster";
    if (!o.cluster_secret_file.empty()) error = "--cluster-secret-file goes with --cluster";
    if (!o.cluster_auth_file.empty()) error = "--cluster-auth-file goes with --cluster";
    return error.empty();
  }
  if (!o.cluster_auth_file.empty()) {
    std::string why;
    auto credentials = cluster::read_redis_credentials(o.cluster_auth_file, why);
    if (!credentials) {
      error = fmt::format("--cluster-auth-file {}", why);
      return false;
    }
    options.cluster.link.credentials = std::move(*credentials);
  }
  if (!o.cluster_secret_file.empty()) {
    std::string why;
    auto secret = cluster::read_cluster_secret(o.cluster_secret_file, why);
    if (!secret) {
      error = fmt::format("--cluster-secret-file {}", why);
      return false;
    }
    options.cluster.secret = std::move(*secret);
  }
  std::string why;
  auto redis = cluster::parse_redis_address(o.cluster, &why);
  if (!redis) {
    error = fmt::format("--cluster {}: {}", o.cluster, why);
    return false;
  }
  options.cluster.redis = *redis;
  const sip::Peer& first = options.listen.front();
  if (o.cluster_node.empty() && first.address.is_unspecified()) {
    error = fmt::format("--cluster: the first --listen address {} is a wildcard, which does not "
                        "tell this node from the others; give --cluster-node with the address "
                        "the other nodes reach it at (e.g. udp:10.0.0.1:5060)",
                        first.to_string());
    return false;
  }
  options.cluster.node = o.cluster_node.empty() ? first.to_string() : o.cluster_node;
  // The other nodes send this node the calls for the phones only it reaches (over TCP, behind
  // NAT): its name is where, as a --listen address is written.
  const auto node = sip::parse_peer(options.cluster.node);
  if (!node || node->address.is_unspecified() || node->port == 0) {
    error = fmt::format("--cluster-node {}: the address the other nodes reach this node at, as "
                        "udp:ADDRESS:PORT (e.g. udp:10.0.0.1:5060)",
                        options.cluster.node);
    return false;
  }
  options.cluster.link.retry_max = std::chrono::milliseconds(o.cluster_retry_max);
  options.cluster.link.retry_min =
      std::min(options.cluster.link.retry_min, options.cluster.link.retry_max);
  options.cluster.confirm_timeout = std::chrono::milliseconds(o.cluster_confirm_timeout);
  options.cluster_start_wait = std::chrono::milliseconds(o.cluster_start_wait);
  options.registrar.max_expires_connection = o.cluster_tcp_expires;
  return true;
}

// The `callplan media` arguments of the own media side; "" with `error` set when the options
// do not make one.
bool media_side_options(const ServeCliOptions& o, const std::string& state_dir,
                        const sip::ServerOptions& server, sip::MediaSideOptions& media,
                        std::string& error) {
  std::string rtp = o.rtp_address;
  if (rtp.empty()) rtp = server.listen.front().address.to_string();
  if (!o.smtp.empty() && o.mail_from.empty()) {
    error = "--smtp needs --mail-from ADDRESS (the sender of voicemail mail)";
    return false;
  }
  media.enabled = true;
  media.arguments = {"--rtp-address", rtp, "--rtp-ports", o.rtp_ports, "--state-dir", state_dir};
  if (!o.sdp_address.empty()) media.arguments.insert(media.arguments.end(), {"--sdp-address", o.sdp_address});
  if (!o.smtp.empty())
    media.arguments.insert(media.arguments.end(), {"--smtp", o.smtp, "--mail-from", o.mail_from});
  return true;
}

// A `--*-rate-limit N` option: N requests per second, bursts of `burst` times N; 0 turns the
// limit off. False for a negative N.
bool rate_limit(double per_second, double burst, sip::RateLimit& out) {
  if (per_second < 0) return false;
  if (per_second == 0) {
    out.rate = out.burst = 1e12;  // no limit
  } else {
    out.rate = per_second;
    out.burst = burst * per_second;
  }
  return true;
}

int usage(const std::string& message) {
  fmt::print(stderr, "callplan serve: {}\n", message);
  return kExitUsage;
}

// SPEC 11: /var/lib/callplan as root, else $XDG_STATE_HOME/callplan ($HOME/.local/state when
// XDG_STATE_HOME is not set, as the XDG base directory specification says).
std::string default_state_dir() {
  if (::geteuid() == 0) return "/var/lib/callplan";
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && *xdg == '/') return std::string(xdg) + "/callplan";
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') return std::string(home) + "/.local/state/callplan";
  return {};
}

// The state directory, created when missing; "" with `error` set when it cannot be.
std::string prepare_state_dir(const std::string& wanted, std::string& error) {
  std::string dir = wanted.empty() ? default_state_dir() : wanted;
  if (dir.empty()) {
    error = "no state directory: HOME and XDG_STATE_HOME are not set; give --state-dir DIR";
    return {};
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    error = fmt::format("--state-dir {}: cannot create it: {}", dir, ec.message());
    return {};
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    error = fmt::format("--state-dir {}: not a directory", dir);
    return {};
  }
  return dir;
}

int run(const ServeCliOptions& o) {
  sip::ServerOptions options;
  if (o.tenants.empty() && o.tenants_dir.empty())
    return usage("give a tenant file (or several), or --tenants DIR");
  if (!o.tenants.empty()) {
    options.tenant_path = o.tenants.front();
    options.tenant_paths.assign(o.tenants.begin() + 1, o.tenants.end());
  }
  if (!o.tenants_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(o.tenants_dir, ec))
      return usage(fmt::format("--tenants {}: not a directory", o.tenants_dir));
    options.tenants_dir = o.tenants_dir;
  }
  for (const std::string& text : o.listen) {
    std::string error;
    auto peer = sip::parse_peer(text, &error);
    if (!peer) return usage(fmt::format("--listen {}: {}", text, error));
    options.listen.push_back(*peer);
  }
  if (options.listen.empty()) return usage("give at least one --listen udp:ADDR:PORT");
  if (!o.trunk.empty()) {
    std::string error;
    auto peer = sip::parse_peer(o.trunk, &error);
    if (!peer) return usage(fmt::format("--trunk {}: {}", o.trunk, error));
    options.trunk = *peer;
  }
  if (!o.media_server.empty()) {
    sip::Uri uri;
    if (sip::parse_uri(o.media_server, uri) != sip::UriError::none || !sip::peer_of_uri(uri))
      return usage(fmt::format("--media-server {}: expected a SIP URI with an IP address, "
                               "e.g. sip:voicemail@127.0.0.1:5090", o.media_server));
    options.media_server = o.media_server;
  }
  options.realm = o.realm;
  {
    std::string error;
    auto policy = sip::DigestPolicy::parse(o.digest, &error);
    if (!policy) return usage(fmt::format("--digest {}: {}", o.digest, error));
    options.digest = std::move(*policy);
  }
  if (!rate_limit(o.rate_limit, 2, options.rate))
    return usage("--rate-limit: requests per second, 0 for no limit");
  if (!rate_limit(o.endpoint_rate_limit, 2, options.endpoint_rate))
    return usage("--endpoint-rate-limit: requests per second, 0 for no limit");
  if (!rate_limit(o.account_rate_limit, 10, options.account_rate))
    return usage("--account-rate-limit: requests per second, 0 for no limit");
  if (o.memory_only && !o.state_dir.empty())
    return usage("--memory-only and --state-dir exclude each other");
  // The state directory holds the store (unless --memory-only), the call records (unless
  // --cdr) and the voicemail of the own media side (SPEC 10, 11).
  const bool own_media = !o.no_media && o.media_server.empty();
  std::string state_dir;
  if (!o.memory_only || o.cdr.empty() || own_media) {
    std::string error;
    state_dir = prepare_state_dir(o.state_dir, error);
    if (state_dir.empty()) return usage(error);
  }
  if (!o.memory_only) options.state_dir = state_dir;
  if (own_media) {
    std::string error;
    if (!media_side_options(o, state_dir, options, options.media_side, error)) return usage(error);
  }
  // Message waiting reads the voicemail store under the state directory, when one is in use.
  if (!state_dir.empty()) options.voicemail_dir = state_dir + "/voicemail";
  options.call_records = o.cdr.empty() ? state_dir + "/cdr.jsonl" : o.cdr;
  auto level = sip::parse_log_level(o.log_level);
  if (!level) return usage("--log-level: one of error, warn, info, debug");
  options.log_level = *level;
  options.transfer_timeout = std::chrono::seconds(o.transfer_timeout);
  options.transport.socket_buffer = o.socket_buffer;
  options.log_limit.lines = o.log_limit;
  {
    std::string error;
    if (!cluster_options(o, options, error)) return usage(error);
  }

  // The provisioning endpoint (SPEC 13) runs on its own thread beside the SIP server; it
  // starts first so that "ready" means both are up.
  std::shared_ptr<ProvisioningService> provisioning;
  if (!o.provision.url.empty()) {
    std::string error;
    std::string dir = prepare_state_dir(o.state_dir, error);
    if (dir.empty()) return usage(error);
    provisioning = start_provisioning(o.provision, dir, options.listen, error);
    if (!provisioning) return usage(error);
    // Every company's phones, from what the SIP server serves (the same reloads); changed
    // files get check-sync.
    options.provisioning = [provisioning](std::vector<std::shared_ptr<const Tenant>> tenants) {
      publish_tenants(*provisioning, std::move(tenants));
    };
  } else if (!o.provision.tls_cert.empty() || !o.provision.tls_key.empty()) {
    return usage("--tls-cert and --tls-key go with --provision https://...");
  }

  // Prometheus metrics (docs/sip-server.md, "Metrics"), also on their own thread.
  std::shared_ptr<MetricsService> metrics;
  if (!o.metrics.empty()) {
    std::string error;
    std::string dir = prepare_state_dir(o.state_dir, error);
    if (dir.empty()) return usage(error);
    options.metrics = std::make_shared<sip::ServerMetrics>();
    metrics = start_metrics(o.metrics, dir, options.metrics, error);
    if (!metrics) return usage(error);
  }

  std::string panel_state_dir;  // the panel's accounts (docs/panel.md)
  if (!o.panel.listen.empty()) {
    std::string error;
    panel_state_dir = prepare_state_dir(o.state_dir, error);
    if (panel_state_dir.empty()) return usage(error);
    options.registered = std::make_shared<sip::RegisteredDevices>();
  }
  auto registered = options.registered;

  std::unique_ptr<sip::Server> server;
  try {
    server = std::make_unique<sip::Server>(std::move(options));
  } catch (const Error& e) {
    fmt::print(stderr, "{}\ncallplan serve: fix the tenant before serving it\n", e.what());
    return kExitFindings;
  } catch (const std::system_error& e) {  // the call record file cannot be opened
    return usage(e.what());
  } catch (const state::StoreError& e) {  // locked, corrupt, too new, unreadable
    fmt::print(stderr, "callplan serve: {} [{}]\n", e.what(), e.code());
    return kExitUsage;
  }
  try {
    server->start();
  } catch (const std::system_error& e) {
    return usage(e.what());
  }
  // The panel starts once the SIP loop handles SIGHUP: its saves raise one.
  std::shared_ptr<PanelServer> panel;
  if (!o.panel.listen.empty()) {
    std::string error;
    panel = start_serve_panel(o.panel, o.tenants, o.tenants_dir, panel_state_dir, registered, error);
    if (!panel) return usage(error);
  }
  server->run();
  return kExitOk;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ServeCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Run the reference SIP server: a registrar and a proxy routing by the tenant");
  cmd->add_option("tenant", o->tenants,
                  "Tenant files (YAML), one per company; the later of two files that claim "
                  "the same number, SIP username, login or phone MAC is refused (CP600-CP603)");
  cmd->add_option("--tenants", o->tenants_dir,
                  "Serve every tenant main file in this directory too (a YAML file with a "
                  "`tenant` section that no other one includes), in name order");
  cmd->add_option("--listen", o->listen,
                  "Where to listen: udp:ADDR:PORT or tcp:ADDR:PORT (repeat for several)");
  cmd->add_option("--trunk", o->trunk,
                  "The SIP trunk ADDR:PORT (or udp:/tcp:ADDR:PORT): external legs go there, and "
                  "requests from its address are trusted");
  cmd->add_option("--transfer-timeout", o->transfer_timeout,
                  "Seconds the target of a phone's transfer rings before the call goes back to "
                  "the phone that transferred it (default 30)")
      ->check(CLI::Range(1u, 600u));
  cmd->add_option("--media-server", o->media_server,
                  "SIP URI of a media server for voicemail (e.g. sip:vm@127.0.0.1:5090)");
  cmd->add_option("--realm", o->realm,
                  "Digest realm of every company (default: each company's login); "
                  "ha1_md5/ha1_sha256 values in the tenants must be computed for it");
  cmd->add_option("--digest", o->digest,
                  "Digest algorithms a challenge offers, in order: md5 (default), sha256,md5, "
                  "md5,sha256 or sha256; a device whose secret is only ha1_sha256 (ha1_md5) is "
                  "offered SHA-256 (MD5) alone whatever this says");
  cmd->add_option("--state-dir", o->state_dir,
                  "State directory, created when missing (default /var/lib/callplan as root, "
                  "else $XDG_STATE_HOME/callplan): registrations and round-robin positions are "
                  "kept there across restarts (state.db), call detail records in cdr.jsonl");
  cmd->add_flag(
      "--memory-only", o->memory_only,
      "Keep registrations and round-robin positions in memory only (lost at a restart); "
      "call detail records still go to the state directory unless --cdr says otherwise");
  cmd->add_option("--cdr", o->cdr,
                  "Write the call detail records (JSON lines) to this file instead of "
                  "STATE-DIR/cdr.jsonl");
  cmd->add_option("--rate-limit", o->rate_limit,
                  "Requests per second each source address may send, bursts of twice that "
                  "(default 500; 0: no limit; the trunk is never limited)");
  cmd->add_option("--endpoint-rate-limit", o->endpoint_rate_limit,
                  "Requests per second each source address:port (one phone) may send, bursts "
                  "of twice that (default 50; 0: no limit); checked before --rate-limit");
  cmd->add_option("--account-rate-limit", o->account_rate_limit,
                  "Authenticated requests per second each device (SIP username) may make from "
                  "any address, bursts of ten times that (default 20; 0: no limit); over it: "
                  "503 with Retry-After");
  cmd->add_option("--log-level", o->log_level, "error, warn, info (default) or debug");
  // Load limits (issue 18).
  cmd->add_option("--socket-buffer", o->socket_buffer,
                  "UDP socket buffer bytes each way (default 4194304; the kernel caps it at "
                  "net.core.rmem_max/wmem_max, --log-level debug shows what it gave; 0: the "
                  "kernel's default)");
  cmd->add_option("--log-limit", o->log_limit,
                  "Log lines of one kind per 10 s before the rest are only counted "
                  "(default 100; 0: no limit)");
  // Provisioning (SPEC 13, docs/provisioning.md).
  cmd->add_option("--provision", o->provision.url,
                  "Serve desk phones their configuration files at http://ADDR:PORT (or "
                  "https://ADDR:PORT with --tls-cert and --tls-key)");
  cmd->add_option("--tls-cert", o->provision.tls_cert,
                  "PEM certificate chain for --provision https://...");
  cmd->add_option("--tls-key", o->provision.tls_key, "PEM private key for --provision https://...");
  cmd->add_option("--provision-sip", o->provision.sip,
                  "The SIP server as the phones reach it, HOST[:PORT] (default: the first "
                  "--listen address)");
  cmd->add_option("--provision-ntp", o->provision.ntp,
                  "NTP server written into the phones' files (default pool.ntp.org)");
  // callplan's own media side (docs/sip-server.md "callplan's own media side").
  cmd->add_flag("--no-media", o->no_media,
                "Do not start the media process: voicemail gets 480, prompts are skipped "
                "(as with a proxy alone)");
  cmd->add_option("--rtp-address", o->rtp_address,
                  "IP address the media process binds RTP to (default: the first --listen "
                  "address; a wildcard needs --sdp-address)");
  cmd->add_option("--rtp-ports", o->rtp_ports, "RTP port range LO-HI (default 10000-20000)");
  cmd->add_option("--sdp-address", o->sdp_address,
                  "Address written in SDP, where callers send RTP (default: --rtp-address)");
  cmd->add_option("--smtp", o->smtp,
                  "Mail server for voicemail mail (smtp://HOST:PORT, docs/voicemail.md); "
                  "without it no mail is sent");
  cmd->add_option("--mail-from", o->mail_from, "Sender address of voicemail mail");
  cmd->add_option("--metrics", o->metrics,
                  "Serve Prometheus metrics at http://ADDR:PORT/metrics (e.g. 127.0.0.1:9464; "
                  "no authentication: bind it to loopback or a management network)");
  // Several nodes sharing registrations through Redis (SPEC 12, docs/cluster.md).
  cmd->add_option("--cluster", o->cluster,
                  "Share registrations with the other nodes through Redis at "
                  "redis://ADDRESS:PORT or unix:PATH (docs/cluster.md); registrations are then "
                  "kept in Redis, not in the state directory");
  cmd->add_option("--cluster-node", o->cluster_node,
                  "The address the other nodes reach this node at, udp:ADDRESS:PORT; its name in "
                  "Redis's records (default: the first --listen address; needed when that is a "
                  "wildcard)");
  cmd->add_option("--cluster-retry-max", o->cluster_retry_max,
                  "Longest wait in ms between attempts to reach Redis (the wait doubles from "
                  "100 ms; default 5000)")
      ->check(CLI::Range(100u, 600000u));
  cmd->add_option("--cluster-confirm-timeout", o->cluster_confirm_timeout,
                  "Longest wait in ms of a REGISTER's answer for Redis's confirmation; then it "
                  "is answered and the node reconnects (default 1000)")
      ->check(CLI::Range(10u, 60000u));
  cmd->add_option("--cluster-secret-file", o->cluster_secret_file,
                  "A file of at least 32 secret bytes, the same on every node (not readable by "
                  "others): any node then relays the in-dialog requests of every node's calls "
                  "(docs/cluster.md)");
  cmd->add_option("--cluster-auth-file", o->cluster_auth_file,
                  "A file with the password Redis asks for (requirepass), or an ACL user's name "
                  "and password on two lines; not readable by others (docs/cluster.md)");
  cmd->add_option("--cluster-tcp-expires", o->cluster_tcp_expires,
                  "Longest registration in s of a phone over TCP: its binding lives only as "
                  "long as this node (default 300)")
      ->check(CLI::Range(60u, 86400u));
  cmd->add_option("--cluster-start-wait", o->cluster_start_wait,
                  "Longest wait in ms at start for the first read of Redis before serving "
                  "(default 3000)")
      ->check(CLI::Range(0u, 600000u));
  add_serve_panel_options(cmd, o->panel);
  cmd->callback([o, &exit_code] { exit_code = run(*o); });
}

}  // namespace callplan::cli
