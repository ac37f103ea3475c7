// The server's life: loading and reloading the tenant, receiving messages, signals, draining.
#include "sip/server/server.hpp"

#include <csignal>

#include <fmt/format.h>

#include "callplan/error.hpp"
#include "callplan/report.hpp"
#include "cluster/cluster_secret.hpp"
#include "sip/companies/tenant_files.hpp"
#include "sip/events/dialog_package.hpp"
#include "sip/events/message_summary.hpp"
#include "sip/events/presence_package.hpp"
#include "sip/proxy/reach.hpp"
#include "sip/server/dialog_secret.hpp"
#include "sip/server/server_impl.hpp"
#include "sip/via_received.hpp"
#include "sip/writer.hpp"
#include "voicemail/message_counter.hpp"

namespace callplan::sip {

namespace {

// Issue 18.6: the descriptor limit raised (soft to hard) before anything is opened, and the
// TCP connection limit kept below it, so a connect flood meets our own limit (clients refused
// at once) rather than EMFILE.
ServerOptions within_descriptor_limit(ServerOptions options, DescriptorLimit& fds) {
  fds = raise_descriptor_limit();
  options.transport.max_connections =
      connections_within(fds.soft, options.transport.max_connections);
  return options;
}

// The key of the dialog tokens: derived from the cluster secret, the same on every node
// (docs/cluster.md), or this node's own, kept in its state directory.
std::string dialog_key(const ServerOptions& options) {
  if (!options.cluster.secret.empty())
    return callplan::cluster::derive_key(options.cluster.secret,
                                         callplan::cluster::kDialogTokenLabel);
  return options.state_dir.empty() ? std::string() : load_dialog_secret(options.state_dir);
}

}  // namespace

Server::Impl::Impl(ServerOptions o)
    : options(within_descriptor_limit(std::move(o), descriptors)),
      log(options.log_level, options.log_limit),
      transport(io, options.transport),
      driver(io, timers),
      layer(timers, transport, *this, options.times),
      registrar(location, options.registrar),
      auth_secret(random_secret()),
      companies(options.realm, auth_secret),
      limiter(options.rate),
      endpoint_limiter(options.endpoint_rate),
      account_limiter(options.account_rate),
      throttle(options.throttle),
      call_records(options.call_records.empty()
                       ? nullptr
                       : std::make_unique<CallRecordFile>(options.call_records)),
      media(make_media_supervisor()),
      own_media(make_own_media()),
      mailbox_calls(make_mailbox_calls()),
      state(options.state_dir.empty()
                ? nullptr
                : std::make_unique<StateKeeper>(options.state_dir,
                                                [](std::string_view line) {
                                                  // The store's writer thread: one write of
                                                  // one line, not through the event loop's log.
                                                  fmt::print(stderr, "callplan serve: state: {}\n",
                                                             line);
                                                })),
      cluster(make_cluster()),
      shared_round_robin(make_shared_round_robin()),
      shared_mailboxes(make_shared_mailboxes()),
      shared_call_records(make_shared_call_records()),
      owner_relay(make_owner_relay()),
      proxy(layer, timers, transport, location,
            ProxyConfig{.trunk = options.trunk,
                        .media_server = options.media_server,
                        .own_media = own_media.get(),
                        .transfer_timeout = options.transfer_timeout,
                        .log = log.enabled(LogLevel::info)
                                   ? std::function<void(std::string_view)>(
                                         [this](std::string_view line) { log.write(LogLevel::info, line); })
                                   : nullptr,
                        .record = call_records || options.metrics || cluster
                                      ? std::function<void(const CallRecord&)>(
                                            [this](const CallRecord& r) { call_ended(r); })
                                      : nullptr,
                        .routing_state_changed = routing_state_hook(),
                        .dialog_secret = dialog_key(options),
                        .tokens_of_every_node = !options.cluster.secret.empty(),
                        .route_through_owner =
                            owner_relay ? [this](std::string_view username, const Binding& binding,
                                                 std::string_view branch) {
                              return owner_relay->route_to_owner(username, binding, branch);
                            } : std::function<std::string(std::string_view, const Binding&,
                                                          std::string_view)>()}),
      notifier(layer, timers, transport),
      signals(io, SIGHUP, SIGTERM, SIGINT),
      housekeeping(io) {
  // The packages find each company at every use: a reload swaps its Directory.
  const CompanyDirectories served{
      .of_device = [this](std::string_view username) -> std::shared_ptr<Directory> {
        const Company* company = companies.by_username(username);
        return company ? company->directory : nullptr;
      },
      .of_company = [this](std::string_view login) -> std::shared_ptr<Directory> {
        for (const auto& company : companies.all())
          if (company->login() == login) return company->directory;
        return nullptr;
      }};
  notifier.add(std::make_unique<MessageSummaryPackage>(
      served, [this](std::string_view company, std::string_view extension) {
        return mailbox_count(company, extension);
      }));
  notifier.add(std::make_unique<DialogPackage>(
      served,
      [this](std::string_view username) { return proxy.activity(username); }));
  notifier.add(std::make_unique<PresencePackage>(
      served,
      [this](std::string_view username) { return location.registered(username, timers.now()); },
      [this](std::string_view username) { return proxy.activity(username); }));
  location.on_change([this](std::string_view username, bool registered) {
    if (options.registered) options.registered->set(username, registered);
    companies.refresh_presence(username, location, timers.now());
    // A colleague came online or went offline (presence, RFC 3856).
    if (notifier.watching("presence")) notifier.recheck("presence", timers.now());
  });
  if (cluster) {
    // Sent to Redis before the REGISTER's 200, which waits for Redis's confirmation
    // (requests.cpp); other nodes' changes come in without calling this back.
    location.on_bindings([this](std::string_view username, std::span<const Binding> stored) {
      cluster->bindings_changed(username, stored);
    });
  } else if (state) {
    // Enqueued before the REGISTER's 200 is sent; on disk one batch later (state_keeper.hpp).
    location.on_bindings([this](std::string_view username, std::span<const Binding> stored) {
      const Company* company = companies.by_username(username);
      state->bindings_changed(company ? std::string_view(company->login()) : "", username, stored,
                              timers.now(), std::chrono::system_clock::now());
    });
  }
  transport.on_receive([this](const Peer& from, std::string_view bytes) { receive(from, bytes); });
  transport.on_connection_closed([this](const Peer& remote) { connection_closed(remote); });
  transport.on_log([this](std::string_view kind, std::string_view text) {
    log.write(LogLevel::warn, fmt::format("transport.{}", kind), text);
  });
}

std::vector<std::string> Server::Impl::tenant_files() const {
  std::vector<std::string> files;
  if (!options.tenant_path.empty()) files.push_back(options.tenant_path);
  files.insert(files.end(), options.tenant_paths.begin(), options.tenant_paths.end());
  if (!options.tenants_dir.empty()) {
    std::vector<std::string> found = sip::tenant_files(options.tenants_dir);  // throws Error
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

bool Server::Impl::load_companies(bool reloading) {
  std::vector<std::string> files = tenant_files();
  std::vector<CompanyEvent> events = companies.load(files, location, timers.now());
  bool all = true;
  std::string refused;  // at start, when nothing can be served: every reason
  for (const CompanyEvent& event : events) {
    switch (event.kind) {
      case CompanyEvent::Kind::served:
        if (reloading || files.size() > 1)
          log.notice(fmt::format("serving company {} from {}", event.company, event.path));
        break;
      case CompanyEvent::Kind::reloaded:
        log.notice(fmt::format("reloaded {}", event.path));
        break;
      case CompanyEvent::Kind::removed:
        log.notice(fmt::format("no longer serving company {}: {} is not a tenant file of the "
                               "server any more", event.company, event.path));
        break;
      case CompanyEvent::Kind::refused:
        all = false;
        refused += event.diagnostics + "\n";
        if (!reloading && files.size() == 1) break;  // the caller reports it (exit 1)
        log.write(LogLevel::error, "reload",
                  fmt::format("{}: {}; {}", reloading ? "reload refused" : "refused",
                              event.diagnostics,
                              event.kept ? fmt::format("the running plan stays (company {})",
                                                       event.company)
                                         : std::string("not served")));
        break;
    }
  }
  if (companies.empty() && !reloading) {
    if (!refused.empty()) refused.pop_back();
    if (refused.empty())
      throw Error(fmt::format("no tenant file to serve: --tenants {} has no file with a "
                              "`tenant:` section", options.tenants_dir));
    throw Error(refused);
  }
  // The proxy's own Directory (for callers that do not name a company) is the first one's.
  if (!companies.empty()) proxy.use(companies.all().front()->directory);
  if (options.provisioning) provisioning_loaded(reloading);
  if (reloading && cluster) cluster->companies_changed();  // a new company's phones, from Redis
  return all;
}

void Server::Impl::restore_state() {
  if (!state) return;
  const auto started = std::chrono::steady_clock::now();
  timers.set_now(TimerQueue::Clock::now());
  RestoredState r = state->restore(
      location,
      [this](std::string_view login) -> RoutingState* {
        for (const auto& company : companies.all())
          if (company->login() == login) return company->routing.get();
        return nullptr;
      },
      timers.now(), std::chrono::system_clock::now(), /*registrations=*/!cluster);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  log.notice(fmt::format("state: {} registration(s) and {} round-robin position(s) back from {} "
                         "in {} ms ({} expired, {} over TCP dropped)",
                         r.registrations, r.round_robin, options.state_dir, took.count(),
                         r.expired_dropped, r.connection_dropped + r.unusable_dropped));
}

std::unique_ptr<callplan::cluster::SharedRegistrations> Server::Impl::make_cluster() {
  if (options.cluster.node.empty()) return nullptr;
  callplan::cluster::ServedCompanies served{
      .of_username = [this](std::string_view username) -> std::string {
        const Company* company = companies.by_username(username);
        return company ? company->login() : std::string();
      },
      .all = [this] {
        std::vector<std::string> logins;
        for (const auto& company : companies.all()) logins.push_back(company->login());
        return logins;
      },
      // Behind NAT: only the path from the owner's address may be open (docs/cluster.md).
      .behind_nat = [](std::string_view contact, const Peer& source) {
        return contact_needs_flow(contact, source);
      }};
  return std::make_unique<callplan::cluster::SharedRegistrations>(
      io, location, options.cluster, std::move(served),
      [this](callplan::cluster::SharedRegistrations::Level level, std::string_view line) {
        using Level = callplan::cluster::SharedRegistrations::Level;
        if (level == Level::notice)
          log.notice(line);  // rare (a resync), and what operators and tests wait for
        else if (level == Level::warning)
          log.write(LogLevel::warn, "cluster", line);
        else if (log.enabled(LogLevel::debug))
          log.write(LogLevel::debug, "cluster", line);
      });
}

std::unique_ptr<OwnerRelay> Server::Impl::make_owner_relay() {
  if (!cluster || options.cluster.secret.empty()) return nullptr;
  return std::make_unique<OwnerRelay>(
      OwnerRelay::Parts{.layer = layer,
                        .transport = transport,
                        .timers = timers,
                        .location = location,
                        .security_log = security_log,
                        .is_us = [this](const Peer& peer) { return proxy.is_us(peer); },
                        .log = [this](std::string_view line) {
                          if (log.enabled(LogLevel::info)) log.write(LogLevel::info, "cluster", line);
                        }},
      options.cluster.secret);
}

std::unique_ptr<callplan::cluster::SharedRoundRobin> Server::Impl::make_shared_round_robin() {
  if (!cluster) return nullptr;
  callplan::cluster::RoundRobinHost host{
      .routing_of = [this](std::string_view login) -> RoutingState* {
        for (const auto& company : companies.all())
          if (company->login() == login) return company->routing.get();
        return nullptr;
      },
      .companies = [this] {
        std::vector<std::string> logins;
        for (const auto& company : companies.all()) logins.push_back(company->login());
        return logins;
      },
      // Kept in the state directory too: a node that starts while Redis is away goes on
      // from the newest position it heard of.
      .applied = [this](std::string_view company, const RoutingState& routing) {
        if (state) state->routing_state_changed(company, routing);
      }};
  auto shared = std::make_unique<callplan::cluster::SharedRoundRobin>(
      cluster->link(), options.cluster.node, std::move(host));
  cluster->add(*shared, std::string(callplan::cluster::kRoundRobinChannel),
               callplan::cluster::SharedRoundRobin::scripts());
  return shared;
}

std::unique_ptr<callplan::cluster::SharedMailboxes> Server::Impl::make_shared_mailboxes() {
  if (!cluster) return nullptr;
  callplan::cluster::MailboxHost host{
      .companies = [this] {
        std::vector<std::string> logins;
        for (const auto& company : companies.all()) logins.push_back(company->login());
        return logins;
      },
      .own_counts = [this] {
        std::vector<callplan::cluster::OwnMailboxCount> counts;
        if (options.voicemail_dir.empty()) return counts;
        for (const auto& company : companies.all()) {
          const Engine& engine = *company->directory->engine();
          for (UserIndex user = 0; user < engine.user_count(); ++user) {
            if (!engine.has_voicemail(user)) continue;
            auto box = voicemail::Mailbox::make(company->login(), engine.extension(user));
            if (!box) continue;
            const voicemail::MessageCounts c = voicemail::count_messages(options.voicemail_dir, *box);
            counts.push_back({.company = company->login(),
                              .extension = std::string(engine.extension(user)),
                              .count = {.new_messages = c.new_messages,
                                        .old_messages = c.old_messages}});
          }
        }
        return counts;
      },
      // Another node's count came in on the event loop, not in a received message: the
      // NOTIFY starts timers, so the clock is synced before and the driver re-armed after.
      .changed = [this](std::string_view company, std::string_view extension) {
        timers.set_now(TimerQueue::Clock::now());
        notifier.changed("message-summary", fmt::format("{}/{}", company, extension));
        driver.rearm();
      }};
  auto shared = std::make_unique<callplan::cluster::SharedMailboxes>(
      cluster->link(), options.cluster.node, std::move(host));
  cluster->add(*shared, std::string(callplan::cluster::kMailboxChannel),
               callplan::cluster::SharedMailboxes::scripts());
  return shared;
}

std::unique_ptr<callplan::cluster::SharedCallRecords> Server::Impl::make_shared_call_records() {
  if (!cluster) return nullptr;
  auto shared = std::make_unique<callplan::cluster::SharedCallRecords>(
      cluster->link(), options.cluster.node, callplan::cluster::CallRecordLimits{},
      [this](std::string_view line) { log.write(LogLevel::warn, "cluster", line); });
  cluster->add(*shared, "", {});
  return shared;
}

voicemail::MessageCounts Server::Impl::mailbox_count(std::string_view company,
                                                     std::string_view extension) {
  voicemail::MessageCounts counts;
  auto box = voicemail::Mailbox::make(company, extension);
  if (!options.voicemail_dir.empty() && box)
    counts = voicemail::count_messages(options.voicemail_dir, *box);
  if (!shared_mailboxes) return counts;
  // This node's store, sent to the others when it changed; plus what theirs hold.
  shared_mailboxes->counted(company, extension,
                            {.new_messages = counts.new_messages,
                             .old_messages = counts.old_messages});
  const auto elsewhere = shared_mailboxes->elsewhere(company, extension);
  counts.new_messages += elsewhere.new_messages;
  counts.old_messages += elsewhere.old_messages;
  return counts;
}

std::function<void(std::string_view, const RoutingState&)> Server::Impl::routing_state_hook() {
  if (!state && !shared_round_robin) return nullptr;
  return [this](std::string_view company, const RoutingState& routing) {
    if (state) state->routing_state_changed(company, routing);
    if (shared_round_robin) shared_round_robin->positions_changed(company, routing);
  };
}

void Server::Impl::flush_state() {
  if (!state) return;
  if (!state->flush(std::chrono::seconds(5))) {
    log.notice(fmt::format("state: {} change(s) not yet written after 5 s; still trying while "
                           "closing (docs/state.md)",
                           state->counters().pending));
  }
}

void Server::Impl::receive(const Peer& from, std::string_view bytes) {
  timers.set_now(TimerQueue::Clock::now());
  ParseOptions parse_options;
  parse_options.framing = from.protocol == Protocol::tcp ? Framing::stream : Framing::datagram;
  ParseResult result = parse_stamped(from, bytes, parse_options);
  // The budget is for requests (and what does not parse): responses only matter when they
  // answer one of our own client transactions, and phones answering our forks all share
  // one address behind a NAT or on loopback.
  bool request = !result.ok() || message.is_request;
  // Per phone first, then per address: a phone over its own budget is refused before it
  // takes anything from its address's, so one broken phone behind an office NAT does not
  // silence the others (docs/sip-server.md, "Rate limits").
  if (request && !from_trunk(from) &&
      (!endpoint_limiter.allow(from.address, from.port, timers.now()) ||
       !limiter.allow(from.address, timers.now()))) {
    security_log.rate_limited(from);
    if (options.metrics) options.metrics->rate_limited();
    return;
  }
  switch (result.verdict) {
    case Verdict::accept:
      if (options.metrics && message.is_request) options.metrics->request(message.method);
      if (message.is_request && answer_ping(from)) break;
      layer.receive(message, from);
      break;
    case Verdict::reject:
      if (log.enabled(LogLevel::debug))
        log.write(LogLevel::debug,
                  fmt::format("{} from {}: {}", result.status, from.to_string(), describe(result, bytes)));
      transport.send(from, build_response(message, result.status, result.reason));
      break;
    case Verdict::drop:
      if (log.enabled(LogLevel::debug))
        log.write(LogLevel::debug,
                  fmt::format("dropped from {}: {}", from.to_string(), describe(result, bytes)));
      break;
  }
  // Busy lamps follow the calls at once: a message may have changed a phone's state.
  if (notifier.watching("dialog")) notifier.recheck("dialog", timers.now());
  if (notifier.watching("presence")) notifier.recheck("presence", timers.now());
  driver.rearm();
}

// RFC 3261 18.2.1 and RFC 3581: the top Via says where the request really came from before
// anything answers or forwards it, so every response (ours and the ones relayed back through
// us) and the next hops see the phone's public address and port, not the private one it wrote.
// The stamp is written into the raw request before the one parse (issue 18: stamping after
// the parse cost a copy and a second parse of every request). The parser must then find the
// top Via where the scan stamped it; should it not (a message framed oddly), the request is
// parsed as it came and stamped after, as before.
ParseResult Server::Impl::parse_stamped(const Peer& from, std::string_view bytes,
                                        const ParseOptions& parse_options) {
  if (!bytes.starts_with("SIP/")) {  // responses are not stamped
    const std::string address = from.address.to_string();
    if (const auto via = stamp_received_unparsed(bytes, address, from.port, stamped_request)) {
      ParseResult result = parse_message(stamped_request, message, parse_options);
      if (result.ok() && message.is_request && message.top_via.text.data() == via->data() &&
          message.top_via.text.size() == via->size())
        return result;
    }
  }
  ParseResult result = parse_message(bytes, message, parse_options);
  if (result.ok() && message.is_request) stamp(from, bytes, parse_options);
  return result;
}

void Server::Impl::stamp(const Peer& from, std::string_view bytes,
                         const ParseOptions& parse_options) {
  std::string stamped = stamp_received(message, from.address.to_string(), from.port);
  if (stamped.empty()) return;
  stamped_request = std::move(stamped);
  // Only a Via parameter changed: what parsed before parses again (the views move to the
  // copy). Should it not, the request goes on as it came rather than half parsed.
  if (!parse_message(stamped_request, message, parse_options).ok())
    parse_message(bytes, message, parse_options);
}

void Server::Impl::call_ended(const CallRecord& record) {
  if (call_records) call_records->write(record);
  if (shared_call_records && !record.company.empty())
    shared_call_records->add(record.company, record.json());
  if (options.metrics) options.metrics->call_ended(record.disposition);
}

void Server::Impl::publish_metrics() {
  if (!options.metrics) return;
  options.metrics->publish(PublishedState{.calls_in_progress = proxy.calls_in_progress(),
                                          .dialogs = proxy.dialogs(),
                                          .calls_started = proxy.stats().calls,
                                          .media_legs = own_media ? own_media->legs() : 0});
  options.metrics->publish(company_registrations(companies, location));
}

void Server::Impl::log_limits() {
  if (!log.enabled(LogLevel::debug)) return;
  log.write(LogLevel::debug, "limits",
            fmt::format("limits: open files {} (was {}, hard {}), at most {} TCP connections",
                        descriptors.soft, descriptors.before, descriptors.hard,
                        options.transport.max_connections));
  for (const Peer& bound : transport.listening()) {
    if (bound.protocol != Protocol::udp) continue;
    const SocketBuffers got = transport.socket_buffers(bound);
    log.write(LogLevel::debug, "limits",
              fmt::format("limits: {} socket buffers: receive {} bytes, send {} bytes "
                          "(asked {}; the kernel caps them at net.core.rmem_max/wmem_max)",
                          bound.to_string(), got.receive, got.send,
                          options.transport.socket_buffer));
  }
}

void Server::Impl::on_ack(const Message& ack, const Peer& from) {
  if (owner_relay && owner_relay->ack(ack, from)) return;  // another node's call to our phone
  if (mailbox_calls && mailbox_calls->ack(ack)) return;
  proxy.ack(ack, from);
}

void Server::Impl::on_cancel(ServerId invite, const Message&, const Peer&) {
  if (owner_relay && owner_relay->cancel(invite)) return;
  if (mailbox_calls && mailbox_calls->cancelled(invite)) return;
  proxy.cancel_call(invite);
}

void Server::Impl::on_stray_response(const Message& response, const Peer& from) {
  if (owner_relay && owner_relay->stray_response(response, from)) return;
  proxy.stray_response(response, from);
}

void Server::Impl::watch_signals() {
  signals.async_wait([this](const std::error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      const bool taken = reload();
      if (options.metrics) options.metrics->reload(taken);
    } else if (!draining) {
      begin_drain();
    } else {
      log.notice("second stop signal: stopping now");
      if (media) media->stop();
      transport.close();
      io.stop();
      return;
    }
    watch_signals();
  });
}

bool Server::Impl::reload() {
  try {
    return load_companies(true);
  } catch (const std::exception& e) {  // --tenants DIR cannot be read: nothing changes
    log.write(LogLevel::error, fmt::format("reload refused: {}; the running plans stay", e.what()));
    return false;
  }
}

void Server::Impl::begin_drain() {
  draining = true;
  drain_deadline = TimerQueue::Clock::now() + options.drain_limit;
  log.notice(fmt::format("stopping: {} call(s) being set up and {} established may finish "
                         "(at most {} s)",
                         proxy.calls_in_progress(), proxy.dialogs(), options.drain_limit.count()));
}

void Server::Impl::schedule_housekeeping() {
  housekeeping.expires_after(std::chrono::milliseconds(draining ? 100 : 1000));
  housekeeping.async_wait([this](const std::error_code& ec) {
    if (ec) return;
    timers.set_now(TimerQueue::Clock::now());
    log.flush_suppressed();
    location.expire(timers.now());
    proxy.expire(timers.now());
    if (owner_relay) owner_relay->expire(timers.now());
    // Every 5 s: subscriptions that expired, and mailboxes the media process changed.
    if (++housekeeping_ticks % 5 == 0)
      notifier.poll(timers.now());
    else  // time-outs change calls without a message
      for (std::string_view package : {"dialog", "presence"})
        if (notifier.watching(package)) notifier.recheck(package, timers.now());
    publish_metrics();
    // Answered calls still need us for their BYE (we Record-Route), so draining waits for
    // established dialogs too, up to the limit.
    if (draining && ((proxy.calls_in_progress() == 0 && proxy.dialogs() == 0) ||
                     TimerQueue::Clock::now() >= drain_deadline)) {
      log.notice("stopped");
      if (media) media->stop();
      transport.close();
      io.stop();
      return;
    }
    driver.rearm();
    schedule_housekeeping();
  });
}

// ---------------------------------------------------------------------------------------------

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->load_companies(false);
  // Before anything is bound: the first request already sees every phone registered before
  // the restart (presence is computed again from the location below).
  impl_->restore_state();
  if (impl_->cluster) {
    // Before anything is bound: the first call already sees every node's phones, unless Redis
    // does not answer in time (then the node serves from memory and catches up later).
    impl_->cluster->start();
    if (!impl_->cluster->wait_until_in_step(impl_->options.cluster_start_wait))
      impl_->log.notice(fmt::format(
          "cluster: not in step with Redis at {} after {} ms; serving from this node's memory "
          "and catching up when it answers",
          impl_->options.cluster.redis.to_string(), impl_->options.cluster_start_wait.count()));
    if (impl_->options.cluster.secret.empty())
      impl_->log.notice(
          "cluster: no --cluster-secret-file: this node signs its calls' dialogs with its own "
          "key, so their in-dialog requests (BYE, re-INVITE) are relayed only by this node "
          "(docs/cluster.md)");
  }
  for (const auto& company : impl_->companies.all())
    company->directory->refresh_presence(impl_->location, impl_->timers.now());
}

Server::~Server() = default;

void Server::start() {
  for (const Peer& where : impl_->options.listen) impl_->transport.listen(where);
  for (const Peer& bound : impl_->transport.listening())
    impl_->log.notice(fmt::format("listening on {}", bound.to_string()));
  impl_->log_limits();
  impl_->watch_signals();
  impl_->schedule_housekeeping();
  if (impl_->media) impl_->media->start();
  impl_->publish_metrics();
  impl_->log.notice("ready");
}

void Server::run() {
  impl_->io.run();
  impl_->flush_state();
}

bool Server::reload() {
  const bool taken = impl_->reload();
  if (impl_->options.metrics) impl_->options.metrics->reload(taken);
  return taken;
}

void Server::stop() {
  asio::post(impl_->io, [impl = impl_.get()] {
    if (!impl->draining) impl->begin_drain();
  });
}

std::vector<Peer> Server::listening() const { return impl_->transport.listening(); }

}  // namespace callplan::sip
