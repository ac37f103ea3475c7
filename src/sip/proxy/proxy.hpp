// sip/proxy/proxy.hpp — the stateful forking proxy that carries out CallSession actions.
//
// The proxy has no routing logic: for every new call it opens a callplan::CallSession and
// does what its actions say (RFC 3261 section 16 for the SIP side):
//
//   ring     fork the INVITE to every registered contact of each user leg (their devices'
//            bindings), or to the trunk for an external leg, each branch in its own client
//            transaction; a leg with nothing to ring is reported busy at once
//   stop     CANCEL every branch of the legs
//   connect  (the 2xx was relayed when it arrived) nothing left to do
//   voicemail  fork to the media server (X-Callplan-Action header), or 480 without one
//   play / collect_digit  fork to the media server, which plays the prompt as early media
//            and ends its branch with the digit pressed (X-Callplan-Digit) — see media.cpp;
//            without a media server they are logged and the session goes on (no digit)
//   end      the final response the outcome calls for, when none was sent yet
//
// A caller that the own media side answered (a menu, src/sip/b2bua) is still routed here:
// its phones are rung with the own media side's INVITEs and bridged there on answer, and a
// phone's transfer of such a call rings its target through a call of its own (media.cpp).
//
// Branch answers go back to the session: the first 2xx of a leg is `answered`, a leg whose
// branches all failed is `busy`. The first 2xx also CANCELs every other branch at once (the
// other devices of the answering user too); a 2xx that crosses that CANCEL, or arrives after
// the call ended, is not relayed: the proxy ACKs it and ends that dialog with a BYE itself
// (late_answer.cpp), so no phone is left in a silent call. Each call ends with one log line
// and one CallRecord (when the setup fails, or when the answered dialog's BYE is answered). Timers of the session (wake_in) run on the TimerQueue.
// In-dialog requests (ACK for 2xx, BYE, re-INVITE...) are forwarded only for dialogs this
// proxy set up (Record-Route puts us on their path), so nothing unauthenticated is relayed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "callplan/session.hpp"
#include "sip/b2bua/own_media.hpp"
#include "sip/message.hpp"
#include "sip/proxy/call_record.hpp"
#include "sip/proxy/dialog_token.hpp"
#include "sip/proxy/dialogs.hpp"
#include "sip/proxy/trunk_side.hpp"
#include "sip/proxy/directory.hpp"
#include "sip/registrar/location.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/timer_queue.hpp"
#include "sip/transport/transport.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

// What a branch is for: a leg the session rang, or one of the media server's jobs.
enum class BranchKind : std::uint8_t { leg, voicemail, menu, announcement };

struct ProxyConfig {
  std::optional<Peer> trunk;          // where external legs go
  std::string media_server;           // SIP URI for voicemail, menus, announcements; "" for none
  // Without a media server: callplan's own media side, which answers the calls that reach a
  // media step itself (src/sip/b2bua); nullptr for none (voicemail 480, prompts skipped).
  OwnMedia* own_media = nullptr;
  // How long the target of a phone's transfer rings before the call comes back (issue 11).
  std::chrono::seconds transfer_timeout{30};
  std::function<void(std::string_view line)> log;  // info-level call log; empty: quiet
  // Every call's detail record, once, when it is over (call_record.hpp); empty: none kept.
  std::function<void(const CallRecord& record)> record;
  // After the session of a call of `company` has run (it may have moved a round-robin
  // position): what keeps the state store in step (sip/server/state_keeper.hpp). Empty: none.
  std::function<void(std::string_view company, const RoutingState& state)> routing_state_changed;
  // The key of the dialog tokens (dialog_token.hpp): kept in the state directory so dialogs
  // survive a restart; "" for a random one that dies with the process.
  std::string dialog_secret;
  // `--cluster-secret-file` (docs/cluster.md): every node signs with the same key, so a
  // token that verifies names a node of this cluster, whichever address it is written with:
  // an in-dialog request reaching this node with another node's Record-Route is relayed here.
  bool tokens_of_every_node = false;
  // `--cluster` (docs/cluster.md, "Phones reached through their node"): a binding only its
  // owning node reaches (Binding::through) is rung through that node; this gives the Route
  // value that goes first in that INVITE, with the proof the owner relays it on (given the
  // phone's SIP username, the binding, and the branch of the INVITE's Via). Empty: such
  // bindings are not rung.
  std::function<std::string(std::string_view username, const Binding& binding,
                            std::string_view branch)>
      route_through_owner;
};

