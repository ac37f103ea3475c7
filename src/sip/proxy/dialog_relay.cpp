// In-dialog requests and stray responses: relayed only inside dialogs this proxy set up.
#include <algorithm>

#include <fmt/format.h>

#include "sip/proxy/dialogs.hpp"
#include "sip/first_contact.hpp"
#include "sip/proxy/next_hop.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/proxy/reach.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {
namespace {

struct Hop {
  Peer peer;
  bool pop_route = false;
};

std::size_t routes_after_ours(const Message& request, const Hop& hop) {
  std::size_t routes = 0;
  request.for_each_value(HeaderId::route, [&](std::string_view) {
    ++routes;
    return true;
  });
  return routes - (hop.pop_route && routes > 0 ? 1 : 0);
}

}  // namespace

// Loose routing (RFC 3261 16.4, 16.12): when the first Route is us, it goes; the request
// then goes to the next Route, or to its Request-URI.
static std::optional<Hop> next_hop(const Proxy& proxy, const Message& request) {
  std::vector<std::string_view> routes;
  request.for_each_value(HeaderId::route, [&](std::string_view value) {
    routes.push_back(value);
    return routes.size() < 2;
  });
  Hop hop;
  std::size_t next = 0;
  NameAddr route;
  if (!routes.empty() && parse_name_addr(routes[0], route, {.require_brackets = true}) ==
                             NameAddrError::none &&
      proxy.names_us(route.uri, request)) {
    hop.pop_route = true;
    next = 1;
  }
  std::optional<Peer> peer;
  if (next < routes.size()) {
    if (parse_name_addr(routes[next], route, {.require_brackets = true}) == NameAddrError::none)
      peer = peer_of_uri(route.uri);
  } else {
    if (proxy.is_us(request.request_uri)) return std::nullopt;  // for us: nothing to relay
    peer = peer_of_uri(request.request_uri);
  }
  if (!peer) return std::nullopt;
  hop.peer = *peer;
  return hop;
}

void Proxy::in_dialog(ServerId txn, const Message& request, const Peer& from) {
  std::string_view from_tag = request.from.tag();
  std::string_view to_tag = request.to.tag();
  if (config_.own_media && config_.own_media->in_dialog(txn, request, from)) return;
  if (taken_over_.contains(DialogSet::key(request.call_id, from_tag, to_tag))) {
    // A dialog serve took over (takeover.cpp) and has ended since: never relayed again (the
    // phone's and the carrier's requests name the same dialog, and its token still verifies).
    layer_.respond(txn, build_response(request, 481, "Call/Transaction Does Not Exist"));
    return;
  }
  if (!dialogs_.touch(request.call_id, from_tag, to_tag, timers_.now()) &&
      !adopt_dialog(request, from)) {  // set up before a restart (dialog_adopt.cpp)
    layer_.respond(txn, build_response(request, 481, "Call/Transaction Does Not Exist"));
    return;
  }
  if (request.max_forwards == 0) {
    layer_.respond(txn, build_response(request, 483, "Too Many Hops"));
    return;
  }
  std::string key = DialogSet::key(request.call_id, from_tag, to_tag);
  if (TrunkDialog* trunk_dialog = trunk_dialogs_.find(key)) {
    relay_trunk_dialog(txn, request, from, key, *trunk_dialog);
    return;
  }
  auto hop = next_hop(*this, request);
  if (!hop) {
    layer_.respond(txn, build_response(request, 404, "Not Found"));
    return;
  }
  reach_by_flow(request, routes_after_ours(request, *hop) == 0, hop->peer);
  std::string branch = layer_.new_branch();
  std::string via = via_for(hop->peer, branch);
  std::string forwarded = build_forwarded_request(
      request, {.via = via, .pop_route = hop->pop_route, .strip_identity = true});
  // What to answer when the next hop never does; built now, while the request is at hand.
  std::string timeout = build_response(request, 408, "Request Timeout");
  bool is_bye = request.method == Method::bye;
  std::string call_id(request.call_id);
  std::string tag1(from_tag);
  std::string tag2(to_tag);
  // Who hung up, for the call record: the side whose tag is the caller's From tag.
  std::string ended_by = is_bye ? bye_sender(request) : std::string();
  auto dialog_over = [this, key, call_id, tag1, tag2, ended_by] {
    end_dialog(key, call_id, tag1, tag2, ended_by);
  };
  ClientCallbacks callbacks{
      .on_response =
          [this, txn, is_bye, dialog_over](const Message& response) {
            if (response.status_code == 100) return;
            layer_.respond(txn, build_forwarded_response(response));
            if (is_bye && response.status_code >= 200) dialog_over();
          },
      .on_timeout =
          [this, txn, timeout = std::move(timeout), is_bye, dialog_over]() mutable {
            layer_.respond(txn, std::move(timeout));
            if (is_bye) dialog_over();
          }};
  layer_.send_request(hop->peer, std::move(forwarded), branch, request.method,
                      std::move(callbacks));
}

