// The calls toward phones of a caller that serve answered itself (a menu, SPEC 10): the
// caller stays connected to us through the steps after the menu, so every phone (or the
// trunk) it rings gets an INVITE of ours, not a copy of the caller's.
//
// The proxy still decides whom to ring and with which caller ID (fork_leg: the registrar's
// bindings, SPEC 3.8's caller-ID rules) and runs the branches' transactions, CANCELs and
// timers; only the request it sends and what it does with the answer differ:
//
//   - one media leg for the phones' side ("c<call>p<n>"), opened without an offer: its offer
//     goes to every phone rung, as a forking proxy would send the caller's to each;
//   - our own dialog toward them (one Call-ID and From tag per call, our Contact), so the
//     carrier and the phones never see each other's addresses, and a REFER of the phone
//     reaches us, not the caller;
//   - the first 2xx is ACKed here, its SDP answer given to the phones' media leg, and that
//     leg `bridge`d to the caller's. The media process then relays the audio both ways
//     (transcoding when the codecs differ); the caller heard ringback until then.
//
// Why a bridge and not a re-INVITE of the caller toward the phone: the caller may be the
// carrier, which must never learn an inside address, and the call must stay anchored for a
// later transfer; a bridge also needs nothing of the caller's UA (many carriers refuse a
// re-INVITE that changes the media address mid-call).
//
// Either side's BYE ends both: we answer it and send ours to the other side.
#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "sip/b2bua/leg.hpp"
#include "sip/b2bua/own_media.hpp"
#include "sip/b2bua/reinvite.hpp"
#include "sip/name_addr.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {
namespace {

std::string random_hex() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return fmt::format("{:016x}", random());
}

}  // namespace

bool OwnMedia::answered(std::uint64_t call) const {
  auto it = legs_.find(call);
  return it != legs_.end() && it->second->dialog.answered && !it->second->over &&
         !it->second->in_voicemail;
}

void OwnMedia::open_phone_side(const LegPtr& leg, PhoneSide& side) {
  if (side.media != MediaState::closed) return;
  if (side.call_id.empty()) {
    side.call_id = fmt::format("{}{}@callplan", random_hex(), random_hex());
    side.tag = random_hex();
  }
  side.name = fmt::format("{}p{}", leg->name, ++leg->out_count);
  side.media = MediaState::opening;
  std::string name = side.name;
  control_.request({{"op", "open"}, {"leg", name}}, [this, leg, name](const nlohmann::json& reply) {
    PhoneSide* o = leg->out.name == name ? &leg->out : leg->next.name == name ? &leg->next : nullptr;
    if (o == nullptr) return;  // closed and replaced meanwhile
    if (reply.value("ok", false)) {
      o->media = MediaState::open;
      o->offer = reply.value("sdp", std::string());
      if (leg->over) close_side(*o);
    } else {
      o->media = MediaState::failed;
      log_(fmt::format("call {}: media leg for the phones not opened: {} {}", leg->dialog.invite.call_id,
                       reply.value("code", std::string()), reply.value("message", std::string())));
    }
    auto waiting = std::move(o->waiting);
    o->waiting.clear();
    for (auto& then : waiting) then(o->media == MediaState::open);
  });
}

void OwnMedia::close_side(PhoneSide& side) {
  if (side.media == MediaState::open) close_leg(side.name);
  side.media = MediaState::closed;
}

void OwnMedia::close_phone_side(const LegPtr& leg) {
  close_side(leg->out);
  close_side(leg->next);
}

void OwnMedia::when_offer(std::uint64_t call, std::function<void(bool)> then) {
  auto it = legs_.find(call);
  if (it == legs_.end() || !answered(call)) {
    then(false);
    return;
  }
  LegPtr leg = it->second;
  PhoneSide& side = leg->ringing();
  switch (side.media) {
    case MediaState::open:
      then(true);
      return;
    case MediaState::failed:
      then(false);
      return;
    case MediaState::opening:
      side.waiting.push_back(std::move(then));
      return;
    case MediaState::closed:
      side.waiting.push_back(std::move(then));
      open_phone_side(leg, side);
      return;
  }
}

