// Transfers of calls the proxy relays end to end (docs/sip-server.md, "Transfer of a call
// serve proxies"). A phone's REFER in a dialog with the carrier never crosses: the own media
// side takes the call over (src/sip/b2bua/takeover.cpp) with what the relay kept of the
// carrier's dialog (TrunkDialog: the carrier's remote target, route set and CSeq numbers), and
// from then on the call is anchored like a call after a menu: the relay forgets the dialog,
// its call record goes on under the own media side's key, and the transfer rings through
// own_media_transfer (media.cpp).
//
// An attended transfer's Replaces names a call between two phones that the proxy relays;
// replaced_call() finds it (phone_dialogs_) so that the own media side sends the INVITE with
// Replaces to the side that is not transferring, over its flow. When it names the
// transferring phone's own call with the carrier (a consultation call to an outside number),
// that call is handed over too (handover_of, as at a take-over) and joined to the caller
// (src/sip/b2bua/attended_carrier.cpp); joined_to() then forgets it here.
#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "sip/b2bua/dialog_request.hpp"
#include "sip/first_contact.hpp"
#include "sip/proxy/call.hpp"
#include "sip/proxy/next_hop.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/proxy/reach.hpp"

namespace callplan::sip {
namespace {

// How long a dialog taken over stays refused after its call ended: the lifetime of a
// transaction (64*T1), for retransmissions crossing the end.
constexpr std::chrono::seconds kTakenLinger{32};

}  // namespace

// What the own media side needs to take over the carrier's dialog `dialog` (takeover.cpp
// there): the carrier's side as the relay kept it, and the phone's.
OwnMedia::Handover Proxy::handover_of(TrunkDialog& dialog, std::string_view call_id) {
  // Where the carrier's requests go: its next route, else its remote target; the trunk when
  // neither names an address.
  std::optional<Peer> carrier;
  if (!dialog.carrier_routes.empty()) {
    NameAddr route;
    if (parse_name_addr(dialog.carrier_routes.front(), route, {.require_brackets = true}) ==
        NameAddrError::none)
      carrier = peer_of_uri(route.uri);
  } else {
    Uri target;
    if (parse_uri(dialog.carrier_target, target) == UriError::none) carrier = peer_of_uri(target);
  }
  if (!carrier && config_.trunk) carrier = *config_.trunk;
  // serve's re-INVITE takes the carrier's next CSeq number: from now on the phone's requests
  // go one above (a BYE crossing the re-INVITE must not reuse its number, RFC 3261 12.2.2).
  const std::uint32_t last_to_carrier = dialog.phone_cseq + dialog.cseq_shift;
  ++dialog.cseq_shift;
  return OwnMedia::Handover{.call = dialog.call,
                            .call_id = std::string(call_id),
                            .carrier = dialog.carrier,
                            .as_phone = dialog.trunk_from,
                            .carrier_target = dialog.carrier_target,
                            .carrier_routes = dialog.carrier_routes,
                            .carrier_peer = carrier.value_or(Peer{}),
                            .our_contact = dialog.our_contact,
                            .carrier_cseq = dialog.carrier_cseq,
                            .cseq_to_carrier = last_to_carrier,
                            .phone = dialog.phone_from,
                            .phone_target = dialog.phone_contact,
                            .phone_peer = reach(dialog.phone_contact, dialog.phone),
                            .cseq_to_phone = dialog.carrier_cseq,
                            .device = dialog.device};
}

void Proxy::take_over(ServerId txn, const Message& refer, const std::string& key,
                      TrunkDialog& dialog) {
  std::string_view why;
  if (config_.own_media == nullptr)
    why = "transfer needs callplan's own media side (serve runs with --media-server or --no-media)";
  else if (dialog.call == 0 || dialog.device.empty() || dialog.carrier_target.empty() || !dialog.directory)
    why = "this call was set up before the server restarted: it cannot be transferred";
  if (!why.empty()) {
    std::string warning = fmt::format("399 callplan \"{}\"", why);
    HeaderLine line{"Warning", warning};
    layer_.respond(txn, build_response(refer, 403, "Forbidden", {.extra = std::span(&line, 1)}));
    if (config_.log)
      config_.log(fmt::format("call {}: REFER from a phone in a call with the carrier refused (403): {}",
                              refer.call_id, why));
    return;
  }
  OwnMedia::Handover handover = handover_of(dialog, refer.call_id);
  DialogIds ids{std::string(refer.call_id), std::string(refer.from.tag()), std::string(refer.to.tag())};
  config_.own_media->take_over(txn, refer, std::move(handover),
                               [this, key, ids](std::uint64_t call, bool taken, std::uint32_t cseq) {
                                 taken_over(key, ids, call, taken, cseq);
                               });
}

void Proxy::taken_over(const std::string& key, const DialogIds& ids, std::uint64_t call, bool taken,
                       std::uint32_t cseq) {
  TrunkDialog* dialog = trunk_dialogs_.find(key);
  if (dialog == nullptr) return;  // ended meanwhile (a BYE crossed the re-INVITE)
  if (!taken) {
    // Serve used CSeq `cseq` in the carrier's dialog: the phone's next requests go above it.
    if (cseq > dialog->phone_cseq + dialog->cseq_shift) dialog->cseq_shift = cseq - dialog->phone_cseq;
    return;
  }
  // The call is the own media side's now, with the carrier as its caller: a transfer routes
  // from it (own_media_transfer) as from a call after a menu, its INVITEs showing the carrier.
  const Peer carrier = config_.trunk.value_or(Peer{});
  std::string local = identity_of(dialog->trunk_from);
  anchored_calls_[call] = AnchoredCall{dialog->directory, dialog->routing,
                                       dialog_as_invite({.call_id = ids.call_id,
                                                         .remote = dialog->carrier,
                                                         .local = local,
                                                         .remote_target = dialog->carrier_target,
                                                         .routes = dialog->carrier_routes,
                                                         .cseq = std::max<std::uint32_t>(dialog->carrier_cseq, 1),
                                                         .remote_peer = &carrier}),
                                       carrier};
  if (auto record = open_records_.extract(key)) {
    record.key() = own_media_key(call);
    open_records_.insert(std::move(record));
  }
  taken_over_.insert(key);
  taken_key_.emplace(call, key);
  dialogs_.remove(ids.call_id, ids.tag1, ids.tag2);
  flows_.erase(key);
  trunk_dialogs_.remove(key);
  if (config_.log) config_.log(fmt::format("call {}: the relay hands the dialog to the own media side", ids.call_id));
}

void Proxy::forget_taken_over(std::uint64_t call) {
  auto [first, last] = taken_key_.equal_range(call);
  for (auto it = first; it != last; ++it) linger_taken_over(it->second);
  taken_key_.erase(first, last);
}

void Proxy::linger_taken_over(const std::string& key) {
  timers_.start(kTakenLinger, [this, key, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.expired()) taken_over_.erase(key);
  });
}

