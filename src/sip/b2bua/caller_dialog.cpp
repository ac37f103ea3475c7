// The caller's dialog when serve answers it itself (voicemail): our 200 with the media
// process's SDP, retransmitted until the ACK (RFC 3261 13.3.1.4), the caller's BYE, our BYE.
#include <fmt/format.h>

#include "sip/b2bua/leg.hpp"
#include "sip/b2bua/own_media.hpp"
#include "sip/name_addr.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {
namespace {

constexpr auto kT1 = std::chrono::milliseconds(500);
constexpr auto kT2 = std::chrono::milliseconds(4000);
constexpr auto kAckWait = 64 * kT1;  // Timer H: no ACK by then, the dialog is given up

}  // namespace

std::string OwnMedia::via_to(const Peer& to, std::string_view branch) const {
  return fmt::format("SIP/2.0/{} {};branch={}", via_transport(to.protocol),
                     transport_.local(to.protocol).host_port(), branch);
}

void OwnMedia::answer(const LegPtr& leg) {
  if (leg->answered || leg->over) return;
  leg->answered = true;
  std::string contact = fmt::format("<sip:{}{}>", transport_.local(leg->caller.protocol).host_port(),
                                    leg->caller.protocol == Protocol::tcp ? ";transport=tcp" : "");
  HeaderLine line{"Contact", contact};
  leg->answer_bytes = build_response(leg->invite, 200, "OK",
                                     {.to_tag = leg->to_tag,
                                      .extra = std::span(&line, 1),
                                      .body = leg->sdp,
                                      .content_type = "application/sdp"});
  layer_.respond(leg->txn, leg->answer_bytes);
  by_txn_.erase(leg->txn);
  leg->dialog_key = dialog_key(leg->invite.call_id, leg->invite.from.tag(), leg->to_tag);
  dialogs_[leg->dialog_key] = leg;
  if (leg->caller.protocol == Protocol::udp) retransmit_answer(leg, kT1);
}

void OwnMedia::retransmit_answer(const LegPtr& leg, TimerQueue::Duration interval) {
  std::weak_ptr<Leg> weak = leg;
  auto started = timers_.now();
  leg->retransmit = timers_.start(interval, [this, weak, interval, started] {
    auto l = weak.lock();
    if (!l || l->acked || l->over) return;
    l->retransmit = TimerQueue::kNone;
    (void)started;
    transport_.send(l->caller, l->answer_bytes);
    auto next = std::min<TimerQueue::Duration>(interval * 2, kT2);
    retransmit_answer(l, next);
  });
  // Give up after Timer H's time: the caller never ACKed, so the call is over.
  if (interval == kT1) {
    timers_.start(kAckWait, [this, weak] {
      auto l = weak.lock();
      if (!l || l->acked || l->over) return;
      log_(fmt::format("call {}: no ACK for our 200: ending the call", l->invite.call_id));
      hang_up(l, "no ACK");
      close(l);
      forget(l);
    });
  }
}

bool OwnMedia::ack(const Message& ack) {
  auto it = dialogs_.find(dialog_key(ack.call_id, ack.from.tag(), ack.to.tag()));
  if (it == dialogs_.end()) return false;
  LegPtr leg = it->second;
  leg->acked = true;
  timers_.cancel(leg->retransmit);
  leg->retransmit = TimerQueue::kNone;
  return true;
}

bool OwnMedia::in_dialog(ServerId txn, const Message& request, const Peer&) {
  auto it = dialogs_.find(dialog_key(request.call_id, request.from.tag(), request.to.tag()));
  if (it == dialogs_.end()) return false;
  LegPtr leg = it->second;
  // The phone's side of a call a menu answered (phone_legs.cpp, transfer.cpp).
  const bool from_phone = request.call_id == leg->out.call_id ||
                          (leg->transfer.active && request.call_id == leg->next.call_id);
  if (request.method == Method::bye && from_phone) {
    if (request.call_id == leg->out.call_id) {
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
    log_(fmt::format("call {}: the caller hung up", leg->invite.call_id));
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
  // A re-INVITE or UPDATE would move the media: not taken; the call goes on as it is.
  layer_.respond(txn, build_response(request, 488, "Not Acceptable Here"));
  return true;
}

// Our BYE: from the dialog's callee side (we answered), to where the INVITE came from.
void OwnMedia::hang_up(const LegPtr& leg, std::string_view why) {
  if (!leg->answered || leg->over) return;
  leg->over = true;
  leg->ended_by = "callee";  // the call record's words: we (the called side) hung up
  std::string target;
  leg->invite.for_each_value(HeaderId::contact, [&](std::string_view value) {
    NameAddr contact;
    if (parse_name_addr(value, contact, {}) == NameAddrError::none) target.assign(contact.uri.text);
    return false;
  });
  if (target.empty()) target.assign(leg->invite.from.uri.text);
  std::string branch = layer_.new_branch();
  std::string out;
  MessageWriter w(out);
  w.request_line("BYE", target);
  w.header("Via", via_to(leg->caller, branch));
  leg->invite.for_each_value(HeaderId::record_route, [&](std::string_view value) {
    w.header("Route", value);  // the UAS's route set: Record-Route in order (12.1.1)
    return true;
  });
  w.header("Max-Forwards", std::uint64_t{70});
  w.header("From", fmt::format("{};tag={}", leg->invite.to.text, leg->to_tag));
  w.header("To", leg->invite.from.text);
  w.header("Call-ID", leg->invite.call_id);
  w.header("CSeq", "1 BYE");
  w.header("Reason", fmt::format("SIP;cause=200;text=\"{}\"", why));
  w.finish();
  layer_.send_request(leg->caller, std::move(out), branch, Method::bye,
                      ClientCallbacks{.on_response = [](const Message&) {}, .on_timeout = [] {}});
  log_(fmt::format("call {}: BYE to the caller ({})", leg->invite.call_id, why));
}

void OwnMedia::cancelled(ServerId txn) {
  auto it = by_txn_.find(txn);
  if (it == by_txn_.end()) return;
  LegPtr leg = it->second;
  if (leg->answered) return;
  layer_.respond(txn, build_response(leg->invite, 487, "Request Terminated", {.to_tag = leg->to_tag}));
  leg->over = true;
  leg->in_voicemail = false;
  close(leg);
  forget(leg);
}

}  // namespace callplan::sip