std::string OwnMedia::phone_invite(std::uint64_t call, const PhoneInvite& what) const {
  auto it = legs_.find(call);
  if (it == legs_.end()) return {};
  const Leg& leg = *it->second;
  std::string out;
  MessageWriter w(out);
  w.request_line("INVITE", what.request_uri);
  w.header("Via", what.via);
  w.header("Max-Forwards", std::uint64_t{70});
  std::string from = identity_of(what.from.empty() ? leg.dialog.invite.from.text : what.from);
  const PhoneSide& side = leg.ringing();
  w.header("From", fmt::format("{};tag={}", from, side.tag));
  // The phones see what the caller dialled; the carrier the number it is asked to call.
  if (what.asserted_identity.empty())
    w.header("To", identity_of(leg.dialog.invite.to.text));
  else
    w.header("To", fmt::format("<{}>", what.request_uri));
  w.header("Call-ID", side.call_id);
  w.header("CSeq", "1 INVITE");
  w.header("Contact", fmt::format("<sip:{}{}>", transport_.local(what.protocol).host_port(),
                                  what.protocol == Protocol::tcp ? ";transport=tcp" : ""));
  if (!what.asserted_identity.empty()) w.header("P-Asserted-Identity", what.asserted_identity);
  w.header("Allow", kOwnDialogAllow);
  w.finish(side.offer, "application/sdp");
  return out;
}

// The ACK of a 2xx of ours in the dialog of `o`, first or again: with the CSeq number of the
// INVITE it answers (our first one, or a re-INVITE of ours: reinvite.hpp), "" when it answers
// none of ours.
std::string OwnMedia::ack_for_phone(const PhoneSide& o, const Message& answer) const {
  DialogPath path{.call_id = o.call_id,
                  .from = o.from,
                  .to = o.to,
                  .target = o.target,
                  .routes = o.routes,
                  .peer = o.peer,
                  .contact = {},
                  .cseq = o.cseq};
  return ack_for_answer_again(path, answer, via_to(transport_, o.peer, layer_.new_branch()));
}

void OwnMedia::phone_answered(std::uint64_t call, const Message& answer, const Peer& to,
                              std::string_view device) {
  auto it = legs_.find(call);
  if (it == legs_.end()) return;
  LegPtr leg = it->second;
  if (leg->transfer.active && answer.call_id == leg->next.call_id) {
    transfer_answered(leg, answer, to, device);  // transfer.cpp
    return;
  }
  PhoneSide& o = leg->out;
  if (o.answered) {  // a retransmission: its ACK was lost
    if (o.to == answer.to.text) send_ack(o, answer);
    return;
  }
  o.answered = true;
  o.device.assign(device);
  o.from.assign(answer.from.text);
  o.to.assign(answer.to.text);
  o.peer = to;
  o.target.clear();
  answer.for_each_value(HeaderId::contact, [&](std::string_view value) {
    NameAddr contact;
    if (parse_name_addr(value, contact, {}) == NameAddrError::none) o.target.assign(contact.uri.text);
    return false;
  });
  if (o.target.empty()) o.target = fmt::format("sip:{}", to.host_port());
  o.routes.clear();
  answer.for_each_value(HeaderId::record_route, [&](std::string_view value) {
    o.routes.emplace_back(value);
    return true;
  });
  std::reverse(o.routes.begin(), o.routes.end());
  o.key = dialog_key(o.call_id, answer.to.tag(), o.tag);  // as the phone's requests name it
  dialogs_[o.key] = leg;
  o.session.our_sdp = o.offer;  // the phone's re-INVITEs are answered from this side's leg
  o.session.their_origin.assign(sdp_origin(answer.body));
  send_ack(o, answer);
  leg->bridged = true;  // from now on the caller's dialog lives as long as the phone's
  if (o.media != MediaState::open || answer.body.empty()) {
    log_(fmt::format("call {}: the phone's answer has no usable SDP: ending the call", leg->dialog.invite.call_id));
    bye_phone(leg, "no media");
    hang_up(leg, "no media");
    if (on_ended_) on_ended_(leg->call, "callee");
    close(leg);
    close_phone_side(leg);
    forget(leg);
    return;
  }
  control_.request({{"op", "answer"}, {"leg", o.name}, {"sdp", std::string(answer.body)}},
                   [this, leg](const nlohmann::json& reply) {
                     if (leg->over) return;
                     if (reply.value("ok", false)) {
                       bridge(leg);
                       return;
                     }
                     log_(fmt::format("call {}: the phone's SDP answer was refused: {} {}",
                                      leg->dialog.invite.call_id, reply.value("code", std::string()),
                                      reply.value("message", std::string())));
                     bye_phone(leg, "media failed");
                     hang_up(leg, "media failed");
                     if (on_ended_) on_ended_(leg->call, "callee");
                     close(leg);
                     close_phone_side(leg);
                     forget(leg);
                   });
}

