// The server's life: loading and reloading the tenant, receiving messages, signals, draining.
#include "sip/server/server.hpp"

#include <csignal>

#include <fmt/format.h>

#include "callplan/check.hpp"
#include "callplan/diagnostics.hpp"
#include "callplan/engine.hpp"
#include "callplan/error.hpp"
#include "callplan/report.hpp"
#include "sip/server/server_impl.hpp"
#include "sip/writer.hpp"

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

}  // namespace

Server::Impl::Impl(ServerOptions o)
    : options(within_descriptor_limit(std::move(o), descriptors)),
      log(options.log_level, options.log_limit),
      transport(io, options.transport),
      driver(io, timers),
      layer(timers, transport, *this, options.times),
      registrar(location, options.registrar),
      auth_secret(random_secret()),
      limiter(options.rate),
      endpoint_limiter(options.endpoint_rate),
      throttle(options.throttle),
      call_records(options.call_records.empty()
                       ? nullptr
                       : std::make_unique<CallRecordFile>(options.call_records)),
      proxy(layer, timers, transport, location,
            ProxyConfig{.trunk = options.trunk,
                        .media_server = options.media_server,
                        .log = log.enabled(LogLevel::info)
                                   ? std::function<void(std::string_view)>(
                                         [this](std::string_view line) { log.write(LogLevel::info, line); })
                                   : nullptr,
                        .record = call_records || options.metrics
                                      ? std::function<void(const CallRecord&)>(
                                            [this](const CallRecord& r) { call_ended(r); })
                                      : nullptr}),
      signals(io, SIGHUP, SIGTERM, SIGINT),
      housekeeping(io) {
  location.on_change([this](std::string_view username, bool) {
    if (directory) directory->refresh_presence(username, location, timers.now());
  });
  transport.on_receive([this](const Peer& from, std::string_view bytes) { receive(from, bytes); });
  transport.on_log([this](std::string_view kind, std::string_view text) {
    log.write(LogLevel::warn, fmt::format("transport.{}", kind), text);
  });
}

std::shared_ptr<Directory> Server::Impl::load_directory() {
  CheckedTenant checked = load_and_check(options.tenant_path);  // throws Error on I/O
  if (has_errors(checked.issues)) {
    std::string report = format_gcc({FileReport{options.tenant_path, checked.issues,
                                                &checked.tenant.sources}});
    throw Error(fmt::format("{}`{}` has errors", report, options.tenant_path));
  }
  auto engine = Engine::compile(checked.tenant, checked.issues);
  return std::make_shared<Directory>(checked.tenant, std::move(engine), options.realm);
}

void Server::Impl::use(std::shared_ptr<Directory> next) {
  next->refresh_presence(location, timers.now());
  if (!auth || auth->realm() != next->realm()) auth.emplace(next->realm(), auth_secret);
  directory = next;
  proxy.use(std::move(next));
}

void Server::Impl::receive(const Peer& from, std::string_view bytes) {
  timers.set_now(TimerQueue::Clock::now());
  ParseOptions parse_options;
  parse_options.framing = from.protocol == Protocol::tcp ? Framing::stream : Framing::datagram;
  ParseResult result = parse_message(bytes, message, parse_options);
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
  driver.rearm();
}

void Server::Impl::call_ended(const CallRecord& record) {
  if (call_records) call_records->write(record);
  if (options.metrics) options.metrics->call_ended(record.disposition);
}

void Server::Impl::publish_metrics() {
  if (!options.metrics) return;
  options.metrics->publish({.calls_in_progress = proxy.calls_in_progress(),
                            .dialogs = proxy.dialogs(),
                            .bindings = location.binding_count(),
                            .calls_started = proxy.stats().calls});
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

void Server::Impl::on_ack(const Message& ack, const Peer& from) { proxy.ack(ack, from); }

void Server::Impl::on_cancel(ServerId invite, const Message&, const Peer&) {
  proxy.cancel_call(invite);
}

void Server::Impl::on_stray_response(const Message& response, const Peer& from) {
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
      transport.close();
      io.stop();
      return;
    }
    watch_signals();
  });
}

bool Server::Impl::reload() {
  try {
    use(load_directory());
    log.notice(fmt::format("reloaded {}", options.tenant_path));
    return true;
  } catch (const std::exception& e) {
    log.write(LogLevel::error, fmt::format("reload refused: {}; the running plan stays", e.what()));
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
    publish_metrics();
    // Answered calls still need us for their BYE (we Record-Route), so draining waits for
    // established dialogs too, up to the limit.
    if (draining && ((proxy.calls_in_progress() == 0 && proxy.dialogs() == 0) ||
                     TimerQueue::Clock::now() >= drain_deadline)) {
      log.notice("stopped");
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
  impl_->use(impl_->load_directory());
}

Server::~Server() = default;

void Server::start() {
  for (const Peer& where : impl_->options.listen) impl_->transport.listen(where);
  for (const Peer& bound : impl_->transport.listening())
    impl_->log.notice(fmt::format("listening on {}", bound.to_string()));
  impl_->log_limits();
  impl_->watch_signals();
  impl_->schedule_housekeeping();
  impl_->publish_metrics();
  impl_->log.notice("ready");
}

void Server::run() { impl_->io.run(); }

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
