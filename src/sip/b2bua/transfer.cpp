// Blind transfer (RFC 3515 REFER) by a phone bridged to a caller that serve answered: the
// REFER never goes further (the caller may be the carrier, which must never see one); serve
// carries it out with its own legs (phone_legs.cpp):
//
//   REFER from the phone   202 Accepted, NOTIFY "100 Trying", then at once NOTIFY "200 OK"
//                          (terminated; RFC 3515 2.4.4-5): serve has taken the call over, so the
//                          phone is free and hangs up, as a blind transfer's phone should (the
//                          common PBX way: the outcome is serve's business from now on, and a
//                          phone told of a failure would drop the call: baresip does). The
//                          caller is unbridged and hears ringback; the proxy rings the target
//                          (on_transfer) with INVITEs of a fresh phone side (`next`)
//   the target answers     the caller is bridged to it; a transferring phone still in the call
//                          gets our BYE
//   no answer, busy, ...   the call comes back: bridged again to the phone that transferred
//                          when it is still in the call, else that phone rings again (its
//                          extension, as if called; nobody answering that ends the call)
//
// The time a target may ring is the proxy's (ProxyConfig::transfer_timeout, 30 s by default).
// Attended transfer (Refer-To with Replaces) is attended.cpp's; a call the proxy relayed
// end to end is taken over first (takeover.cpp).
#include <optional>
#include <span>

#include <fmt/format.h>

#include "sip/b2bua/dialog_request.hpp"
#include "sip/b2bua/leg.hpp"
#include "sip/b2bua/own_media.hpp"
#include "sip/name_addr.hpp"
#include "sip/uri.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

void OwnMedia::refer(const LegPtr& leg, ServerId txn, const Message& request) {
  if (request.call_id != leg->out.call_id || !leg->bridged) {
    layer_.respond(txn, build_response(request, 403, "Forbidden"));
    return;
  }
  if (leg->transfer.active) {  // one transfer at a time (RFC 3515 2.4.6 allows refusing)
    layer_.respond(txn, build_response(request, 491, "Request Pending"));
    return;
  }
  const Header* refer_to = request.find("Refer-To");
  std::optional<ReferTarget> where = refer_to != nullptr ? parse_refer_to(refer_to->value) : std::nullopt;
  if (!where || (!where->replaces && where->user.empty())) {
    layer_.respond(txn, build_response(request, 400, "Bad Refer-To"));
    return;
  }
  if (where->replaces) {  // attended (RFC 5589): attended.cpp
    attended(leg, txn, request, *where);
    return;
  }
  std::string target = where->user;
  layer_.respond(txn, build_response(request, 202, "Accepted"));
  leg->transfer = Leg::Transfer{.active = true,
                                .recall = false,
                                .target = target,
                                .transferor = leg->out.device,
                                .call = 0,
                                .reported = false,
                                .attended = false};
  leg->next = PhoneSide{};
  notify_transferor(leg, "SIP/2.0 100 Trying", false);
  notify_transferor(leg, "SIP/2.0 200 OK", true);
  leg->transfer.reported = true;
  log_(fmt::format("call {}: {} transfers the call to {}", leg->dialog.invite.call_id,
                   leg->transfer.transferor, target));
  // The caller hears ringback while the target rings; the phone that transferred is left
  // unbridged (on hold) until the target answers.
  control_.request({{"op", "unbridge"}, {"leg", leg->name}}, [](const nlohmann::json&) {});
  control_.request({{"op", "ringback"}, {"leg", leg->name}, {"on", true}}, [](const nlohmann::json&) {});
  std::uint64_t id = on_transfer_ ? on_transfer_(leg->call, target, leg->transfer.transferor) : 0;
  // It may have failed at once (nothing to ring), and the call come back already.
  if (!leg->transfer.active || leg->transfer.recall || leg->transfer.call != 0) return;
  leg->transfer.call = id;
  if (id == 0) transfer_failed(leg->call);
}

void OwnMedia::send_in_phone_dialog(const LegPtr& leg, PhoneSide& side, std::string_view method,
                                    std::span<const HeaderLine> headers, std::string_view body,
                                    std::string_view content_type) {
  (void)leg;
  if (!side.answered || side.key.empty()) return;
  std::string branch = layer_.new_branch();
  std::string out;
  MessageWriter w(out);
  w.request_line(method, side.target);
  w.header("Via", via_to(transport_, side.peer, branch));
  for (const std::string& route : side.routes) w.header("Route", route);
  w.header("Max-Forwards", std::uint64_t{70});
  w.header("From", side.from);
  w.header("To", side.to);
  w.header("Call-ID", side.call_id);
  w.header("CSeq", fmt::format("{} {}", ++side.cseq, method));
  for (const HeaderLine& h : headers) w.header(h.name, h.value);
  w.finish(body, content_type);
  layer_.send_request(side.peer, std::move(out), branch,
                      method == "NOTIFY" ? Method::notify : Method::bye,
                      ClientCallbacks{.on_response = [](const Message&) {}, .on_timeout = [] {}});
}

// RFC 3515 2.4.4/2.4.5: the REFER's implicit subscription, reported by NOTIFYs of sipfrag.
void OwnMedia::notify_transferor(const LegPtr& leg, std::string_view sipfrag, bool final) {
  std::string contact = fmt::format("<sip:{}>", transport_.local(leg->out.peer.protocol).host_port());
  HeaderLine headers[] = {
      {"Event", "refer"},
      {"Subscription-State", final ? "terminated;reason=noresource" : "active;expires=60"},
      {"Contact", contact}};
  send_in_phone_dialog(leg, leg->out, "NOTIFY", headers, fmt::format("{}\r\n", sipfrag),
                       "message/sipfrag;version=2.0");
}

