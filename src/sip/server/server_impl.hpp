// sip/server/server_impl.hpp — the parts of the server and how requests reach them (internal).
#pragma once

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>

#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/shared_call_records.hpp"
#include "cluster/shared_mailboxes.hpp"
#include "cluster/shared_registrations.hpp"
#include "cluster/shared_round_robin.hpp"
#include "provision/phone_files.hpp"
#include "sip/b2bua/mailbox_call.hpp"
#include "sip/b2bua/own_media.hpp"
#include "sip/companies/companies.hpp"
#include "sip/events/notifier.hpp"
#include "sip/media_side/supervisor.hpp"
#include "sip/message.hpp"
#include "sip/proxy/call_record.hpp"
#include "sip/proxy/directory.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/registrar/digest_auth.hpp"
#include "sip/registrar/location.hpp"
#include "sip/registrar/registrar.hpp"
#include "sip/security/auth_throttle.hpp"
#include "sip/security/rate_limiter.hpp"
#include "sip/security/security_log.hpp"
#include "sip/server/log.hpp"
#include "sip/server/owner_relay.hpp"
#include "sip/server/server.hpp"
#include "sip/server/state_keeper.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/descriptor_limit.hpp"
#include "sip/transport/timer_driver.hpp"
#include "sip/transport/timer_queue.hpp"
#include "sip/transport/transport.hpp"
#include "voicemail/voicemail_store.hpp"

namespace callplan::sip {

// The methods the server serves (Allow of 200 to OPTIONS and of 405).
inline constexpr std::string_view kAllow =
    "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE, SUBSCRIBE, MESSAGE";

struct Server::Impl final : TransactionUser {
  explicit Impl(ServerOptions o);

  // --- TransactionUser
  void on_request(ServerId txn, const Message& request, const Peer& from) override;
  void on_ack(const Message& ack, const Peer& from) override;
  void on_cancel(ServerId invite, const Message& cancel, const Peer& from) override;
  void on_stray_response(const Message& response, const Peer& from) override;

  // server.cpp
  void receive(const Peer& from, std::string_view bytes);
  // Parses `bytes` into `message`, a request with its top Via stamped (received, rport).
  ParseResult parse_stamped(const Peer& from, std::string_view bytes,
                            const ParseOptions& parse_options);
  // Writes received/rport into the top Via of the request in `message` (via_received.hpp).
  void stamp(const Peer& from, std::string_view bytes, const ParseOptions& parse_options);
  std::vector<std::string> tenant_files() const;  // the files, then --tenants DIR's
  // Loads every company (companies.hpp) and logs what happened to each file; returns whether
  // every file was taken. At start (`reload` false) throws callplan::Error when none is.
  bool load_companies(bool reload);
  bool reload();  // logs "reloaded ..." or "reload refused: ..."; the old plan stays on failure
  void watch_signals();
  void schedule_housekeeping();
  void begin_drain();
  void log_limits();  // debug: descriptors, connection limit, socket buffers
  // Loads what the state store kept (registrations, round robin of `company`); logs a line.
  void restore_state();
  void flush_state();  // at the stop: logs when the store could not write everything
  std::unique_ptr<callplan::cluster::SharedRegistrations> make_cluster();  // null without --cluster
  std::unique_ptr<callplan::cluster::SharedRoundRobin> make_shared_round_robin();  // the same
  std::unique_ptr<callplan::cluster::SharedMailboxes> make_shared_mailboxes();      // the same
  std::unique_ptr<callplan::cluster::SharedCallRecords> make_shared_call_records();  // the same
  std::unique_ptr<OwnerRelay> make_owner_relay();  // null without --cluster-secret-file
  // The proxy's hook after each step of a call: round-robin positions to the state store and
  // to the other nodes (null when neither is there).
  std::function<void(std::string_view, const RoutingState&)> routing_state_hook();

  // check_sync.cpp (--provision): after a load, the companies' tenants to the endpoint; after
  // a reload, NOTIFY check-sync to the registrations of every phone whose file changed.
  void provisioning_loaded(bool reloading);
  void send_check_sync(const std::string& username);

