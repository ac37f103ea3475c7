#include "sip/server/owner_relay.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sip/name_addr.hpp"
#include "sip/proxy/next_hop.hpp"
#include "sip/proxy/reach.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {
namespace {

std::int64_t wall_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The first Route value, parsed; false when there is none or it does not parse.
bool first_route(const Message& request, NameAddr& route) {
  std::string_view first;
  request.for_each_value(HeaderId::route, [&](std::string_view value) {
    first = value;
    return false;
  });
  return !first.empty() &&
         parse_name_addr(first, route, {.require_brackets = true}) == NameAddrError::none;
}

bool has_tag(const Message& request, std::string_view tag) {
  return !tag.empty() && (request.from.tag() == tag || request.to.tag() == tag);
}

}  // namespace

OwnerRelay::OwnerRelay(Parts parts, std::string_view cluster_secret, std::chrono::seconds idle)
    : parts_(std::move(parts)), tokens_(cluster_secret), idle_(idle) {}

std::string OwnerRelay::route_to_owner(std::string_view username, const Binding& binding,
                                       std::string_view branch) const {
  const std::string token = tokens_.issue(username, binding.source, branch,
                                          wall_seconds() + cluster::kRelayTokenSeconds);
  return fmt::format("<sip:{}@{};lr{}>", token, binding.through.host_port(),
                     binding.through.protocol == Protocol::tcp ? ";transport=tcp" : "");
}

std::string OwnerRelay::via_for(const Peer& to, std::string_view branch) const {
  return fmt::format("SIP/2.0/{} {};branch={}", via_transport(to.protocol),
                     parts_.transport.local(to.protocol).host_port(), branch);
}

bool OwnerRelay::top_route_is_us(const Message& request) const {
  NameAddr route;
  if (!first_route(request, route)) return false;
  auto peer = peer_of_uri(route.uri);
  return peer && parts_.is_us(*peer);
}

std::size_t OwnerRelay::dialogs() const {
  std::size_t n = 0;
  for (const auto& [call_id, list] : by_call_id_) n += list.size();
  return n;
}

// ---------------------------------------------------------------------------------------------
// The INVITE

bool OwnerRelay::request(ServerId txn, const Message& request, const Peer& from) {
  if (!request.to.tag().empty()) {
    Relayed* dialog = find(request);
    if (dialog == nullptr) return false;
    relay_in_dialog(txn, request, from, *dialog);
    return true;
  }
  NameAddr route;
  if (!first_route(request, route) || !cluster::RelayTokens::looks_like_token(route.uri.user))
    return false;
  auto peer = peer_of_uri(route.uri);
  if (!peer || !parts_.is_us(*peer)) return false;  // another node's: not ours to judge
  cluster::RelayTokens::Checked checked =
      tokens_.check(route.uri.user, request.top_via.branch, wall_seconds());
  if (checked.verdict != cluster::RelayTokens::Verdict::granted ||
      request.method != Method::invite) {
    // Whoever sends this is not a node of this cluster (or replays a node's INVITE): one line
    // fail2ban counts like a wrong password, and nothing is relayed.
    parts_.security_log.auth_failure(
        from, request.method_text, checked.username,
        fmt::format("cluster-route-{}", request.method != Method::invite &&
                                                checked.verdict ==
                                                    cluster::RelayTokens::Verdict::granted
                                            ? "not-invite"
                                            : to_string(checked.verdict)));
    parts_.layer.respond(txn, build_response(request, 403, "Forbidden", {.to_tag = "cr403"}));
    return true;
  }
  relay_invite(txn, request, from, checked);
  return true;
}

