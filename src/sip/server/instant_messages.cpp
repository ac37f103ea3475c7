// MESSAGE (RFC 3428): pager-mode chat between a company's phones. The sender is a device
// (authenticated like every other request); the Request-URI names a colleague by extension
// or a device's SIP username. The MESSAGE is forked to every live binding of the colleague's
// devices (each reached as a call would be, reach.hpp); the first 2xx goes back to the sender,
// else the best failure once every branch has answered, 408 when none did.
//
// Never to the trunk: the server relays only inside the company. A number that is no
// colleague is 404, also when it looks like an outside number: a carrier takes chat as SMS
// (billed, and nothing in the tenant says who may send one), and an unauthenticated relay
// to the outside is what spammers look for.
#include <memory>

#include <fmt/format.h>

#include "sip/name_addr.hpp"
#include "sip/proxy/reach.hpp"
#include "sip/sanity.hpp"
#include "sip/server/server_impl.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {
namespace {

// What the branches of one MESSAGE share until the sender has its answer.
struct MessageFanout {
  ServerId txn = kNoTransaction;
  std::size_t pending = 0;
  bool answered = false;
  int best_status = 0;
  std::string best;      // the best failure so far, ready for the sender
  std::string timeout;   // 408 for the sender when no branch answered
};

// Which failure the sender gets when every phone refused (RFC 3261 16.7 step 6, simplified):
// the lowest status, a time-out (408) only when nothing else came back.
int failure_rank(int status) {
  if (status == 408) return 999;
  return status;
}

}  // namespace

void Server::Impl::on_instant_message(ServerId txn, const Message& request, const Peer& from) {
  if (from_trunk(from)) {
    reply(txn, request, 403, "Forbidden");
    return;
  }
  auto username = authenticate(txn, request, from, ChallengeKind::proxy);
  if (!username) return;
  if (max_forwards_exhausted(request)) {
    reply(txn, request, 483, "Too Many Hops");
    return;
  }
  // The colleague is looked up in the sender's own company only (SPEC 11).
  const Company* company = companies.by_username(*username);
  if (company == nullptr) {
    reply(txn, request, 404, "Not Found");
    return;
  }
  const Directory& directory = *company->directory;
  const Engine& engine = *directory.engine();
  auto sender = directory.device_of(*username);
  const std::string name = unescape(request.request_uri.user);
  std::optional<UserIndex> user = engine.find_user(name);
  if (!user) {
    if (auto device = directory.device_of(name)) {
      UserIndex owner = engine.device_user(*device);
      if (owner != kNoUser) user = owner;
    }
  }
  if (!sender || !user) {
    reply(txn, request, 404, "Not Found");
    return;
  }
  // The colleague sees the sender's extension, to answer to (or its username without one).
  UserIndex sender_user = engine.device_user(*sender);
  const std::string shown = sender_user != kNoUser ? std::string(engine.extension(sender_user))
                                                   : *username;
  bool route_is_us = false;
  request.for_each_value(HeaderId::route, [&](std::string_view value) {
    NameAddr route;
    route_is_us = parse_name_addr(value, route, {.require_brackets = true}) ==
                      NameAddrError::none &&
                  proxy.is_us(route.uri);
    return false;
  });

  auto fanout = std::make_shared<MessageFanout>();
  fanout->txn = txn;
  fanout->timeout = build_response(request, 408, "Request Timeout", {.to_tag = "im408"});
  for (DeviceIndex device : engine.devices_of(*user)) {
    for (const Binding* binding : location.lookup(directory.username(device), timers.now())) {
      if (binding->through.port != 0) continue;  // --cluster: another node's, only it reaches
      const Peer to = reach(binding->contact, binding->source);
      const std::string branch = layer.new_branch();
      const std::string via = fmt::format("SIP/2.0/{} {};branch={}", via_transport(to.protocol),
                                          transport.local(to.protocol).host_port(), branch);
      const std::string from_value =
          fmt::format("<sip:{}@{}>;tag={}", shown, transport.local(to.protocol).host_port(),
                      request.from.tag());
      std::string forwarded = build_forwarded_request(
          request, {.request_uri = binding->contact,
                    .via = via,
                    .pop_route = route_is_us,
                    .from = from_value,
                    .strip_identity = true});
      ++fanout->pending;
      ClientCallbacks callbacks{
          .on_response =
              [this, fanout](const Message& response) {
                const int status = response.status_code;
                if (status < 200 || fanout->answered) return;
                --fanout->pending;
                if (status < 300) {
                  fanout->answered = true;
                  layer.respond(fanout->txn, build_forwarded_response(response));
                  return;
                }
                if (fanout->best.empty() || failure_rank(status) < failure_rank(fanout->best_status)) {
                  fanout->best_status = status;
                  fanout->best = build_forwarded_response(response);
                }
                if (fanout->pending == 0)
                  layer.respond(fanout->txn, std::move(fanout->best));
              },
          .on_timeout =
              [this, fanout] {
                if (fanout->answered) return;
                if (--fanout->pending > 0) return;
                layer.respond(fanout->txn, fanout->best.empty() ? std::move(fanout->timeout)
                                                                : std::move(fanout->best));
              }};
      layer.send_request(to, std::move(forwarded), branch, Method::message, std::move(callbacks));
    }
  }
  if (fanout->pending == 0) reply(txn, request, 480, "Temporarily Unavailable");
}

}  // namespace callplan::sip
