// Forking: every leg of a ring action becomes one client transaction per registered contact
// (or one to the trunk), and what comes back from them goes to the caller and the session.
#include <algorithm>

#include <fmt/format.h>

#include "sip/proxy/call.hpp"
#include "sip/first_contact.hpp"
#include "sip/proxy/dead_bindings.hpp"
#include "sip/proxy/dialogs.hpp"
#include "sip/proxy/next_hop.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/proxy/reach.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

std::string Proxy::via_for(const Peer& to, std::string_view branch) const {
  return fmt::format("SIP/2.0/{} {};branch={}", via_transport(to.protocol),
                     transport_.local(to.protocol).host_port(), branch);
}

std::string Proxy::record_route_for(const Peer& caller, std::string_view token) const {
  // One Record-Route for both directions; it names the transport the caller used, so the
  // caller's in-dialog requests come back the same way (devices on the other side send to
  // it too: mixed UDP/TCP dialogs would need double Record-Route, see docs/sip-server.md).
  const Peer& local = transport_.local(caller.protocol);
  return fmt::format("<sip:{}@{};lr{}>", token, local.host_port(),
                     caller.protocol == Protocol::tcp ? ";transport=tcp" : "");
}

void Proxy::fork_leg(Call& call, const Leg& leg) {
  const Directory& directory = *call.directory;
  std::size_t before = call.branches.size();
  if (leg.kind == Leg::Kind::external) {
    if (config_.trunk) {
      std::string uri = fmt::format("sip:{}@{}", leg.dial, config_.trunk->host_port());
      std::string identity =
          fmt::format("<sip:{}@{}>", leg.caller_id, transport_.local(config_.trunk->protocol).host_port());
      call.trunk_from = fmt::format("{};tag={}", identity, call.invite.from.tag());
      if (!is_trunk(call.caller)) {
        // Everything the relay needs to keep hiding the inside of this call, even after a
        // restart: in our Record-Route and Contact toward the carrier (dialog_token.hpp).
        call.trunk_token = tokens_.issue(
            call.invite.call_id, {.side = DialogSide::trunk_out,
                                  .expires = call.token_expires,
                                  .caller_tag = std::string(call.invite.from.tag()),
                                  .phone_from = std::string(call.invite.from.text),
                                  .trunk_from = call.trunk_from,
                                  .phone_contact = std::string(first_contact_uri(call.invite)),
                                  .phone = call.caller});
      }
      send_branch(call, leg.id, *config_.trunk, uri, call.trunk_from, identity, {},
                  BranchKind::leg);
      call.branches.back().device = "trunk";
    }
  } else {
    // Internal legs show the caller (SPEC 3.8): the From is rewritten only when the session
    // says the phone shows something else than what the caller sent (e.g. a device's
    // extension instead of its SIP username).
    std::string from;
    if (!leg.caller_id.empty() && unescape(call.invite.from.uri.user) != leg.caller_id) {
      from = fmt::format("<sip:{}@{}>;tag={}", leg.caller_id,
                         transport_.local(call.caller.protocol).host_port(),
                         call.invite.from.tag());
    }
    const Engine& engine = *directory.engine();
    for (DeviceIndex device : engine.devices_of(leg.user)) {
      for (const Binding* binding : location_.lookup(directory.username(device), timers_.now())) {
        if (binding->through.port != 0) {  // another node's phone that only it reaches
          if (config_.route_through_owner)
            send_branch(call, leg.id, binding->through, binding->contact, from, {}, {},
                        BranchKind::leg, directory.username(device), binding);
          continue;
        }
        send_branch(call, leg.id, reach(binding->contact, binding->source), binding->contact, from,
                    {}, {}, BranchKind::leg, directory.username(device));
      }
    }
  }
  // Nothing to ring (no trunk, every binding gone since the step started): the leg drops out.
  if (call.branches.size() == before) call.busy_pending.push_back(leg.id);
}