struct ProxyStats {
  std::uint64_t calls = 0;
  std::uint64_t answered = 0;
  std::uint64_t failed = 0;
};

// What a phone is doing, as a busy lamp shows it (RFC 4235 dialog states, most active first
// when it is in several calls): not in a call, calling out, ringing, in a call.
enum class PhoneActivity : std::uint8_t { idle, trying, early, confirmed };
// "terminated" (idle), "trying", "early", "confirmed".
std::string_view to_string(PhoneActivity activity) noexcept;

class Proxy {
 public:
  Proxy(TransactionLayer& layer, TimerQueue& timers, Transport& transport, Location& location,
        ProxyConfig config);
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // New calls use `directory`; calls in progress keep theirs.
  void use(std::shared_ptr<Directory> directory);
  const std::shared_ptr<Directory>& directory() const { return directory_; }
  // Round-robin positions and the random state, carried from call to call; set at start from
  // the state store, before the first call.
  RoutingState& routing_state() { return *routing_state_; }

  // A new INVITE (no To tag) from the trunk (caller = the From user) or from an authenticated
  // device. Answers it in every case.
  void start_call(ServerId txn, const Message& invite, const Peer& from, const Caller& caller);
  // The same in one company of several (src/sip/companies): the call routes on `directory`
  // (the company's current one) with the company's round-robin positions `state`, which the
  // call shares until it ends (a company removed by a reload meanwhile is gone only then).
  void start_call(ServerId txn, const Message& invite, const Peer& from, const Caller& caller,
                  std::shared_ptr<Directory> directory, std::shared_ptr<RoutingState> state);
  // The caller CANCELled (the layer already answered the CANCEL).
  void cancel_call(ServerId txn);
  // A request with a To tag (BYE, re-INVITE, INFO, UPDATE...): relayed in its dialog or 481.
  void in_dialog(ServerId txn, const Message& request, const Peer& from);
  // ACK for a 2xx: relayed statelessly in its dialog, dropped otherwise.
  void ack(const Message& ack, const Peer& from);
  // A 2xx retransmission after its client transaction ended: relayed upstream statelessly.
  void stray_response(const Message& response, const Peer& from);

  // Forgets dialogs unused for their lifetime (their calls' records are written, "expired").
  void expire(TimerQueue::TimePoint now) { dialogs_.expire(now); }

  // Is `uri` (host:port) one of our own addresses (a Route to pop, a Request-URI for us)?
  bool is_us(const Uri& uri) const;
  // Is address:port one we listen on (any protocol)?
  bool is_us(const Peer& peer) const;
  // A Route (or Request-URI) of `request`'s dialog that names us: our address, or with
  // tokens_of_every_node, a dialog token of this dialog signed with the cluster's key.
  bool names_us(const Uri& uri, const Message& request) const;

  std::size_t calls_in_progress() const;
  // What the phone of SIP username `username` is doing now (activity.cpp).
  PhoneActivity activity(std::string_view username) const;
  std::size_t dialogs() const { return dialogs_.size(); }
  std::size_t trunk_dialogs() const { return trunk_dialogs_.size(); }
  const ProxyStats& stats() const { return stats_; }

 private:
  struct Call;
  struct Branch;
  friend struct ProxyAccess;