void OwnMedia::transfer_answered(const LegPtr& leg, const Message& answer, const Peer& to,
                                 std::string_view device) {
  PhoneSide& n = leg->next;
  if (n.answered) {  // a retransmission
    if (n.to == answer.to.text) send_ack(n, answer);
    return;
  }
  n.answered = true;
  n.device.assign(device);
  n.from.assign(answer.from.text);
  n.to.assign(answer.to.text);
  n.peer = to;
  n.target.clear();
  answer.for_each_value(HeaderId::contact, [&](std::string_view value) {
    NameAddr contact;
    if (parse_name_addr(value, contact, {}) == NameAddrError::none) n.target.assign(contact.uri.text);
    return false;
  });
  if (n.target.empty()) n.target = fmt::format("sip:{}", to.host_port());
  n.routes.clear();
  answer.for_each_value(HeaderId::record_route, [&](std::string_view value) {
    n.routes.emplace(n.routes.begin(), value);  // reversed (12.1.2)
    return true;
  });
  n.key = dialog_key(n.call_id, answer.to.tag(), n.tag);
  dialogs_[n.key] = leg;
  n.session.our_sdp = n.offer;
  n.session.their_origin.assign(sdp_origin(answer.body));
  send_ack(n, answer);
  if (n.media != MediaState::open || answer.body.empty()) {
    bye_side(leg, n, "no media");
    transfer_failed(leg->call);
    return;
  }
  control_.request({{"op", "answer"}, {"leg", n.name}, {"sdp", std::string(answer.body)}},
                   [this, leg](const nlohmann::json& reply) {
                     if (leg->over || !leg->transfer.active) return;
                     if (!reply.value("ok", false)) {
                       bye_side(leg, leg->next, "media failed");
                       transfer_failed(leg->call);
                       return;
                     }
                     if (!leg->transfer.reported) notify_transferor(leg, "SIP/2.0 200 OK", true);
                     bye_side(leg, leg->out, "transferred");
                     close_side(leg->out);
                     log_(fmt::format("call {}: transferred by {} to {} ({})", leg->dialog.invite.call_id,
                                      leg->transfer.transferor, leg->transfer.target,
                                      leg->next.device));
                     leg->out = std::move(leg->next);
                     leg->next = PhoneSide{};
                     leg->transfer = Leg::Transfer{};
                     bridge(leg);
                   });
}

// The phone that transferred hangs up while the target rings (what a blind transfer does):
// the caller stays, hearing ringback.
void OwnMedia::transferor_hung_up(const LegPtr& leg, ServerId txn, const Message& bye) {
  layer_.respond(txn, build_response(bye, 200, "OK"));
  dialogs_.erase(leg->out.key);
  leg->out.key.clear();
  leg->out.answered = false;
  close_side(leg->out);
  log_(fmt::format("call {}: {} hung up; the transfer goes on", leg->dialog.invite.call_id,
                   leg->transfer.transferor));
}

void OwnMedia::transfer_failed(std::uint64_t call) {
  auto it = legs_.find(call);
  if (it == legs_.end()) return;
  transfer_failed(it->second, "SIP/2.0 480 Temporarily Unavailable");
}

void OwnMedia::transfer_failed(const LegPtr& leg, std::string_view sipfrag) {
  if (!leg->transfer.active || leg->over) return;
  Leg::Transfer was = leg->transfer;
  if (!leg->next.key.empty()) dialogs_.erase(leg->next.key);
  close_side(leg->next);
  leg->next = PhoneSide{};
  leg->transfer = Leg::Transfer{};
  if (leg->out.answered && !leg->out.key.empty()) {
    if (!was.reported) notify_transferor(leg, sipfrag, true);
    log_(fmt::format("call {}: the transfer to {} was not answered: back to {}", leg->dialog.invite.call_id,
                     was.target, was.transferor));
    if (leg->out.media != MediaState::open)
      reconnect_phone(leg);  // a call taken over: the phone's media comes to serve now
    else if (!was.attended)
      bridge(leg);  // an attended transfer never unbridged it
    return;
  }
  if (was.recall || was.transferor.empty()) {
    log_(fmt::format("call {}: nobody took the call back: ending it", leg->dialog.invite.call_id));
    hang_up(leg, "nobody answered");
    if (on_ended_) on_ended_(leg->call, "callee");
    close(leg);
    close_phone_side(leg);
    forget(leg);
    return;
  }
  // The phone that transferred has hung up: the call comes back to it (it rings again).
  log_(fmt::format("call {}: the transfer to {} was not answered: calling {} back",
                   leg->dialog.invite.call_id, was.target, was.transferor));
  leg->transfer = Leg::Transfer{.active = true,
                                .recall = true,
                                .target = {},
                                .transferor = was.transferor,
                                .call = 0,
                                .reported = false,
                                .attended = false};
  std::uint64_t id = on_transfer_ ? on_transfer_(leg->call, "", was.transferor) : 0;
  if (!leg->transfer.active || leg->transfer.call != 0) return;
  leg->transfer.call = id;
  if (id == 0) transfer_failed(leg->call);
}

}  // namespace callplan::sip