void Proxy::send_branch(Call& call, LegId leg, const Peer& to, std::string_view request_uri,
                        std::string_view from_value, std::string_view asserted_identity,
                        std::span<const HeaderLine> extra, BranchKind kind,
                        std::string_view phone, const Binding* through_owner) {
  std::string branch_id = layer_.new_branch();
  std::string via = via_for(to, branch_id);
  std::string record_route = record_route_for(call.caller, call.token);
  std::vector<HeaderLine> headers(extra.begin(), extra.end());
  if (!asserted_identity.empty()) headers.push_back({"P-Asserted-Identity", asserted_identity});
  std::string request;
  if (kind == BranchKind::leg && anchored(call)) {
    // The caller is answered by serve (a menu): the INVITE is ours (b2bua/phone_legs.cpp).
    request = config_.own_media->phone_invite(anchor_of(call), {.request_uri = request_uri,
                                                        .via = via,
                                                        // a transfer's phones see the caller
                                                        .from = call.anchor != 0 && asserted_identity.empty()
                                                                    ? std::string_view{}
                                                                    : from_value,
                                                        .asserted_identity = asserted_identity,
                                                        .protocol = to.protocol});
  } else if (kind == BranchKind::leg && is_trunk(to) && !is_trunk(call.caller)) {
    // Nothing of the inside goes to the carrier (trunk_side.hpp).
    std::string contact = our_contact(call.trunk_token);
    request = trunk_invite(call.invite, {.request_uri = request_uri,
                                         .via = via,
                                         .record_route = record_route_for(to, call.trunk_token),
                                         .from = from_value,
                                         .asserted_identity = asserted_identity,
                                         .contact = contact});
  } else if (kind == BranchKind::announcement || kind == BranchKind::menu) {
    // A prompt job is a request of its own toward the media server (media.cpp).
    MediaJobIds ids = media_job_ids(call);
    request = build_forwarded_request(call.invite, {.request_uri = request_uri,
                                                    .via = via,
                                                    .pop_route = preloaded_route_is_us(call),
                                                    .from = ids.from,
                                                    .call_id = ids.call_id,
                                                    .strip_identity = true,
                                                    .extra = headers});
  } else {
    request = build_forwarded_request(call.invite, {.request_uri = request_uri,
                                                    .via = via,
                                                    .record_route = record_route,
                                                    .pop_route = preloaded_route_is_us(call),
                                                    .from = from_value,
                                                    .strip_identity = true,
                                                    .extra = headers});
  }
  if (through_owner != nullptr) {
    // The owning node's Route goes first (right after the request line: before any other
    // Route), whichever way the INVITE was built.
    const std::size_t line_end = request.find("\r\n");
    if (line_end != std::string::npos)
      request.insert(line_end + 2, fmt::format("Route: {}\r\n", config_.route_through_owner(
                                                                    phone, *through_owner, branch_id)));
  }
  std::size_t index = call.branches.size();
  call.branches.push_back({.leg = leg,
                           .kind = kind,
                           .to = to,
                           .device = kind == BranchKind::leg ? std::string(phone) : "media-server"});
  std::uint64_t id = call.id;
  // Whether the phone said anything at all, even after its call is over: a phone that never
  // answers an INVITE is gone (dead_bindings.hpp).
  auto heard = std::make_shared<bool>(false);
  ClientCallbacks callbacks{
      .on_response =
          [this, id, index, heard](const Message& r) {
            *heard = true;
            on_branch_response(id, index, r);
          },
      .on_timeout =
          [this, id, index, heard, phone = std::string(phone), to] {
            if (!*heard && !phone.empty()) phone_silent(phone, to);
            on_branch_timeout(id, index);
          }};
  ClientId txn = layer_.send_request(to, std::move(request), branch_id, Method::invite,
                                     std::move(callbacks));
  if (Call* c = find(id); c != nullptr && index < c->branches.size()) c->branches[index].txn = txn;
}

// What the caller gets of a branch's 1xx/2xx: relayed as RFC 3261 16.7 says, or, from the
// carrier, with the caller's own Via stack and From back (trunk_side.hpp).
std::string Proxy::upstream(const Call& call, const Branch& branch, const Message& response) {
  if (branch.kind == BranchKind::announcement || branch.kind == BranchKind::menu)
    return media_job_progress(call, response);  // its Call-ID and tags are not the caller's
  const bool from_carrier = is_trunk(call.caller);
  if (branch.device == "trunk" && !from_carrier)  // a phone calling out
    return response_for_phone(via_values(call.invite), response, call.invite.from.text);
  if (from_carrier && branch.device != "trunk") {  // the carrier calling in: hide the answerer
    TrunkDialog shown{.phone_from = {},
                      .trunk_from = std::string(response.to.text),
                      .phone_contact = {},
                      .our_contact = our_contact(answer_token(call, branch, response)),
                      .phone = {}};
    return response_for_carrier(response, shown, /*initial=*/true);
  }
  return build_forwarded_response(response);  // trunk to trunk: nothing of the inside
}

// A Route the caller preloaded that names this server (RFC 3261 16.4): it goes.
bool Proxy::preloaded_route_is_us(const Call& call) const {
  bool ours = false;
  call.invite.for_each_value(HeaderId::route, [&](std::string_view value) {
    NameAddr route;
    ours = parse_name_addr(value, route, {.require_brackets = true}) == NameAddrError::none &&
           is_us(route.uri);
    return false;
  });
  return ours;
}

