// sip/server/server_impl.hpp — the parts of the server and how requests reach them (internal).
#pragma once

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>

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
#include "sip/server/server.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/descriptor_limit.hpp"
#include "sip/transport/timer_driver.hpp"
#include "sip/transport/timer_queue.hpp"
#include "sip/transport/transport.hpp"

namespace callplan::sip {

struct Server::Impl final : TransactionUser {
  explicit Impl(ServerOptions o);

  // --- TransactionUser
  void on_request(ServerId txn, const Message& request, const Peer& from) override;
  void on_ack(const Message& ack, const Peer& from) override;
  void on_cancel(ServerId invite, const Message& cancel, const Peer& from) override;
  void on_stray_response(const Message& response, const Peer& from) override;

  // server.cpp
  void receive(const Peer& from, std::string_view bytes);
  std::shared_ptr<Directory> load_directory();  // throws callplan::Error
  void use(std::shared_ptr<Directory> directory);
  bool reload();  // logs "reloaded ..." or "reload refused: ..."; the old plan stays on failure
  void watch_signals();
  void schedule_housekeeping();
  void begin_drain();
  void log_limits();  // debug: descriptors, connection limit, socket buffers
  void call_ended(const CallRecord& record);  // to the record file and the metrics
  void publish_metrics();                     // the gauges, for a scrape on another thread

  // requests.cpp
  void on_register(ServerId txn, const Message& request, const Peer& from);
  void on_invite(ServerId txn, const Message& request, const Peer& from);
  void on_out_of_dialog(ServerId txn, const Message& request, const Peer& from);
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
  asio::io_context io;
  TimerQueue timers;
  Transport transport;
  TimerDriver driver;
  TransactionLayer layer;
  Location location;
  Registrar registrar;
  std::optional<DigestAuthenticator> auth;
  std::string auth_secret;
  RateLimiter limiter;           // per source address
  RateLimiter endpoint_limiter;  // per address:port: one phone of an office
  AuthThrottle throttle;
  std::unique_ptr<CallRecordFile> call_records;  // before the proxy: it writes there to the end
  Proxy proxy;
  std::shared_ptr<Directory> directory;
  asio::signal_set signals;
  asio::steady_timer housekeeping;
  Message message;  // reused for every received message
  bool draining = false;
  TimerQueue::TimePoint drain_deadline{};
};

}  // namespace callplan::sip