std::optional<OwnMedia::ReplacedCall> Proxy::replaced_call(const ReplacesId& id,
                                                           std::string_view transferor) {
  const std::string key = DialogSet::key(id.call_id, id.to_tag, id.from_tag);
  auto it = phone_dialogs_.find(key);
  if (it == phone_dialogs_.end()) {
    // The transferring phone's own call with the carrier (its consultation call went to an
    // outside number): the own media side takes it over too and joins the two calls
    // (attended_carrier.cpp); one set up before a restart cannot be (its state is gone).
    TrunkDialog* trunk = trunk_dialogs_.find(key);
    if (trunk == nullptr || trunk->device.empty() || trunk->device != transferor) return std::nullopt;
    OwnMedia::ReplacedCall replaced{.target = {},
                                    .party = {},
                                    .peer = {},
                                    .device = "trunk",
                                    .replaces = id,
                                    .with_carrier = true,
                                    .carrier = std::nullopt,
                                    .joined = {}};
    if (trunk->call == 0 || trunk->carrier_target.empty() || !trunk->directory) return replaced;
    replaced.carrier = handover_of(*trunk, id.call_id);
    DialogIds ids{id.call_id, id.to_tag, id.from_tag};
    replaced.joined = [this, key, ids](std::uint64_t call, bool joined, std::uint32_t cseq) {
      joined_to(key, ids, call, joined, cseq);
    };
    return replaced;
  }
  const PhoneDialog& d = it->second;
  // Only a party of that call may hand it over: another phone naming it gets "no such call".
  const PhoneParty* target = d.caller.device == transferor   ? &d.callee
                             : d.callee.device == transferor ? &d.caller
                                                             : nullptr;
  if (target == nullptr) return std::nullopt;
  const PhoneParty& other = target == &d.callee ? d.caller : d.callee;
  return OwnMedia::ReplacedCall{.target = target->contact,
                                .party = identity_of(target->identity),
                                .peer = target->flow,
                                .device = target->device,
                                .replaces = {.call_id = id.call_id,
                                             .to_tag = target->tag,
                                             .from_tag = other.tag,
                                             .early_only = false},
                                .with_carrier = false,
                                .carrier = std::nullopt,
                                .joined = {}};
}

// The consultation call with the carrier joined to the caller of own media call `call` (or
// not: the carrier refused serve's re-INVITE, `cseq` the last number serve used toward it).
// Joined, it is the own media side's: the relay forgets it and refuses it while that call
// lasts (and a while after); its record ends here, the phone having left it.
void Proxy::joined_to(const std::string& key, const DialogIds& ids, std::uint64_t call, bool joined,
                      std::uint32_t cseq) {
  TrunkDialog* dialog = trunk_dialogs_.find(key);
  if (dialog == nullptr) return;  // ended meanwhile: the own media side heard of it
  if (!joined) {
    if (cseq > dialog->phone_cseq + dialog->cseq_shift) dialog->cseq_shift = cseq - dialog->phone_cseq;
    return;
  }
  auto record = open_records_.find(key);
  const bool phone_called = record != open_records_.end() && record->second.caller_tag == tag_of(dialog->phone_from);
  dialogs_.remove(ids.call_id, ids.tag1, ids.tag2);
  flows_.erase(key);
  trunk_dialogs_.remove(key);
  taken_over_.insert(key);
  if (call != 0)
    taken_key_.emplace(call, key);
  else
    linger_taken_over(key);
  close_record(key, phone_called ? "caller" : "callee");
  if (config_.log)
    config_.log(fmt::format("call {}: the relay hands the dialog to the own media side (joined to another call)",
                            ids.call_id));
}

void Proxy::remember_phone_dialog(const Call& call, const Branch& branch, const Message& response) {
  if (is_trunk(call.caller) || branch.kind != BranchKind::leg || branch.device == "trunk" ||
      call.record.caller_device.empty())
    return;
  std::string_view caller_contact = first_contact_uri(call.invite);
  phone_dialogs_[DialogSet::key(response.call_id, response.from.tag(), response.to.tag())] = PhoneDialog{
      .caller = {.device = call.record.caller_device,
                 .identity = std::string(call.invite.from.text),
                 .tag = std::string(response.from.tag()),
                 .contact = std::string(caller_contact),
                 .flow = reach(caller_contact, call.caller)},
      .callee = {.device = branch.device,
                 .identity = std::string(response.to.text),
                 .tag = std::string(response.to.tag()),
                 .contact = std::string(first_contact_uri(response)),
                 .flow = branch.to}};
}

}  // namespace callplan::sip