void Proxy::ack(const Message& ack, const Peer& from) {
  if (config_.own_media && config_.own_media->ack(ack)) return;
  if (taken_over_.contains(DialogSet::key(ack.call_id, ack.from.tag(), ack.to.tag()))) return;
  if (!dialogs_.touch(ack.call_id, ack.from.tag(), ack.to.tag(), timers_.now()) &&
      !adopt_dialog(ack, from))
    return;
  if (ack.max_forwards == 0) return;
  if (const TrunkDialog* trunk_dialog =
          trunk_dialogs_.find(DialogSet::key(ack.call_id, ack.from.tag(), ack.to.tag()))) {
    ack_trunk_dialog(ack, from, *trunk_dialog);
    return;
  }
  auto hop = next_hop(*this, ack);
  if (!hop) return;
  reach_by_flow(ack, routes_after_ours(ack, *hop) == 0, hop->peer);
  // Stateless (RFC 3261 16.11): no transaction; a fresh branch is fine for an ACK to a 2xx,
  // which is a transaction of its own.
  std::string via = via_for(hop->peer, layer_.new_branch());
  transport_.send(hop->peer,
                  build_forwarded_request(ack, {.via = via, .pop_route = hop->pop_route,
                                                .strip_identity = true}));
}

// A request toward a side of the dialog that is reached by its flow (over TCP, or over UDP
// behind NAT: remember_flows) goes there when the next hop is that side itself (its Contact,
// maybe a private address), not another proxy on the route.
void Proxy::reach_by_flow(const Message& request, bool to_endpoint, Peer& hop) const {
  if (!to_endpoint) return;
  auto it = flows_.find(DialogSet::key(request.call_id, request.from.tag(), request.to.tag()));
  if (it == flows_.end()) return;
  const DialogFlows& f = it->second;
  const Peer& target = request.from.tag() == f.caller_tag ? f.callee : f.caller;
  if (target.port != 0) hop = target;  // a side reached by its flow (remember_flows)
}

// Where a request goes toward the phone of a trunk dialog: its flow or its Contact (reach.hpp).
static Peer phone_peer(const TrunkDialog& dialog) { return reach(dialog.phone_contact, dialog.phone); }

