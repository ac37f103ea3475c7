// Attended transfer to an outside number (RFC 5589 section 7 with the target outside): the
// phone bridged to a caller serve anchors (after a menu, or taken over from the proxy) holds
// it, calls an outside number (a call the proxy relays end to end with the carrier: the
// consultation call) and joins the two. Its REFER's Replaces names that consultation call.
// An INVITE with Replaces cannot go to the carrier (it would name the inside, and carriers
// do not take it), so serve joins the calls itself, with the take-over machinery:
//
//   REFER                 202, NOTIFY "100 Trying" (attended.cpp); the proxy hands over what
//                         it kept of the consultation call (Handover, as at a take-over)
//   a media leg           `next`, opened without an offer
//   re-INVITE             ours, inside the carrier's dialog of the consultation call (its
//                         Call-ID, tags, remote target, route set, next CSeq, our cp1
//                         Contact, the identity the carrier knows): nothing new to the
//                         carrier but serve's media address
//   its 2xx               ACKed; that dialog is ours now (the proxy forgets it, joined_to),
//                         serve playing the phone in it; the caller is bridged to the outside
//                         party; NOTIFY "200 OK" (terminated) and our BYE to the phone in both
//                         of its calls (in the consultation call serve plays the outside party)
//   a refusal             NOTIFY with its status (408 for none); the caller stays with the
//                         phone, which still holds it, and the consultation call stays as it
//                         was, relayed (the proxy moves its CSeq numbers above serve's)
//   the consultation call ends first (a BYE, relayed)  NOTIFY 487, as above (abandon_take_over)
//
// The caller stays bridged to the transferring phone (on hold) until the join: no ringback,
// as for an attended transfer to a colleague.
#include <memory>
#include <span>
#include <string>

#include <fmt/format.h>

#include "sip/b2bua/answered_dialog.hpp"
#include "sip/b2bua/leg.hpp"
#include "sip/b2bua/own_media.hpp"
#include "sip/b2bua/reinvite.hpp"
#include "sip/name_addr.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

struct OwnMedia::Joining {
  Handover handover;                    // the consultation call, as the proxy relayed it
  TakenHandler done;                    // tells the proxy, once
  std::shared_ptr<DialogPath> carrier;  // serve playing the phone toward the outside party
  std::weak_ptr<Leg> leg;               // the caller's call
  bool abandoned = false;               // the consultation call ended first
  bool reported = false;
};

namespace {

// The outside number as the consultation call names it (the carrier's identity's user).
std::string outside_number(std::string_view identity) {
  NameAddr na;
  if (parse_name_addr(identity, na, {}) != NameAddrError::none || na.uri.user.empty())
    return "the outside number";
  return std::string(na.uri.user);
}

}  // namespace

void OwnMedia::attended_to_carrier(const LegPtr& leg, ReplacedCall replaced) {
  auto j = std::make_shared<Joining>();
  j->handover = std::move(*replaced.carrier);
  j->done = std::move(replaced.joined);
  j->leg = leg;
  const Handover& h = j->handover;
  j->carrier = std::make_shared<DialogPath>(h.toward_carrier());
  joining_[h.call] = j;
  leg->transfer.target = outside_number(h.carrier);
  log_(fmt::format("call {}: {} transfers the call to its call {} with {} (attended: serve joins the two calls)",
                   leg->dialog.invite.call_id, leg->transfer.transferor, h.call_id, leg->transfer.target));
  // Our side of the consultation call keeps its Call-ID and the phone's tag toward the carrier.
  PhoneSide& n = leg->next;
  n.call_id = h.call_id;
  n.tag = tag_of(h.as_phone);
  n.waiting.push_back([this, leg, j](bool ok) {
    if (j->abandoned) return;  // the transfer already failed
    if (leg->over || !leg->transfer.active || leg->next.call_id != j->handover.call_id) {
      join_over(j, false, 0);
      return;
    }
    if (!ok) {
      join_over(j, false, leg->call);
      transfer_failed(leg, "SIP/2.0 503 Service Unavailable");
      return;
    }
    join_carrier(leg, j);
  });
  open_phone_side(leg, n);
}

void OwnMedia::join_carrier(const LegPtr& leg, const std::shared_ptr<Joining>& j) {
  std::weak_ptr<Leg> weak = leg;
  std::weak_ptr<bool> alive = alive_;
  send_reinvite(sip(), j->carrier, leg->next.offer,
                [this, weak, j, alive](int status, const Message* answer) {
    if (alive.expired()) return;
    const bool took_offer = status >= 200 && status < 300 && answer != nullptr && !answer->body.empty();
    if (j->abandoned) {
      log_(fmt::format("call {}: the carrier answered serve's re-INVITE ({}) after the call ended: ignored",
                       j->handover.call_id, status));
      return;
    }
    auto l = weak.lock();
    if (!l || l->over || !l->transfer.active || l->next.call_id != j->handover.call_id) {
      // The caller's call (or its transfer) ended meanwhile. A carrier that took our offer
      // sends its media to a leg that is gone: that call ends too.
      if (took_offer) {
        std::string branch = layer_.new_branch();
        layer_.send_request(j->carrier->peer,
                            dialog_request(*j->carrier, "BYE", ++j->carrier->cseq,
                                           via_to(transport_, j->carrier->peer, branch)),
                            branch, Method::bye,
                            ClientCallbacks{.on_response = [](const Message&) {}, .on_timeout = [] {}});
        bye_consulting_phone(j, "the caller hung up");
      }
      join_over(j, took_offer, 0);
      return;
    }
    if (!took_offer) {
      join_over(j, false, l->call);
      const std::string_view reason = answer != nullptr ? answer->reason_phrase : std::string_view("Request Timeout");
      log_(fmt::format("call {}: the attended transfer to {} failed: the carrier answered serve's re-INVITE {} {}",
                       l->dialog.invite.call_id, l->transfer.target, status, reason));
      // A 2xx without SDP answers nothing: the phone must not read it as success.
      transfer_failed(l, status < 300 ? std::string("SIP/2.0 503 Service Unavailable")
                                      : fmt::format("SIP/2.0 {} {}", status, reason));
      return;
    }
    carrier_joined(l, j, *answer);
  });
}