  void run_actions(Call& call);
  void ring(Call& call, std::span<const LegId> legs);
  void fork_leg(Call& call, const Leg& leg);
  void send_branch(Call& call, LegId leg, const Peer& to, std::string_view request_uri,
                   std::string_view from_value, std::string_view asserted_identity,
                   std::span<const HeaderLine> extra, BranchKind kind,
                   std::string_view phone = {},  // the SIP username rung, for a phone's branch
                   const Binding* through_owner = nullptr);  // rung through its node (`to`)
  // An INVITE to `phone` at `to` got no response at all: its binding goes (dead_bindings.hpp).
  void phone_silent(const std::string& phone, const Peer& to);
  void stop(Call& call, std::span<const LegId> legs);
  // media.cpp
  std::optional<Peer> media_server() const;
  void to_voicemail(Call& call, UserIndex user);
  void play(Call& call, const Action& action);
  void collect_digit(Call& call, const Action& action);
  void end_prompts(Call& call);  // CANCEL menu and announcement branches still running
  void media_final(Call& call, std::size_t branch, const Message& response);
  struct MediaJobIds {
    std::string call_id;
    std::string from;
  };
  MediaJobIds media_job_ids(const Call& call) const;  // a prompt job's own Call-ID and From
  std::string media_job_progress(const Call& call, const Message& response) const;
  CallerSide caller_side(const Call& call) const;
  VoicemailJob voicemail_job(const Call& call, UserIndex user) const;
  // A caller that the own media side answered (a menu): phones are rung with its INVITEs
  // and bridged on answer (src/sip/b2bua/phone_legs.cpp).
  bool anchored(const Call& call) const;
  bool anchored_ring(Call& call, std::span<const LegId> legs);  // true: deferred
  bool anchored_answer(Call& call, std::size_t branch, const Message& response);
  std::uint64_t anchor_of(const Call& call) const;
  std::uint64_t own_media_transfer(std::uint64_t anchor, std::string_view target,
                                   std::string_view transferor);
  void transfer_over(Call& call);  // the target call ended: answered, or back it goes
  void own_media_answered(std::uint64_t call);
  void own_media_voicemail_over(std::uint64_t call, int status, std::string_view by);
  void own_media_caller_left(std::uint64_t call);
  void own_media_digit(std::uint64_t call, char digit);
  void own_media_prompt_ended(std::uint64_t call);
  void finish(Call& call);
  void on_branch_response(std::uint64_t call_id, std::size_t branch, const Message& response);
  void on_branch_timeout(std::uint64_t call_id, std::size_t branch);
  void branch_failed(Call& call, std::size_t branch);
  // late_answer.cpp
  void end_late_answer(Call& call, std::size_t branch, const Message& response);
  // call_end.cpp
  void setup_over(Call& call);  // the INVITE transaction is over: record now, or at the BYE
  // `status` (when not 0) is the caller's final status after all: a call the own media
  // side could not take to voicemail after the proxy was done with it.
  void close_record(const std::string& dialog_key, std::string_view ended_by, int status = 0);
  // A dialog is over (its BYE answered or timed out): everything kept for it goes, in every
  // table that holds dialogs (call_end.cpp). One place, so no table is forgotten: the flows of
  // calls through the trunk were, and grew by one entry per call.
  void end_dialog(const std::string& key, std::string_view call_id, std::string_view tag1,
                  std::string_view tag2, std::string_view ended_by);
  // What the tables besides `dialogs_` keep for a dialog (its end, or its expiry in `dialogs_`).
  void forget_dialog_state(const std::string& key);
  // The key of a record the own media side closes (a call it answered): "own-media:<call>".
  static std::string own_media_key(std::uint64_t call);
  void emit(CallRecord& record);  // the log line and the record
  std::string bye_sender(const Message& bye) const;  // "caller" or "callee"
  CallRecord::Clock::time_point wall(const Call& call) const;
  std::string via_for(const Peer& to, std::string_view branch) const;
  bool is_trunk(const Peer& peer) const;
  // trunk_side.cpp's rewriting, applied by the relay (dialog_relay.cpp) to trunk dialogs.
  void relay_trunk_dialog(ServerId txn, const Message& request, const Peer& from,
                          const std::string& key, TrunkDialog& dialog);
  // takeover.cpp: a phone's REFER in a dialog with the carrier: the own media side takes the
  // call over (a re-INVITE of the carrier) and carries the transfer out; refused 403 without
  // one. Once taken, the dialog is the own media side's: it leaves the relay's tables.
  void take_over(ServerId txn, const Message& refer, const std::string& key, TrunkDialog& dialog);
  struct DialogIds {
    std::string call_id;
    std::string tag1;
    std::string tag2;
  };
  void taken_over(const std::string& key, const DialogIds& ids, std::uint64_t call, bool taken,
                  std::uint32_t cseq);
  // A call taken over has ended: its dialogs are refused a while longer, then forgotten.
  void forget_taken_over(std::uint64_t call);
  void linger_taken_over(const std::string& key);
  OwnMedia::Handover handover_of(TrunkDialog& dialog, std::string_view call_id);
  // The call an attended transfer names (Replaces), if `transferor` is in it: a call between
  // phones, or the transferor's own call with the carrier (which is then joined: joined_to).
  std::optional<OwnMedia::ReplacedCall> replaced_call(const ReplacesId& id, std::string_view transferor);
  void joined_to(const std::string& key, const DialogIds& ids, std::uint64_t call, bool joined,
                 std::uint32_t cseq);
  void ack_trunk_dialog(const Message& ack, const Peer& from, const TrunkDialog& dialog);
  std::string our_contact(std::string_view token) const;
  // The carrier calling in, answered by a phone: the token of our Contact in that answer.
  std::string answer_token(const Call& call, const Branch& branch, const Message& response) const;
  // dialog_adopt.cpp: an in-dialog request of a dialog we do not know (set up before a
  // restart) that carries a valid token of it: the dialog is known again. False: 481.
  bool adopt_dialog(const Message& request, const Peer& from);
  std::string upstream(const Call& call, const Branch& branch, const Message& response);
  bool preloaded_route_is_us(const Call& call) const;
  void remember_trunk_dialog(const Call& call, const Branch& branch, const Message& response);
  std::string record_route_for(const Peer& caller, std::string_view token) const;
  void arm_wake(Call& call);
  std::uint32_t seconds(const Call& call) const;
  void respond_upstream(Call& call, int status, std::string_view reason,
                        std::span<const HeaderLine> extra = {});
  void maybe_erase(std::uint64_t call_id);
  Call* find(std::uint64_t call_id);