// A dialog through the trunk: the same relay as above, with trunk_side.hpp's rewriting so the
// carrier sees nothing of the inside, and the phone its own From.
void Proxy::relay_trunk_dialog(ServerId txn, const Message& request, const Peer& from,
                               const std::string& key, TrunkDialog& dialog) {
  const bool from_carrier = is_trunk(from);
  if (!from_carrier && request.method == Method::refer) {
    // A phone transferring a call it has with the carrier: the REFER never goes there (it
    // names the inside, and the carrier would carry the transfer out itself). Serve takes
    // the call over and carries the transfer out itself (takeover.cpp).
    take_over(txn, request, key, dialog);
    return;
  }
  // What a take-over needs: the CSeq numbers each side has used, and the carrier's remote
  // target, which its re-INVITE or UPDATE may refresh (RFC 3261 12.2).
  if (request.method != Method::ack && request.method != Method::cancel) {
    std::uint32_t& last = from_carrier ? dialog.carrier_cseq : dialog.phone_cseq;
    last = std::max(last, request.cseq.number);
  }
  if (from_carrier && (request.method == Method::invite || request.method == Method::update)) {
    if (std::string_view target = first_contact_uri(request); !target.empty()) dialog.carrier_target.assign(target);
  }
  Peer to;
  std::string branch = layer_.new_branch();
  std::string forwarded;
  if (from_carrier) {
    to = phone_peer(dialog);
    forwarded = request_for_phone(request, dialog, via_for(to, branch));
  } else {
    auto hop = next_hop(*this, request);
    if (!hop) {
      layer_.respond(txn, build_response(request, 404, "Not Found"));
      return;
    }
    to = hop->peer;
    forwarded = request_for_carrier(request, dialog, via_for(to, branch), hop->pop_route);
  }
  std::string timeout = build_response(request, 408, "Request Timeout");
  const bool is_bye = request.method == Method::bye;
  std::string ended_by = is_bye ? bye_sender(request) : std::string();
  std::vector<std::string> phone_vias = from_carrier ? std::vector<std::string>{}
                                                     : via_values(request);
  std::string call_id(request.call_id);
  std::string tag1(request.from.tag());
  std::string tag2(request.to.tag());
  auto dialog_over = [this, key, call_id, tag1, tag2, ended_by] {
    end_dialog(key, call_id, tag1, tag2, ended_by);
  };
  ClientCallbacks callbacks{
      .on_response =
          [this, txn, key, is_bye, from_carrier, phone_vias = std::move(phone_vias),
           dialog_over](const Message& response) {
            if (response.status_code == 100) return;
            TrunkDialog* d = trunk_dialogs_.find(key);
            if (d == nullptr) return;  // gone meanwhile (expired): nothing to translate with
            if (!from_carrier && response.status_code >= 200 && response.status_code < 300 &&
                (response.cseq.method == Method::invite || response.cseq.method == Method::update)) {
              if (std::string_view target = first_contact_uri(response); !target.empty())
                d->carrier_target.assign(target);  // the carrier's answer refreshes it too
            }
            layer_.respond(txn, from_carrier ? response_for_carrier(response, *d)
                                             : response_for_phone(phone_vias, response,
                                                                  d->phone_from, d->cseq_shift));
            if (is_bye && response.status_code >= 200) dialog_over();
          },
      .on_timeout =
          [this, txn, timeout = std::move(timeout), is_bye, dialog_over]() mutable {
            layer_.respond(txn, std::move(timeout));
            if (is_bye) dialog_over();
          }};
  layer_.send_request(to, std::move(forwarded), branch, request.method, std::move(callbacks));
}

void Proxy::ack_trunk_dialog(const Message& ack, const Peer& from, const TrunkDialog& dialog) {
  std::string branch = layer_.new_branch();
  if (is_trunk(from)) {
    Peer to = phone_peer(dialog);
    transport_.send(to, request_for_phone(ack, dialog, via_for(to, branch)));
    return;
  }
  auto hop = next_hop(*this, ack);
  if (!hop) return;
  transport_.send(hop->peer,
                  request_for_carrier(ack, dialog, via_for(hop->peer, branch), hop->pop_route));
}

void Proxy::stray_response(const Message& response, const Peer& from) {
  (void)from;
  if (config_.own_media && config_.own_media->stray_answer(response)) return;  // re-ACKed
  // Only 2xx to INVITE are relayed statelessly (retransmissions after the client transaction
  // ended); our Via must be on top and another below it.
  if (response.status_code < 200 || response.status_code >= 300) return;
  if (response.cseq.method != Method::invite || response.via_count < 2) return;
  if (!dialogs_.touch(response.call_id, response.from.tag(), response.to.tag(), timers_.now()))
    return;
  Via next;
  bool second = false;
  std::size_t seen = 0;
  response.for_each_value(HeaderId::via, [&](std::string_view value) {
    if (++seen == 2) second = parse_via(value, next) == ViaError::none;
    return seen < 2;
  });
  if (!second) return;
  auto peer = peer_of_via(next);
  if (!peer) return;
  transport_.send(*peer, build_forwarded_response(response));
}

}  // namespace callplan::sip
