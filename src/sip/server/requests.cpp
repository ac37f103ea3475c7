// Who may do what: every new request is sorted here — REGISTER to the registrar, INVITE to the
// proxy (after authentication unless it comes from the trunk), in-dialog requests to the
// proxy's dialog relay, and the rest answered here.
#include <array>

#include <fmt/format.h>

#include "sip/sanity.hpp"
#include "sip/server/server_impl.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {
namespace {

// Option tags we support: none (no 100rel, no timers); anything in Proxy-Require/Require of a
// request addressed to us is refused with 420.
constexpr std::array<std::string_view, 0> kSupported{};

// Who a request says it comes from before it has credentials: the To user of a REGISTER
// (the address of record, RFC 3261 10.2), the From user of anything else. Only used to pick
// the digest algorithms to offer (DigestPolicy).
std::string claimed_username(const Message& request) {
  return unescape(request.method == Method::register_ ? request.to.uri.user
                                                      : request.from.uri.user);
}

std::string new_tag() {
  static std::uint64_t counter = 0x5bd1e995u;
  counter = counter * 6364136223846793005ULL + 1442695040888963407ULL;
  return fmt::format("{:016x}", counter);
}

}  // namespace

bool Server::Impl::from_trunk(const Peer& from) const {
  return options.trunk && from.address == options.trunk->address;
}

void Server::Impl::reply(ServerId txn, const Message& request, int status, std::string_view reason,
                         std::span<const HeaderLine> extra) {
  std::string tag = new_tag();
  layer.respond(txn, build_response(request, status, reason, {.to_tag = tag, .extra = extra}));
}

void Server::Impl::on_request(ServerId txn, const Message& request, const Peer& from) {
  // --cluster: another node's INVITE to a phone only this node reaches, or its dialog.
  if (owner_relay && owner_relay->request(txn, request, from)) return;
  if (!request.to.tag().empty()) {
    if (notifier.owns(request))
      notifier.in_dialog(txn, request, from);  // a subscription's refresh or end
    else if (!mailbox_calls || !mailbox_calls->in_dialog(txn, request, from))
      proxy.in_dialog(txn, request, from);  // 481 unless it is a dialog we set up
    return;
  }
  switch (request.method) {
    case Method::register_:
      on_register(txn, request, from);
      break;
    case Method::invite:
      on_invite(txn, request, from);
      break;
    case Method::subscribe:
      on_subscribe(txn, request, from);
      break;
    case Method::message:
      on_instant_message(txn, request, from);
      break;
    default:
      on_out_of_dialog(txn, request, from);
      break;
  }
}

std::optional<std::string> Server::Impl::authenticate(ServerId txn, const Message& request,
                                                      const Peer& from, ChallengeKind kind) {
  TimerQueue::TimePoint now = timers.now();
  std::string claimed;  // the username the request claims, for the algorithms to offer
  auto challenge = [&](bool stale) {
    // In the realm of the claimed username's company (SPEC 11; an unknown name gets one of
    // the served realms, always the same: companies.hpp).
    const DeviceSecret* secret = companies.secret(claimed);
    std::span<const HeaderLine> lines = companies.realm_of(claimed).auth.challenge(
        kind, stale, now, options.digest.offer_for(secret));
    if (kind == ChallengeKind::www)
      reply(txn, request, 401, "Unauthorized", lines);
    else
      reply(txn, request, 407, "Proxy Authentication Required", lines);
  };
  // A blocked source (or source and username) gets a fresh challenge like everyone else, but
  // nothing it sends is verified (no hash is computed) until the block ends: a password
  // guesser cannot tell that it is blocked, and cracking tools run to their end finding
  // nothing instead of stalling on an unexpected 403 (docs/sip-server.md). A request from
  // the address and port of the user's own live binding is never blocked: a guesser behind
  // the same NAT address cannot lock that phone out.
  claimed = claimed_username(request);
  if (!own_binding(claimed, from) && throttle.blocked(from.address, {}, now)) {
    security_log.auth_blocked(from, request.method_text, {}, options.throttle.block_for);
    challenge(false);
    return std::nullopt;
  }
  HeaderId header = kind == ChallengeKind::www ? HeaderId::authorization
                                               : HeaderId::proxy_authorization;
  // Credentials are checked in their username's company's realm, against that company's
  // devices only: a username of one company never verifies in another's realm.
  std::string presented = credentials_username(request, header);
  Companies::Realm realm = companies.realm_of(presented.empty() ? claimed : presented);
  AuthResult result = realm.auth.verify(request, header, realm.credentials, now);
  if (!result.username.empty()) claimed = result.username;
  const bool trusted = own_binding(result.username, from);
  if (!trusted && throttle.blocked(from.address, result.username, now)) {
    security_log.auth_blocked(from, request.method_text, result.username,
                              options.throttle.block_for);
    challenge(false);
    return std::nullopt;
  }
  if (result.ok()) {
    throttle.succeeded(from.address, result.username);
    if (!account_limiter.allow(result.username, now)) {
      // The device is over its own budget (a loop, a broken phone): 503 with Retry-After, an
      // answer every RFC 3261 phone backs off on; its colleagues are not affected.
      HeaderLine retry{"Retry-After", "5"};
      reply(txn, request, 503, "Service Unavailable", std::span(&retry, 1));
      security_log.rate_limited(from);
      if (options.metrics) options.metrics->rate_limited();
      return std::nullopt;
    }
    return result.username;
  }
  if (result.failure()) {
    // Every failure is logged (fail2ban counts them), trusted or not.
    security_log.auth_failure(from, request.method_text, result.username, to_string(result.status));
    if (options.metrics) options.metrics->auth_failure();
    if (!trusted && throttle.failed(from.address, result.username, now))
      security_log.auth_blocked(from, request.method_text, result.username,
                                throttle.last_block());
  }
  challenge(result.stale());
  return std::nullopt;
}