void OwnMedia::bridge(const LegPtr& leg) {
  control_.request({{"op", "bridge"}, {"leg", leg->name}, {"with", leg->out.name}},
                   [this, leg](const nlohmann::json& reply) {
                     if (reply.value("ok", false)) {
                       log_(fmt::format("call {}: connected to the phone{}", leg->dialog.invite.call_id,
                                        reply.value("transcoding", false) ? " (transcoding)" : ""));
                       return;
                     }
                     if (leg->over) return;
                     log_(fmt::format("call {}: bridge failed: {} {}", leg->dialog.invite.call_id,
                                      reply.value("code", std::string()),
                                      reply.value("message", std::string())));
                     bye_phone(leg, "media failed");
                     hang_up(leg, "media failed");
                     if (on_ended_) on_ended_(leg->call, "callee");
                     close(leg);
                     close_phone_side(leg);
                     forget(leg);
                   });
}

void OwnMedia::send_ack(const PhoneSide& side, const Message& answer) {
  if (std::string ack = ack_for_phone(side, answer); !ack.empty()) transport_.send(side.peer, ack);
}

// A 2xx of one of our dialogs after its INVITE's transaction ended (ours are absorbed here,
// true): one to an INVITE of ours is ACKed again with that INVITE's CSeq number; a late 200
// to our BYE or NOTIFY is not ACKed (ACK is for INVITE only, RFC 3261 17.1.1.3).
bool OwnMedia::stray_answer(const Message& answer) {
  if (answer.status_code < 200 || answer.status_code >= 300) return false;
  const std::string key = dialog_key(answer.call_id, answer.to.tag(), answer.from.tag());
  auto it = dialogs_.find(key);
  if (it == dialogs_.end()) return false;
  const Leg& leg = *it->second;
  if (key == leg.dialog.key) {  // our re-INVITE's 2xx from the carrier of a call taken over
    if (leg.carrier_ack.empty()) return false;
    if (answer.cseq.method == Method::invite && answer.cseq.number == leg.carrier_ack_cseq)
      transport_.send(leg.dialog.caller, leg.carrier_ack);
    return true;
  }
  const PhoneSide& side = key == leg.out.key ? leg.out : leg.next;
  if (side.call_id != answer.call_id || side.key != key) return false;
  send_ack(side, answer);
  return true;
}

// Our BYE to the phone that answered: from our side of its dialog, to its Contact (or where
// its INVITE went: its flow) with its route set.
void OwnMedia::bye_phone(const LegPtr& leg, std::string_view why) {
  bye_side(leg, leg->out, why);
  if (leg->transfer.active) bye_side(leg, leg->next, why);
}

void OwnMedia::bye_side(const LegPtr& leg, PhoneSide& o, std::string_view why) {
  if (!o.answered || o.key.empty()) return;
  std::string branch = layer_.new_branch();
  std::string out;
  MessageWriter w(out);
  w.request_line("BYE", o.target);
  w.header("Via", via_to(transport_, o.peer, branch));
  for (const std::string& route : o.routes) w.header("Route", route);
  w.header("Max-Forwards", std::uint64_t{70});
  w.header("From", o.from);
  w.header("To", o.to);
  w.header("Call-ID", o.call_id);
  w.header("CSeq", fmt::format("{} BYE", ++o.cseq));
  w.header("Reason", fmt::format("SIP;cause=200;text=\"{}\"", why));
  w.finish();
  layer_.send_request(o.peer, std::move(out), branch, Method::bye,
                      ClientCallbacks{.on_response = [](const Message&) {}, .on_timeout = [] {}});
  dialogs_.erase(o.key);
  o.key.clear();
  log_(fmt::format("call {}: BYE to the phone ({})", leg->dialog.invite.call_id, why));
}

void OwnMedia::phone_hung_up(const LegPtr& leg, ServerId txn, const Message& bye) {
  if (leg->transfer.active) {  // the phone that transferred hangs up: the caller stays
    transferor_hung_up(leg, txn, bye);
    return;
  }
  layer_.respond(txn, build_response(bye, 200, "OK"));
  dialogs_.erase(leg->out.key);
  leg->out.key.clear();
  log_(fmt::format("call {}: the phone hung up", leg->dialog.invite.call_id));
  hang_up(leg, "the other side hung up");
  if (on_ended_) on_ended_(leg->call, "callee");
  close(leg);
  close_phone_side(leg);
  forget(leg);
}

}  // namespace callplan::sip
