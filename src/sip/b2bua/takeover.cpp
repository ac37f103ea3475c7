// A call the proxy relays end to end between a phone and the carrier (the carrier's call
// answered straight by a phone, a phone's call out), taken over by serve at the phone's REFER
// so that it can be transferred like a call serve anchors (docs/sip-server.md, "Transfer of
// a call serve proxies"):
//
//   REFER from the phone     held (no answer yet); `open` a media leg "c<call>" without an
//                            offer; a re-INVITE to the carrier inside the carrier's own
//                            dialog (RFC 3261 14: its Call-ID and tags, its remote target and
//                            route set, the next CSeq after the phone's, our cp1 Contact the
//                            carrier already has) with that leg's offer
//   the carrier's 2xx        ACKed, its answer given to the leg; the call is now anchored as
//                            after a menu (the carrier is the caller, the phone the phone that
//                            answered) and the proxy forgets the relayed dialog
//   the phone's re-INVITE    ours, in the phone's dialog, with the offer of a phone-side leg:
//                            its media comes to serve too, the two legs are bridged; then the
//                            REFER is carried out (transfer.cpp, attended.cpp)
//   a refusal or no answer   the REFER is answered 503 with a Warning naming the carrier's
//                            status, nothing else changes: the session stays as it was
//                            (RFC 3261 14.1), the phone keeps its call, still proxied
//
// Nothing of the inside goes to the carrier: the re-INVITE is written from what the carrier
// already knows (our identity and Contact toward it) and carries the media process's SDP.
#include <algorithm>
#include <chrono>
#include <random>

#include <fmt/format.h>

#include "sip/b2bua/leg.hpp"
#include "sip/b2bua/own_media.hpp"
#include "sip/b2bua/reinvite.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

struct OwnMedia::Taking {
  ServerId refer_txn = kNoTransaction;
  std::string refer_bytes;  // the REFER, answered once the carrier has answered
  Message refer;
  Handover handover;
  TakenHandler done;
  std::string name;         // the carrier's media leg
  bool opened = false;
  std::string offer;        // its SDP offer
  std::shared_ptr<DialogPath> carrier;
  // The call ended (a BYE of either side, relayed by the proxy) before the carrier answered:
  // whatever the re-INVITE's outcome, nothing more happens (abandon_take_over).
  bool abandoned = false;
};

DialogPath OwnMedia::Handover::toward_carrier() const {
  return DialogPath{.call_id = call_id,
                    .from = as_phone,
                    .to = carrier,
                    .target = carrier_target,
                    .routes = carrier_routes,
                    .peer = carrier_peer,
                    .contact = our_contact,
                    .cseq = cseq_to_carrier};
}

void OwnMedia::take_over(ServerId refer_txn, const Message& refer, Handover handover,
                         TakenHandler done) {
  if (taking_.contains(handover.call)) {  // a second REFER while the first is taking it over
    layer_.respond(refer_txn, build_response(refer, 491, "Request Pending"));
    return;
  }
  auto t = std::make_shared<Taking>();
  t->refer_txn = refer_txn;
  t->refer_bytes.assign(refer.raw);
  (void)parse_message(t->refer_bytes, t->refer);  // it parsed once already
  t->done = std::move(done);
  t->name = fmt::format("c{}", handover.call);
  t->carrier = std::make_shared<DialogPath>(handover.toward_carrier());
  t->handover = std::move(handover);
  taking_[t->handover.call] = t;
  log_(fmt::format("call {}: {} transfers a call with the carrier: serve takes it over (re-INVITE to the carrier)",
                   t->handover.call_id, t->handover.device));
  auto refused = [this, t](int status, std::string_view why) {
    taking_.erase(t->handover.call);
    if (t->opened) close_leg(t->name);
    control_.forget(t->name);
    std::string warning = fmt::format("399 callplan \"not transferred: {}\"", why);
    HeaderLine line{"Warning", warning};
    layer_.respond(t->refer_txn, build_response(t->refer, 503, "Service Unavailable",
                                                {.extra = std::span(&line, 1)}));
    log_(fmt::format("call {}: not taken over ({} {}): the REFER is refused, the call stays as it was",
                     t->handover.call_id, status, why));
    t->done(t->handover.call, false, t->carrier->cseq);
  };
  std::weak_ptr<bool> alive = alive_;
  control_.request({{"op", "open"}, {"leg", t->name}}, [this, t, alive, refused](const nlohmann::json& reply) {
    if (alive.expired()) return;
    if (t->abandoned) {  // the call ended before the leg was open: no re-INVITE at all
      if (reply.value("ok", false)) close_leg(t->name);
      return;
    }
    if (!reply.value("ok", false)) {
      refused(503, fmt::format("the media side has no leg for it ({})", reply.value("code", std::string())));
      return;
    }
    t->opened = true;
    t->offer = reply.value("sdp", std::string());
    send_reinvite(sip(), t->carrier, t->offer, [this, t, alive, refused](int status, const Message* answer) {
      if (alive.expired()) return;
      if (t->abandoned) {
        // Its 2xx was ACKed (send_reinvite); the carrier's dialog ended with the BYE before.
        log_(fmt::format("call {}: the carrier answered serve's re-INVITE ({}) after the call ended: ignored",
                         t->handover.call_id, status));
        return;
      }
      if (status >= 200 && status < 300 && answer != nullptr && !answer->body.empty()) {
        taken(t, *answer);
        return;
      }
      if (status >= 200 && status < 300) {
        // Answered without SDP: the carrier's session is in doubt; the call cannot go on.
        taking_.erase(t->handover.call);
        layer_.respond(t->refer_txn, build_response(t->refer, 503, "Service Unavailable"));
        t->done(t->handover.call, false, t->carrier->cseq);
        return;
      }
      refused(status, fmt::format("the carrier refused to move the media ({} {})", status,
                                  answer != nullptr ? answer->reason_phrase : std::string_view("no answer")));
    });
  });
}