// A call between a phone and the carrier, answered: what the relay needs to keep translating
// its in-dialog requests (trunk_side.hpp). The identities to swap are the phone's From and the
// caller ID for a phone calling out; for the carrier calling in, the answering side's To is
// the same on both sides (only the Contact and the Vias are hidden).
void Proxy::remember_trunk_dialog(const Call& call, const Branch& branch,
                                  const Message& response) {
  const bool from_carrier = is_trunk(call.caller);
  const bool to_carrier = branch.device == "trunk";
  if (from_carrier == to_carrier) return;  // inside to inside, or trunk to trunk
  std::string key = DialogSet::key(response.call_id, response.from.tag(), response.to.tag());
  // The route set beyond us, in the order Route headers go to the carrier (RFC 3261 12.1):
  // the Record-Route of the carrier's INVITE in order, or of the carrier's 2xx reversed.
  std::vector<std::string> carrier_routes;
  const Message& routed = to_carrier ? response : call.invite;
  routed.for_each_value(HeaderId::record_route, [&](std::string_view value) {
    NameAddr route;
    if (parse_name_addr(value, route, {.require_brackets = true}) == NameAddrError::none &&
        is_us(route.uri))
      return true;  // our own entry
    carrier_routes.emplace_back(value);
    return true;
  });
  if (to_carrier) std::reverse(carrier_routes.begin(), carrier_routes.end());
  TrunkDialog dialog;
  if (to_carrier) {
    dialog = TrunkDialog{.phone_from = std::string(call.invite.from.text),
                         .trunk_from = call.trunk_from,
                         .phone_contact = std::string(first_contact_uri(call.invite)),
                         .our_contact = our_contact(call.trunk_token),
                         .phone = call.caller};
    dialog.device = call.record.caller_device;
    dialog.carrier.assign(response.to.text);
    dialog.carrier_target.assign(first_contact_uri(response));
    dialog.phone_cseq = call.invite.cseq.number;
  } else {
    std::string answerer(response.to.text);
    dialog = TrunkDialog{.phone_from = answerer,
                         .trunk_from = answerer,
                         .phone_contact = std::string(first_contact_uri(response)),
                         .our_contact = our_contact(answer_token(call, branch, response)),
                         .phone = branch.to};
    dialog.device = branch.device;
    dialog.carrier.assign(call.invite.from.text);
    dialog.carrier_target.assign(first_contact_uri(call.invite));
    dialog.carrier_cseq = call.invite.cseq.number;
  }
  dialog.call = call.id;
  dialog.carrier_routes = std::move(carrier_routes);
  dialog.directory = call.directory;
  dialog.routing = call.routing;
  trunk_dialogs_.add(key, std::move(dialog));
}

// The sides of an answered dialog that are reached by their flow (reach.hpp): a TCP caller or
// one whose Contact cannot be reached (behind NAT), and the answering phone where its INVITE
// went. Their in-dialog requests go there, not to the Contact (reach_by_flow).
void Proxy::remember_flows(const Call& call, const Branch& branch, const Message& response) {
  const bool phone = branch.kind == BranchKind::leg && branch.device != "trunk";
  const bool caller_by_flow =
      !is_trunk(call.caller) && contact_needs_flow(first_contact_uri(call.invite), call.caller);
  if (!phone && !caller_by_flow) return;
  flows_[DialogSet::key(response.call_id, response.from.tag(), response.to.tag())] =
      DialogFlows{std::string(call.invite.from.tag()), caller_by_flow ? call.caller : Peer{},
                  phone ? branch.to : Peer{}};
}

bool Proxy::is_trunk(const Peer& peer) const {
  return config_.trunk && peer.address == config_.trunk->address;
}

std::string Proxy::our_contact(std::string_view token) const {
  const Peer& local = transport_.local(config_.trunk ? config_.trunk->protocol : Protocol::udp);
  return fmt::format("<sip:{}@{}{}>", token, local.host_port(),
                     local.protocol == Protocol::tcp ? ";transport=tcp" : "");
}

// Issued from the call and the answer alone, so the 2xx relayed upstream and the TrunkDialog
// kept for the relay name the same token.
std::string Proxy::answer_token(const Call& call, const Branch& branch,
                                const Message& response) const {
  std::string answerer(response.to.text);
  return tokens_.issue(call.invite.call_id, {.side = DialogSide::trunk_in,
                                             .expires = call.token_expires,
                                             .caller_tag = std::string(call.invite.from.tag()),
                                             .phone_from = answerer,
                                             .trunk_from = answerer,
                                             .phone_contact = std::string(first_contact_uri(response)),
                                             .phone = branch.to});
}