void OwnMedia::carrier_joined(const LegPtr& leg, const std::shared_ptr<Joining>& j, const Message& answer) {
  const Handover& h = j->handover;
  PhoneSide& n = leg->next;
  n.answered = true;
  n.device = "trunk";
  n.from = h.as_phone;
  n.to.assign(answer.to.text);
  n.target = j->carrier->target;  // refreshed by the 2xx's Contact
  n.routes = h.carrier_routes;
  n.peer = h.carrier_peer;
  n.cseq = j->carrier->cseq;
  n.key = dialog_key(h.call_id, tag_of(h.carrier), tag_of(h.as_phone));  // as the carrier's requests name it
  dialogs_[n.key] = leg;
  n.session.our_sdp = n.offer;
  n.session.their_origin.assign(sdp_origin(answer.body));
  join_over(j, true, leg->call);  // the relay lets go of it: the carrier's requests come here
  control_.request({{"op", "answer"}, {"leg", n.name}, {"sdp", std::string(answer.body)}},
                   [this, leg, j](const nlohmann::json& reply) {
                     if (leg->over || !leg->transfer.active) return;
                     if (!reply.value("ok", false)) {
                       bye_side(leg, leg->next, "media failed");
                       bye_consulting_phone(j, "media failed");
                       transfer_failed(leg, "SIP/2.0 503 Service Unavailable");
                       return;
                     }
                     if (!leg->transfer.reported) notify_transferor(leg, "SIP/2.0 200 OK", true);
                     bye_side(leg, leg->out, "transferred");
                     close_side(leg->out);
                     bye_consulting_phone(j, "transferred");
                     log_(fmt::format("call {}: transferred by {} to {} (trunk)", leg->dialog.invite.call_id,
                                      leg->transfer.transferor, leg->transfer.target));
                     leg->out = std::move(leg->next);
                     leg->next = PhoneSide{};
                     leg->transfer = Leg::Transfer{};
                     bridge(leg);
                   });
}

// The phone's side of the consultation call ends with our BYE, as the outside party's (RFC
// 3891: the party that took the call over ends the replaced dialog): from the carrier's
// identity, with the carrier's CSeq numbers going on, to the phone's Contact over its flow.
void OwnMedia::bye_consulting_phone(const std::shared_ptr<Joining>& j, std::string_view why) {
  const Handover& h = j->handover;
  DialogPath phone{.call_id = h.call_id,
                   .from = h.carrier,
                   .to = h.phone,
                   .target = h.phone_target,
                   .routes = {},
                   .peer = h.phone_peer,
                   .contact = {},
                   .cseq = h.cseq_to_phone};
  std::string branch = layer_.new_branch();
  std::string reason = fmt::format("SIP;cause=200;text=\"{}\"", why);
  HeaderLine line{"Reason", reason};
  layer_.send_request(phone.peer,
                      dialog_request(phone, "BYE", phone.cseq + 1, via_to(transport_, phone.peer, branch),
                                     std::span(&line, 1)),
                      branch, Method::bye, ClientCallbacks{.on_response = [](const Message&) {}, .on_timeout = [] {}});
}

// The consultation call ended (a BYE of the phone's or of the outside party's, relayed)
// while serve's re-INVITE waited: the transfer fails, the caller stays with the phone.
bool OwnMedia::abandon_join(std::uint64_t call) {
  auto it = joining_.find(call);
  if (it == joining_.end()) return false;
  std::shared_ptr<Joining> j = it->second;
  joining_.erase(it);
  j->abandoned = true;
  j->reported = true;
  auto leg = j->leg.lock();
  if (leg && !leg->over && leg->transfer.active && leg->next.call_id == j->handover.call_id) {
    log_(fmt::format("call {}: the call with {} ended before serve joined it: the transfer failed",
                     leg->dialog.invite.call_id, leg->transfer.target));
    transfer_failed(leg, "SIP/2.0 487 Request Terminated");
  }
  return true;
}

void OwnMedia::join_over(const std::shared_ptr<Joining>& j, bool joined, std::uint64_t call) {
  if (j->reported) return;
  j->reported = true;
  joining_.erase(j->handover.call);
  if (j->done) j->done(call, joined, j->carrier->cseq);
}

}  // namespace callplan::sip