// A BYE ended the call (the carrier's, crossing our re-INVITE, or the phone's) while the
// carrier's answer was awaited: the relay passed the BYE on, so both sides have ended. The
// take-over stops at once: the media leg closes, the REFER (whose dialog is gone) gets 481,
// and the re-INVITE's late answer (487 or 481 as RFC 3261 15.1.2 asks, or even a 2xx) changes
// nothing: the phone gets no re-INVITE of ours, the transfer is not carried out.
void OwnMedia::abandon_take_over(std::uint64_t call) {
  if (abandon_join(call)) return;  // a consultation call being joined (attended_carrier.cpp)
  auto it = taking_.find(call);
  if (it == taking_.end()) return;
  std::shared_ptr<Taking> t = it->second;
  taking_.erase(it);
  t->abandoned = true;
  if (t->opened) close_leg(t->name);
  control_.forget(t->name);
  layer_.respond(t->refer_txn, build_response(t->refer, 481, "Call/Transaction Does Not Exist"));
  log_(fmt::format("call {}: the call ended while serve was taking it over: the transfer is dropped",
                   t->handover.call_id));
}

void OwnMedia::taken(const std::shared_ptr<Taking>& t, const Message& answer) {
  taking_.erase(t->handover.call);
  const Handover& h = t->handover;
  auto leg = std::make_shared<Leg>();
  leg->call = h.call;
  leg->name = t->name;
  std::string local = identity_of(h.as_phone);
  leg->dialog.adopt(dialog_as_invite({.call_id = h.call_id,
                                      .remote = h.carrier,
                                      .local = local,
                                      .remote_target = t->carrier->target,
                                      .routes = t->carrier->routes,
                                      .cseq = std::max<std::uint32_t>(h.carrier_cseq, 1),
                                      .remote_peer = &h.carrier_peer}),
                    tag_of(h.as_phone), h.carrier_peer, t->carrier->cseq);
  leg->dialog.session.leg = leg->name;
  leg->dialog.session.our_sdp = t->offer;
  leg->dialog.session.their_origin.assign(sdp_origin(answer.body));
  leg->media = Leg::Media::open;
  leg->sdp = t->offer;
  leg->taken = true;
  leg->bridged = true;  // the phone is in the call (its media is not ours yet)
  leg->carrier_ack = ack_request(transport_, *t->carrier, t->carrier->cseq, layer_.new_branch());
  leg->carrier_ack_cseq = t->carrier->cseq;
  PhoneSide& o = leg->out;
  o.call_id = h.call_id;
  o.tag = tag_of(h.carrier);
  o.from = h.carrier;
  o.to = h.phone;
  o.target = h.phone_target;
  o.peer = h.phone_peer;
  o.cseq = h.cseq_to_phone;
  o.key = dialog_key(h.call_id, tag_of(h.phone), o.tag);
  o.answered = true;
  o.device = h.device;
  legs_[leg->call] = leg;
  dialogs_[leg->dialog.key] = leg;
  dialogs_[o.key] = leg;
  std::weak_ptr<Leg> weak = leg;
  control_.on_event(leg->name, [this, weak](const nlohmann::json& event) {
    if (auto l = weak.lock()) on_event(l, event);
  });
  control_.request({{"op", "answer"}, {"leg", leg->name}, {"sdp", std::string(answer.body)}},
                   [this, leg](const nlohmann::json& reply) {
                     if (leg->over || reply.value("ok", false)) return;
                     log_(fmt::format("call {}: the carrier's SDP answer was refused: {} {}",
                                      leg->dialog.invite.call_id, reply.value("code", std::string()),
                                      reply.value("message", std::string())));
                     end_both(leg, "media failed");
                   });
  log_(fmt::format("call {}: taken over from the proxy: the carrier talks to media leg {}",
                   h.call_id, leg->name));
  t->done(h.call, true, t->carrier->cseq);
  // The phone's media comes to serve too (its own re-INVITE), so that the carrier hears only
  // serve from now on; then the REFER is carried out. A phone that refuses keeps sending to
  // the carrier's old address until it hangs up: the transfer goes on all the same.
  reconnect_phone(leg, [this, leg, t](bool) {
    if (leg->over) {
      layer_.respond(t->refer_txn, build_response(t->refer, 481, "Call/Transaction Does Not Exist"));
      return;
    }
    refer(leg, t->refer_txn, t->refer);
  });
}

