// sip/proxy/call.hpp — the proxy's record of one call (internal to src/sip/proxy).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "callplan/session.hpp"
#include "sip/message.hpp"
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

  bool media() const { return kind != BranchKind::leg; }
};

struct Proxy::Call {
  std::uint64_t id = 0;
  ServerId txn = kNoTransaction;
  std::string invite_bytes;  // our copy of the caller's INVITE; `invite` views it
  Message invite;
  Peer caller;
  std::shared_ptr<Directory> directory;  // the plan this call started on
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
  int best_failure = 0;        // 486/600 when a phone said busy: the final answer then
};

}  // namespace callplan::sip