void OwnerRelay::relay_invite(ServerId txn, const Message& request, const Peer& from,
                              const cluster::RelayTokens::Checked& grant) {
  const auto now = parts_.timers.now();
  if (request.max_forwards == 0) {
    parts_.layer.respond(txn, build_response(request, 483, "Too Many Hops", {.to_tag = "cr483"}));
    return;
  }
  // The phone must still be registered here on that flow: a binding that went (its
  // connection closed, it expired) is not reached by a token made before.
  const Binding* binding = nullptr;
  for (const Binding* b : parts_.location.lookup(grant.username, now))
    if (b->through.port == 0 && b->source.same_endpoint(grant.flow)) {
      binding = b;
      break;
    }
  if (binding == nullptr) {
    parts_.layer.respond(txn, build_response(request, 480, "Temporarily Unavailable",
                                             {.to_tag = "cr480"}));
    return;
  }
  const Peer to = reach(binding->contact, binding->source);
  const std::string branch = parts_.layer.new_branch();
  // Our Record-Route on the phone's transport, so its in-dialog requests come back here (on
  // its connection) and go on to the node that rang it.
  const std::string record_route =
      fmt::format("<sip:{};lr{}>", parts_.transport.local(to.protocol).host_port(),
                  to.protocol == Protocol::tcp ? ";transport=tcp" : "");
  std::string forwarded = build_forwarded_request(
      request, {.via = via_for(to, branch), .record_route = record_route, .pop_route = true});
  std::string call_id(request.call_id);
  by_call_id_[call_id].push_back(Relayed{.phone = to,
                                         .node = from,
                                         .caller_tag = std::string(request.from.tag()),
                                         .invite = txn,
                                         .used = now});
  by_invite_[txn] = call_id;
  if (parts_.log)
    parts_.log(fmt::format("call {}: INVITE from node {} relayed to {} at {}", call_id,
                           from.to_string(), grant.username, to.to_string()));
  std::string timeout = build_response(request, 408, "Request Timeout", {.to_tag = "cr408"});
  ClientCallbacks callbacks{
      .on_response =
          [this, txn, call_id](const Message& response) {
            if (response.status_code == 100) return;
            parts_.layer.respond(txn, build_forwarded_response(response));
            if (response.status_code < 200) return;
            if (response.status_code >= 300) {
              forget(call_id, txn);
              return;
            }
            by_invite_.erase(txn);
            auto it = by_call_id_.find(call_id);
            if (it == by_call_id_.end()) return;
            for (Relayed& d : it->second)
              if (d.invite == txn) {
                d.phone_tag.assign(response.to.tag());
                d.used = parts_.timers.now();
              }
          },
      .on_timeout =
          [this, txn, call_id, timeout = std::move(timeout)]() mutable {
            parts_.layer.respond(txn, std::move(timeout));
            forget(call_id, txn);
          }};
  const ClientId client = parts_.layer.send_request(to, std::move(forwarded), branch,
                                                    Method::invite, std::move(callbacks));
  if (auto it = by_call_id_.find(call_id); it != by_call_id_.end())
    for (Relayed& d : it->second)
      if (d.invite == txn) d.branch = client;
}

bool OwnerRelay::cancel(ServerId invite) {
  auto it = by_invite_.find(invite);
  if (it == by_invite_.end()) return false;
  if (auto calls = by_call_id_.find(it->second); calls != by_call_id_.end())
    for (const Relayed& d : calls->second)
      if (d.invite == invite) parts_.layer.cancel(d.branch);  // its 487 comes back upstream
  return true;
}

// ---------------------------------------------------------------------------------------------
// The dialog

OwnerRelay::Relayed* OwnerRelay::find(const Message& request) {
  auto it = by_call_id_.find(std::string(request.call_id));
  if (it == by_call_id_.end()) return nullptr;
  for (Relayed& d : it->second)  // the answered dialog: both sides' tags
    if (!d.phone_tag.empty() && has_tag(request, d.phone_tag) && has_tag(request, d.caller_tag))
      return &d;
  return nullptr;
}