void OwnMedia::reconnect_phone(const LegPtr& leg, std::function<void(bool ok)> then) {
  PhoneSide& o = leg->out;
  if (!o.answered || o.media != MediaState::closed) {
    if (then) then(o.media == MediaState::open);
    return;
  }
  const bool must_connect = !then;  // the call comes back to it: no phone, no call
  o.waiting.push_back([this, leg, then, must_connect, key = o.key](bool ok) {
    if (leg->over || leg->out.key != key) {
      if (then) then(false);
      return;
    }
    if (!ok) {
      phone_not_reconnected(leg, must_connect, "no media leg");
      if (then) then(false);
      return;
    }
    offer_to_phone(leg, must_connect, then, 0);
  });
  open_phone_side(leg, o);
}

// The re-INVITE itself. A 491 (the phone has a transaction of its own going, a REFER's
// NOTIFY or a hold) is tried again after 2.1 to 4 s (RFC 3261 14.1), up to twice; `then`
// hears of the first outcome meanwhile, so a transfer never waits for it.
void OwnMedia::offer_to_phone(const LegPtr& leg, bool must_connect, std::function<void(bool)> then,
                              int attempt) {
  PhoneSide& side = leg->out;
  auto path = std::make_shared<DialogPath>(DialogPath{.call_id = side.call_id,
                                                      .from = side.from,
                                                      .to = side.to,
                                                      .target = side.target,
                                                      .routes = side.routes,
                                                      .peer = side.peer,
                                                      .contact = our_contact(transport_, side.peer.protocol),
                                                      .cseq = side.cseq});
  send_reinvite(sip(), path, side.offer,
                [this, leg, path, then, must_connect, attempt, key = side.key](int status, const Message* answer) {
    if (leg->over || leg->out.key != key) {
      if (then) then(false);
      return;
    }
    PhoneSide& back = leg->out;
    back.cseq = path->cseq;
    back.target = path->target;
    if (status == 491 && attempt < 2) {
      if (then) then(false);  // the transfer goes on; the phone's media follows when it can
      static thread_local std::mt19937 random{std::random_device{}()};
      auto wait = std::chrono::milliseconds(std::uniform_int_distribution<int>(2100, 4000)(random));
      std::weak_ptr<Leg> weak = leg;
      timers_.start(wait, [this, weak, must_connect, attempt, key] {
        auto l = weak.lock();
        if (!l || l->over || l->out.key != key || l->out.media != MediaState::open) return;
        offer_to_phone(l, must_connect, {}, attempt + 1);
      });
      return;
    }
    if (status < 200 || status >= 300 || answer == nullptr || answer->body.empty()) {
      close_side(back);  // its media stays where it was
      phone_not_reconnected(leg, must_connect, fmt::format("{}", status));
      if (then) then(false);
      return;
    }
    back.session.our_sdp = back.offer;
    back.session.their_origin.assign(sdp_origin(answer->body));
    control_.request({{"op", "answer"}, {"leg", back.name}, {"sdp", std::string(answer->body)}},
                     [this, leg, then, must_connect](const nlohmann::json& reply) {
                       if (leg->over) {
                         if (then) then(false);
                         return;
                       }
                       if (!reply.value("ok", false)) {
                         close_side(leg->out);
                         phone_not_reconnected(leg, must_connect, "its SDP answer was refused");
                         if (then) then(false);
                         return;
                       }
                       // A blind transfer ringing its target keeps the caller on ringback.
                       if (!leg->transfer.active || leg->transfer.attended) bridge(leg);
                       if (then) then(true);
                     });
  });
}

void OwnMedia::phone_not_reconnected(const LegPtr& leg, bool must_connect, std::string_view why) {
  if (!must_connect) {
    log_(fmt::format("call {}: the phone {} keeps sending its media to the carrier's address ({})",
                     leg->dialog.invite.call_id, leg->out.device, why));
    return;
  }
  log_(fmt::format("call {}: the phone {} did not take the call back ({}): ending it",
                   leg->dialog.invite.call_id, leg->out.device, why));
  end_both(leg, "the phone did not take the call back");
}

void OwnMedia::end_both(const LegPtr& leg, std::string_view why) {
  bye_phone(leg, why);
  hang_up(leg, why);
  if (leg->transfer.active && on_caller_left_) on_caller_left_(leg->transfer.call);
  if (on_ended_) on_ended_(leg->call, "callee");
  close(leg);
  close_phone_side(leg);
  forget(leg);
}

}  // namespace callplan::sip