  TransactionLayer& layer_;
  TimerQueue& timers_;
  Transport& transport_;
  Location& location_;
  ProxyConfig config_;
  std::shared_ptr<Directory> directory_;
  std::shared_ptr<RoutingState> routing_state_ = std::make_shared<RoutingState>();
  DialogSet dialogs_;
  DialogTokens tokens_;
  TrunkDialogs trunk_dialogs_;  // the dialogs through the trunk, by DialogSet::key
  // Where each side of a dialog is reached by its flow (reach.hpp): the connection or address
  // its INVITE came from (the caller on TCP or behind NAT) or where the INVITE reached it
  // (the answering phone). In-dialog requests to it go there, not to its Contact (behind NAT
  // that would never arrive). A default Peer (port 0): that side is reached at its Contact.
  struct DialogFlows {
    std::string caller_tag;
    Peer caller;
    Peer callee;
  };
  std::unordered_map<std::string, DialogFlows> flows_;  // by DialogSet::key
  // The answered calls between two phones, by DialogSet::key: what an attended transfer
  // needs to send the INVITE with Replaces to the side that is not transferring (takeover.cpp).
  struct PhoneParty {
    std::string device;    // SIP username
    std::string identity;  // its From (the caller) or To (the callee), with its tag
    std::string tag;
    std::string contact;   // its Contact URI
    Peer flow;             // where it is reached
  };
  struct PhoneDialog {
    PhoneParty caller;
    PhoneParty callee;
  };
  std::unordered_map<std::string, PhoneDialog> phone_dialogs_;
  void remember_phone_dialog(const Call& call, const Branch& branch, const Message& response);
  // Dialogs the own media side took over (by DialogSet::key): never relayed again; each
  // forgotten a while after its call ended (late retransmissions get 481 meanwhile).
  std::unordered_set<std::string> taken_over_;
  // By the own media side's call number: its dialog taken over, and a consultation call
  // with the carrier joined to it (attended transfer).
  std::unordered_multimap<std::uint64_t, std::string> taken_key_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for timers that outlive us
  void remember_flows(const Call& call, const Branch& branch, const Message& response);
  // `to_endpoint`: no Route is left after ours, the hop is the Request-URI (a phone's Contact).
  void reach_by_flow(const Message& request, bool to_endpoint, Peer& hop) const;
  std::unordered_map<std::uint64_t, std::unique_ptr<Call>> calls_;
  // Callers the own media side answered and bridged to a phone (by its call number): what a
  // transfer needs to route from them (media.cpp); gone at the call's end.
  struct AnchoredCall {
    std::shared_ptr<Directory> directory;
    std::shared_ptr<RoutingState> routing;  // shared with the company, as Call::routing
    std::string invite_bytes;
    Peer caller;
  };
  std::unordered_map<std::uint64_t, AnchoredCall> anchored_calls_;
  std::unordered_map<ServerId, std::uint64_t> call_by_txn_;
  // Answered calls whose dialog is still up, by DialogSet::key: written at its BYE.
  struct OpenRecord {
    CallRecord record;
    std::string caller_tag;  // the caller's From tag: a BYE with it is the caller hanging up
  };
  std::unordered_map<std::string, OpenRecord> open_records_;
  std::vector<std::unique_ptr<CallSession>> session_pool_;  // reused: start() does not allocate
  std::uint64_t next_call_ = 1;
  ProxyStats stats_;
};

}  // namespace callplan::sip