void OwnerRelay::relay_in_dialog(ServerId txn, const Message& request, const Peer& from,
                                 Relayed& dialog) {
  if (request.max_forwards == 0) {
    parts_.layer.respond(txn, build_response(request, 483, "Too Many Hops"));
    return;
  }
  dialog.used = parts_.timers.now();
  // From the phone, back to the node that rang it; from anywhere else (that node, or the
  // node that took its calls over), to the phone: never elsewhere.
  const Peer to = from.same_endpoint(dialog.phone) ? dialog.node : dialog.phone;
  const std::string branch = parts_.layer.new_branch();
  std::string forwarded = build_forwarded_request(
      request, {.via = via_for(to, branch), .pop_route = top_route_is_us(request)});
  std::string timeout = build_response(request, 408, "Request Timeout");
  const bool is_bye = request.method == Method::bye;
  std::string call_id(request.call_id);
  const ServerId invite = dialog.invite;
  ClientCallbacks callbacks{
      .on_response =
          [this, txn, is_bye, call_id, invite](const Message& response) {
            if (response.status_code == 100) return;
            parts_.layer.respond(txn, build_forwarded_response(response));
            if (is_bye && response.status_code >= 200) forget(call_id, invite);
          },
      .on_timeout =
          [this, txn, is_bye, call_id, invite, timeout = std::move(timeout)]() mutable {
            parts_.layer.respond(txn, std::move(timeout));
            if (is_bye) forget(call_id, invite);
          }};
  parts_.layer.send_request(to, std::move(forwarded), branch, request.method,
                            std::move(callbacks));
}

bool OwnerRelay::ack(const Message& ack, const Peer& from) {
  Relayed* dialog = find(ack);
  if (dialog == nullptr) return false;
  if (ack.max_forwards == 0) return true;
  dialog->used = parts_.timers.now();
  const Peer to = from.same_endpoint(dialog->phone) ? dialog->node : dialog->phone;
  // Stateless (RFC 3261 16.11), as the proxy relays an ACK for a 2xx.
  parts_.transport.send(to, build_forwarded_request(
                                ack, {.via = via_for(to, parts_.layer.new_branch()),
                                      .pop_route = top_route_is_us(ack)}));
  return true;
}

bool OwnerRelay::stray_response(const Message& response, const Peer& from) {
  // A 2xx to the INVITE retransmitted by the phone after our client transaction ended (its
  // ACK was lost): relayed upstream statelessly, as the proxy does.
  if (response.status_code < 200 || response.status_code >= 300 ||
      response.cseq.method != Method::invite || response.via_count < 2)
    return false;
  auto it = by_call_id_.find(std::string(response.call_id));
  if (it == by_call_id_.end() ||
      std::none_of(it->second.begin(), it->second.end(),
                   [&](const Relayed& d) { return from.same_endpoint(d.phone); }))
    return false;
  Via next;
  bool second = false;
  std::size_t seen = 0;
  response.for_each_value(HeaderId::via, [&](std::string_view value) {
    if (++seen == 2) second = parse_via(value, next) == ViaError::none;
    return seen < 2;
  });
  if (!second) return true;
  if (auto peer = peer_of_via(next)) parts_.transport.send(*peer, build_forwarded_response(response));
  return true;
}

void OwnerRelay::forget(std::string_view call_id, ServerId invite) {
  by_invite_.erase(invite);
  auto it = by_call_id_.find(std::string(call_id));
  if (it == by_call_id_.end()) return;
  std::erase_if(it->second, [&](const Relayed& d) { return d.invite == invite; });
  if (it->second.empty()) by_call_id_.erase(it);
}

void OwnerRelay::expire(TimerQueue::TimePoint now) {
  for (auto it = by_call_id_.begin(); it != by_call_id_.end();) {
    std::erase_if(it->second, [&](const Relayed& d) {
      // Ringing ones end with their INVITE transaction (its callbacks forget them).
      const bool gone = !d.phone_tag.empty() && now - d.used > idle_;
      return gone;
    });
    it = it->second.empty() ? by_call_id_.erase(it) : std::next(it);
  }
}

}  // namespace callplan::sip