  // keepalive.cpp: NAT keep-alives and phones that are gone (docs/sip-server.md)
  // An OPTIONS to the server itself (no user in the Request-URI, no To tag): answered 200
  // at once, statelessly and without authentication. True when it was one (and is answered).
  bool answer_ping(const Peer& from);
  // A REGISTER over TCP that left bindings on `from`'s connection: remembered, so they go
  // when the connection closes (connection_closed).
  void registered_on_connection(std::string_view username, const Peer& from);
  void connection_closed(const Peer& remote);
  // media_side.cpp
  std::unique_ptr<MediaSupervisor> make_media_supervisor();
  std::unique_ptr<OwnMedia> make_own_media();
  std::unique_ptr<MailboxCalls> make_mailbox_calls();
  // A mailbox's messages changed (stored, heard, deleted): its watchers get a NOTIFY now.
  void mailbox_changed(std::string_view company, std::string_view extension);
  // A mailbox's counts for message waiting: this node's voicemail store, and with --cluster
  // the other nodes' counts (this node's own is sent to them when it changed).
  voicemail::MessageCounts mailbox_count(std::string_view company, std::string_view extension);
  // A *97 / *98 call is over: its log line and call detail record.
  void mailbox_call_over(const MailboxCallOver& over);
  // *97 / *98 from an authenticated device of `company` (requests.cpp hands them over).
  void mailbox_call(ServerId txn, const Message& request, const Peer& from, const Company& company,
                    DeviceIndex device);
  void call_ended(const CallRecord& record);  // to the record file and the metrics
  void publish_metrics();                     // the gauges, for a scrape on another thread

  // requests.cpp
  void on_register(ServerId txn, const Message& request, const Peer& from);
  void on_invite(ServerId txn, const Message& request, const Peer& from);
  void on_out_of_dialog(ServerId txn, const Message& request, const Peer& from);
  void on_subscribe(ServerId txn, const Message& request, const Peer& from);
  // instant_messages.cpp: MESSAGE between a company's phones (RFC 3428).
  void on_instant_message(ServerId txn, const Message& request, const Peer& from);
  // Digest authentication with throttling and logging; the username, or nullopt when the
  // request has been answered (challenge or 403).
  std::optional<std::string> authenticate(ServerId txn, const Message& request, const Peer& from,
                                          ChallengeKind kind);
  bool from_trunk(const Peer& from) const;
  // Does `from` (address, port and protocol) hold a live binding of `username`?
  bool own_binding(std::string_view username, const Peer& from) const;
  void reply(ServerId txn, const Message& request, int status, std::string_view reason,
             std::span<const HeaderLine> extra = {});

  DescriptorLimit descriptors;  // set while `options` is initialised (server.cpp)
  ServerOptions options;
  ServerLog log;
  SecurityLog security_log;
  // Run by one thread (other threads only post to it, which stays safe): handlers the loop
  // posts for itself then skip the scheduler's lock and the wake-up of other threads.
  asio::io_context io{ASIO_CONCURRENCY_HINT_1};
  TimerQueue timers;
  Transport transport;
  TimerDriver driver;
  TransactionLayer layer;
  Location location;
  Registrar registrar;
  std::string auth_secret;
  Companies companies;  // each with its Directory, realm and round-robin positions
  RateLimiter limiter;           // per source address
  RateLimiter endpoint_limiter;  // per address:port: one phone of an office
  AccountRateLimiter account_limiter;  // per authenticated device (its SIP username)
  AuthThrottle throttle;
  std::unique_ptr<CallRecordFile> call_records;  // before the proxy: it writes there to the end
  // callplan's own media side, both null when off or with --media-server; before the proxy,
  // which hands them its calls' media steps.
  std::unique_ptr<MediaSupervisor> media;
  std::unique_ptr<OwnMedia> own_media;
  std::unique_ptr<MailboxCalls> mailbox_calls;  // *97 / *98 (null with the media side off)
  std::unique_ptr<StateKeeper> state;  // --state-dir; null: memory only
  // --cluster: the registrations of every node (null: this node alone). Registrations then
  // live in Redis, not in the state store (docs/cluster.md).
  std::unique_ptr<callplan::cluster::SharedRegistrations> cluster;
  std::unique_ptr<callplan::cluster::SharedRoundRobin> shared_round_robin;  // --cluster
  std::unique_ptr<callplan::cluster::SharedMailboxes> shared_mailboxes;       // --cluster
  std::unique_ptr<callplan::cluster::SharedCallRecords> shared_call_records;  // --cluster
  // --cluster with --cluster-secret-file: other nodes' calls to the phones only this node
  // reaches, and this node's calls to theirs (owner_relay.hpp). Before the proxy, which asks
  // it for the Route toward another node.
  std::unique_ptr<OwnerRelay> owner_relay;
  Proxy proxy;
  Notifier notifier;  // SUBSCRIBE/NOTIFY: message-summary (events/)
  asio::signal_set signals;
  asio::steady_timer housekeeping;
  Message message;  // reused for every received message
  std::string stamped_request;  // a request with received/rport written in: `message` views it
  // The usernames that registered on each open TCP connection (keepalive.cpp).
  std::unordered_map<ConnectionId, std::vector<std::string>> registered_on;
  provision::PhoneFiles phone_files;  // as of the last load (--provision only)
  bool draining = false;
  unsigned housekeeping_ticks = 0;  // the notifier polls every few ticks
  TimerQueue::TimePoint drain_deadline{};
};

}  // namespace callplan::sip