void Proxy::on_branch_response(std::uint64_t call_id, std::size_t index,
                               const Message& response) {
  Call* call = find(call_id);
  if (call == nullptr || index >= call->branches.size()) return;
  int status = response.status_code;
  if (status < 200) {
    // 100 is hop by hop; other provisionals (180, 183) go to the caller.
    if (status > 100 && !call->final_sent)
      layer_.respond(call->txn, upstream(*call, call->branches[index], response));
    return;
  }
  Branch& branch = call->branches[index];
  if (status < 300 && (branch.kind == BranchKind::announcement || branch.kind == BranchKind::menu)) {
    // A media server that answers a prompt job instead of playing it as early media: that
    // dialog is its own (a distinct Call-ID), the caller never joins it; it is ended (ACK,
    // BYE) and the job counts as done without a digit.
    end_late_answer(*call, index, response);
    maybe_erase(call_id);
    return;
  }
  if (status < 300 && anchored_answer(*call, index, response)) {  // media.cpp
    maybe_erase(call_id);
    return;
  }
  if (status < 300) {
    // A 2xx from a branch that lost the race (it crossed our CANCEL) or from after the call
    // ended: the caller never hears of it; we end that dialog ourselves (late_answer.cpp).
    // RFC 3261 16.7 lets a proxy pass every 2xx upstream for the caller to BYE, but phones
    // do that unreliably, and the callee would sit in a silent call.
    const bool late = call->winner ? *call->winner != index : call->final_sent;
    if (late) {
      end_late_answer(*call, index, response);
      maybe_erase(call_id);
      return;
    }
    layer_.respond(call->txn, upstream(*call, branch, response));
    dialogs_.add(response.call_id, response.from.tag(), response.to.tag(), timers_.now());
    if (branch.done) return;  // a retransmission of the answer
    remember_trunk_dialog(*call, branch, response);
    remember_flows(*call, branch, response);
    remember_phone_dialog(*call, branch, response);  // takeover.cpp: attended transfers
    branch.done = true;
    branch.status = status;
    call->winner = index;
    call->answered = true;
    call->final_sent = true;
    call->final_status = status;
    call->record.answer = wall(*call);
    call->record.answered_device = branch.device;
    call->record.call_id.assign(response.call_id);
    // The dialog key of the answer: its BYE closes the record (call_end.cpp).
    call->dialog_key =
        DialogSet::key(response.call_id, response.from.tag(), response.to.tag());
    // Every other branch stops ringing now: the other legs, and the other devices of the
    // answering user's own leg, which the session does not stop (it is the leg that answered).
    for (std::size_t i = 0; i < call->branches.size(); ++i)
      if (i != index && !call->branches[i].done) layer_.cancel(call->branches[i].txn);
    std::uint32_t t = seconds(*call);
    if (!branch.media()) call->session->answered(branch.leg, t);
    // A leg the session had already stopped answered anyway (its 200 crossed our CANCEL),
    // or the media server answered a prompt instead of playing it as early media: the
    // caller is connected to it now, so routing must end here too.
    if (!call->session->ended()) call->session->caller_hung_up(t);
    if (!call->running) run_actions(*call);
    maybe_erase(call_id);
    return;
  }
  if (branch.done) return;
  branch.done = true;
  branch.status = status;
  if (branch.media()) {
    media_final(*call, index, response);  // may route on (a digit) and so end the call
    call = find(call_id);
    if (call == nullptr) return;
  }
  branch_failed(*call, index);
}

void Proxy::phone_silent(const std::string& phone, const Peer& to) {
  std::size_t dropped = drop_bindings_reached_at(location_, phone, to, timers_.now());
  if (dropped > 0 && config_.log)
    config_.log(fmt::format("binding {} at {}: dropped, its phone did not answer an INVITE",
                            phone, to.to_string()));
}

void Proxy::on_branch_timeout(std::uint64_t call_id, std::size_t index) {
  Call* call = find(call_id);
  if (call == nullptr || index >= call->branches.size()) return;
  Branch& branch = call->branches[index];
  if (branch.done) return;
  branch.done = true;
  branch.status = 408;
  branch_failed(*call, index);
}

void Proxy::branch_failed(Call& call, std::size_t index) {
  const Branch& failed = call.branches[index];
  std::uint64_t id = call.id;
  if (failed.status == 486 || failed.status == 600) call.best_failure = failed.status;
  if (failed.media()) {
    // Voicemail is the end of the call: a media server that never answered is a time-out.
    if (failed.kind == BranchKind::voicemail) respond_upstream(call, 408, "Request Timeout");
    maybe_erase(id);
    return;
  }
  // The leg drops out when none of its branches is still ringing or has answered.
  bool leg_over = std::none_of(call.branches.begin(), call.branches.end(), [&](const Branch& b) {
    return !b.media() && b.leg == failed.leg && (!b.done || (b.status >= 200 && b.status < 300));
  });
  if (leg_over) {
    if (call.running) {
      call.busy_pending.push_back(failed.leg);
    } else {
      call.session->busy(failed.leg, seconds(call));
      run_actions(call);
      return;
    }
  }
  maybe_erase(id);
}

}  // namespace callplan::sip