bool Server::Impl::own_binding(std::string_view username, const Peer& from) const {
  if (username.empty()) return false;
  for (const Binding* binding : location.lookup(username, timers.now()))
    if (binding->source.same_endpoint(from)) return true;
  return false;
}

void Server::Impl::on_register(ServerId txn, const Message& request, const Peer& from) {
  auto username = authenticate(txn, request, from, ChallengeKind::www);
  if (!username) return;
  const bool was_registered = location.registered(*username, timers.now());
  if (cluster) cluster->begin_register();
  RegisterOutcome outcome = registrar.handle(request, *username, from, timers.now());
  // A phone registering anew gets the state it watches (SPEC 10: message waiting).
  if (outcome.status == 200 && !was_registered && location.registered(*username, timers.now()))
    notifier.refresh_subscriber(*username);
  if (outcome.status != 200 && log.enabled(LogLevel::info))
    log.write(LogLevel::info, fmt::format("REGISTER {} from {}: {} {}", *username,
                                          from.to_string(), outcome.status, outcome.warning));
  if (outcome.status == 200 && from.protocol == Protocol::tcp)
    registered_on_connection(*username, from);
  std::vector<HeaderLine> extra = outcome.headers();
  if (!cluster) {
    reply(txn, request, outcome.status, outcome.reason, extra);
    return;
  }
  // --cluster: the answer goes once Redis confirmed the change (or at once when nothing
  // changed or Redis is away); built now, while `request` is still the one received.
  std::string response =
      build_response(request, outcome.status, outcome.reason, {.to_tag = new_tag(), .extra = extra});
  cluster->end_register([this, txn, response = std::move(response)]() mutable {
    timers.set_now(TimerQueue::Clock::now());
    layer.respond(txn, std::move(response));
    driver.rearm();
  });
}

void Server::Impl::on_invite(ServerId txn, const Message& request, const Peer& from) {
  if (draining) {
    HeaderLine retry{"Retry-After", "30"};
    reply(txn, request, 503, "Service Unavailable", std::span(&retry, 1));
    return;
  }
  if (max_forwards_exhausted(request)) {
    reply(txn, request, 483, "Too Many Hops");
    return;
  }
  std::string unsupported = unsupported_option_tags(request, HeaderId::proxy_require, kSupported);
  if (!unsupported.empty()) {
    HeaderLine line{"Unsupported", unsupported};
    reply(txn, request, 420, "Bad Extension", std::span(&line, 1));
    return;
  }
  if (from_trunk(from)) {
    // The company whose number is dialled (SPEC 11); with one company, every call is its own
    // (its engine answers 404 for numbers it does not have, with a call record).
    std::string dialled = dialled_number(request.request_uri);
    Company* company = companies.size() == 1 ? companies.all().front().get()
                                             : companies.by_number(dialled);
    if (company == nullptr) {
      if (log.enabled(LogLevel::info))
        log.write(LogLevel::info, "call",
                  fmt::format("call {}: {} is not a number of any company: 404",
                              request.call_id, dialled));
      reply(txn, request, 404, "Not Found");
      return;
    }
    std::string caller = unescape(request.from.uri.user);
    proxy.start_call(txn, request, from, Caller::external(caller.empty() ? "anonymous" : caller),
                     company->directory, company->routing);
    return;
  }
  auto username = authenticate(txn, request, from, ChallengeKind::proxy);
  if (!username) return;
  // The device's own company: what it dials is routed there and nowhere else.
  Company* company = companies.by_username(*username);
  auto device = company ? company->directory->device_of(*username) : std::nullopt;
  if (!device) {  // credentials without a device: cannot happen, be safe
    reply(txn, request, 403, "Forbidden");
    return;
  }
  if (mailbox_calls && MailboxCalls::is_mailbox_code(unescape(request.request_uri.user)))
    return mailbox_call(txn, request, from, *company, *device);  // SPEC 10: the mailbox by phone
  proxy.start_call(txn, request, from, Caller::from_device(*device), company->directory,
                   company->routing);
}

// SUBSCRIBE (RFC 6665) from an authenticated device; the trunk watches nothing here.
void Server::Impl::on_subscribe(ServerId txn, const Message& request, const Peer& from) {
  if (from_trunk(from)) {
    reply(txn, request, 403, "Forbidden");
    return;
  }
  auto username = authenticate(txn, request, from, ChallengeKind::proxy);
  if (!username) return;
  notifier.subscribe(txn, request, from, *username);
}

void Server::Impl::on_out_of_dialog(ServerId txn, const Message& request, const Peer& from) {
  if (!from_trunk(from) && !authenticate(txn, request, from, ChallengeKind::proxy)) return;
  HeaderLine allow{"Allow", kAllow};
  if (request.method == Method::options) {
    reply(txn, request, 200, "OK", std::span(&allow, 1));
  } else if (request.method == Method::bye || request.method == Method::cancel) {
    reply(txn, request, 481, "Call/Transaction Does Not Exist");
  } else {
    reply(txn, request, 405, "Method Not Allowed", std::span(&allow, 1));
  }
}

}  // namespace callplan::sip
