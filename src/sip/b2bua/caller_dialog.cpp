// The dialogs of a call serve answered itself (a menu, voicemail): the caller's (an
// AnsweredDialog: our 200 until its ACK, our BYE) and, after a menu, ours toward the phone;
// the requests either side sends in them: BYE, REFER (transfer.cpp), re-INVITE and UPDATE
// (dialog_offer.hpp), INFO and OPTIONS.
#include <span>

#include <fmt/format.h>

#include "sip/b2bua/leg.hpp"
#include "sip/b2bua/own_media.hpp"
#include "sip/name_addr.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

SipSide OwnMedia::sip() const { return {layer_, transport_, timers_}; }

void OwnMedia::answer(const LegPtr& leg) {
  if (leg->dialog.answered || leg->over) return;
  std::weak_ptr<Leg> weak = leg;
  leg->dialog.answer(sip(), leg->sdp, [this, weak] {
    // Timer H: the caller never ACKed our 200, so the call is over.
    auto l = weak.lock();
    if (!l || l->over) return;
    log_(fmt::format("call {}: no ACK for our 200: ending the call", l->dialog.invite.call_id));
    hang_up(l, "no ACK");
    close(l);
    forget(l);
  });
  by_txn_.erase(leg->dialog.txn);
  dialogs_[leg->dialog.key] = leg;
}

bool OwnMedia::ack(const Message& ack) {
  const std::string key = dialog_key(ack.call_id, ack.from.tag(), ack.to.tag());
  auto it = dialogs_.find(key);
  if (it == dialogs_.end()) return false;
  LegPtr leg = it->second;
  // Ours either way: the ACK of a 2xx of ours, or a stray one of a dialog of ours, absorbed.
  // The side is told by the dialog, not the Call-ID: a call taken over from the proxy has
  // one Call-ID on both sides (takeover.cpp).
  if (key == leg->out.key)
    (void)offer_acked(leg->out.session, ack);
  else if (key == leg->next.key)
    (void)offer_acked(leg->next.session, ack);
  else
    (void)leg->dialog.ack(ack);
  return true;
}

bool OwnMedia::in_dialog(ServerId txn, const Message& request, const Peer& from) {
  const std::string key = dialog_key(request.call_id, request.from.tag(), request.to.tag());
  auto it = dialogs_.find(key);
  if (it == dialogs_.end()) return false;
  LegPtr leg = it->second;
  // The phone's side of a call a menu answered (phone_legs.cpp, transfer.cpp), told by its
  // dialog: a call taken over from the proxy has one Call-ID on both sides (takeover.cpp).
  const bool from_phone = key == leg->out.key || (leg->transfer.active && key == leg->next.key);
  if (request.method == Method::bye && from_phone) {
    if (key == leg->out.key) {
      phone_hung_up(leg, txn, request);
    } else {  // the target of a transfer hung up at once: as the phone it replaced would
      layer_.respond(txn, build_response(request, 200, "OK"));
      dialogs_.erase(leg->next.key);
      leg->next.key.clear();
      hang_up(leg, "the other side hung up");
      if (on_ended_) on_ended_(leg->call, "callee");
      close(leg);
      close_phone_side(leg);
      forget(leg);
    }
    return true;
  }
  if (request.method == Method::refer && from_phone) {
    refer(leg, txn, request);
    return true;
  }
  if (request.method == Method::bye) {
    layer_.respond(txn, build_response(request, 200, "OK"));
    leg->over = true;
    log_(fmt::format("call {}: the caller hung up", leg->dialog.invite.call_id));
    if (leg->bridged) {
      bye_phone(leg, "the other side hung up");
      if (leg->transfer.active && on_caller_left_) on_caller_left_(leg->transfer.call);
      if (on_ended_) on_ended_(leg->call, "caller");
    } else if (!leg->in_voicemail && on_caller_left_) {
      on_caller_left_(leg->call);  // after a menu: the proxy stops ringing
    }
    close(leg);  // a recording in progress ends ("closed") and is stored
    close_phone_side(leg);
    forget(leg);
    return true;
  }
  if (request.method == Method::info || request.method == Method::options) {
    layer_.respond(txn, build_response(request, 200, "OK"));
    return true;
  }
  if (request.method == Method::invite || request.method == Method::update) {
    offer(leg, txn, request, from, from_phone ? (key == leg->out.key ? &leg->out : &leg->next) : nullptr);
    return true;
  }
  HeaderLine allow{"Allow", kOwnDialogAllow};
  layer_.respond(txn, build_response(request, 405, "Method Not Allowed", {.extra = std::span(&allow, 1)}));
  return true;
}

// A re-INVITE or UPDATE of either side (hold, resume, a refresh): answered from that side's
// own media leg, never passed to the other side (dialog_offer.hpp).
void OwnMedia::offer(const LegPtr& leg, ServerId txn, const Message& request, const Peer& from,
                     PhoneSide* phone) {
  DialogMedia* session = phone != nullptr ? &phone->session : &leg->dialog.session;
  if (phone != nullptr) session->leg = phone->media == MediaState::open ? phone->name : std::string();
  else session->leg = leg->media == Leg::Media::open ? leg->name : std::string();
  std::string who = phone != nullptr ? fmt::format("the phone {}", phone->device) : std::string("the caller");
  take_offer(sip(), control_, std::shared_ptr<DialogMedia>(leg, session), txn, request, from,
             [this, leg, who](std::string_view before, std::string_view after) {
               if (before == after) return;
               if (after == "sendrecv")
                 log_(fmt::format("call {}: {} resumed the call", leg->dialog.invite.call_id, who));
               else
                 log_(fmt::format("call {}: {} holds the call (we answer {})", leg->dialog.invite.call_id,
                                  who, after));
             });
}

// Our BYE to the caller (answered_dialog.cpp), once.
void OwnMedia::hang_up(const LegPtr& leg, std::string_view why) {
  if (!leg->dialog.answered || leg->over) return;
  leg->over = true;
  leg->ended_by = "callee";  // the call record's words: we (the called side) hung up
  if (leg->dialog.bye(sip(), why))
    log_(fmt::format("call {}: BYE to the caller ({})", leg->dialog.invite.call_id, why));
}

void OwnMedia::cancelled(ServerId txn) {
  auto it = by_txn_.find(txn);
  if (it == by_txn_.end()) return;
  LegPtr leg = it->second;
  if (leg->dialog.answered) return;
  layer_.respond(txn, build_response(leg->dialog.invite, 487, "Request Terminated", {.to_tag = leg->dialog.to_tag}));
  leg->over = true;
  leg->in_voicemail = false;
  close(leg);
  forget(leg);
}

}  // namespace callplan::sip
