// sip/proxy/call.hpp — the proxy's record of one call (internal to src/sip/proxy).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "callplan/session.hpp"
#include "sip/message.hpp"
#include "sip/proxy/call_record.hpp"
#include "sip/proxy/directory.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/transaction/transaction_layer.hpp"
#include "sip/transport/peer.hpp"
#include "sip/transport/timer_queue.hpp"

namespace callplan::sip {

// One forwarded copy of the INVITE: a contact of a user leg, the trunk, or the media server.
struct Proxy::Branch {
  LegId leg = 0;            // kind == leg only
  BranchKind kind = BranchKind::leg;
  ClientId txn = kNoTransaction;
  bool done = false;        // a final response (or a time-out) arrived
  int status = 0;           // its final status (408 for a time-out)
  Peer to;                  // where the INVITE went (a late 2xx is ACKed and BYEd there)
  std::string device;       // who it rings: a SIP username, "trunk" or "media-server"
  bool hung_up = false;     // a late 2xx was ACKed and sent a BYE (late_answer.cpp)

  bool media() const { return kind != BranchKind::leg; }
};

struct Proxy::Call {
  std::uint64_t id = 0;
  ServerId txn = kNoTransaction;
  std::string invite_bytes;  // our copy of the caller's INVITE; `invite` views it
  Message invite;
  Peer caller;
  std::shared_ptr<Directory> directory;  // the plan this call started on
  // Its company's round robin, shared with the company: a company removed by a reload while
  // this call still routes (a ring group moving on after a time-out) is gone from the
  // registry, but its positions live until the call ends.
  std::shared_ptr<RoutingState> routing;
  std::unique_ptr<CallSession> session;
  std::string to;              // dialled, what CallSetup::to views
  std::string caller_number;   // external callers: what Caller::number views
  std::string to_tag;          // for final responses we make ourselves
  TimerQueue::TimePoint started{};
  TimerQueue::Id wake = TimerQueue::kNone;
  std::vector<Branch> branches;
  std::vector<LegId> busy_pending;  // legs found to have nothing to ring while running actions
  bool running = false;        // inside run_actions()
  bool final_sent = false;     // the caller has a final response (or a 2xx)
  bool answered = false;
  std::optional<std::size_t> winner;  // the branch whose 2xx the caller got
  int final_status = 0;        // what the caller got (200 when answered)
  CallRecord record;           // filled in as the call goes (call_record.hpp)
  std::string dialog_key;      // DialogSet::key of the answered dialog: its BYE ends the record
  // The own media side took the call to voicemail: its record waits for on_voicemail_over,
  // under dialog_key "own-media:<id>" (call_end.cpp).
  bool own_voicemail = false;
  // Signed dialog tokens (dialog_token.hpp), the user part of our Record-Route and of our
  // Contact toward the carrier, so in-dialog requests are relayed after a restart too.
  std::string token;           // toward the phones: the caller's side and tag
  std::string trunk_token;     // toward the carrier on a phone's call out: the whole TrunkDialog
  std::int64_t token_expires = 0;  // Unix seconds; the same for every token of the call
  std::string trunk_from;      // the caller-ID From the carrier got
  int best_failure = 0;        // 486/600 when a phone said busy: the final answer then
  // A call that rings the target of a phone's transfer (media.cpp): the own media side's
  // call number whose caller is being transferred (its INVITEs and answer go there); 0 else.
  std::uint64_t anchor = 0;
  TimerQueue::Id give_up = TimerQueue::kNone;  // its transfer_timeout
};

}  // namespace callplan::sip
