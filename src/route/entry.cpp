// Where a call enters (SPEC 3.1): a tenant number's plan, a user's personal plan, outbound, or
// nowhere (rejected).
#include <algorithm>

#include "callplan/error.hpp"
#include "model/phone_number.hpp"
#include "model/words.hpp"
#include "route/session_state.hpp"

namespace callplan::detail {

namespace {

// The number's plan, trying the number as dialled before normalising it: the common case
// (dialled exactly as written in the tenant file, or already E.164) does not allocate.
PlanId number_plan(const Program& p, std::string_view to, std::string& scratch) {
  const std::uint32_t* n = p.number_by_key.find(to);
  if (n == nullptr) {
    scratch = normalise_for_lookup(to, p.country);
    n = p.number_by_key.find(std::string_view(scratch));
  }
  return n == nullptr ? kNoPlan : p.numbers[*n].plan;
}

}  // namespace

void SessionState::start(const CallSetup& s) {
  setup = s;
  if (s.state != nullptr) {
    state = s.state;
  } else {
    scratch_state = RoutingState{};
    state = &scratch_state;
  }
  trace = s.trace;
  now = 0;
  ended = false;
  outcome = CallOutcome{};
  frames.clear();
  plans_entered.clear();
  waiting = Waiting::nothing;
  deadline = kNever;
  ring = nullptr;
  menu = nullptr;
  menu_prompt_playing = false;
  active.clear();
  legs.clear();
  actions.clear();
  action_legs.clear();
  next_action = 0;
  caller_user = kNoUser;
  caller_dial = {};
  caller_dial_pending = false;

  switch (s.caller.kind) {
    case Caller::Kind::external:
      // An external number is compared in E.164 with external members (a caller is never
      // rung): normalised by external_caller_dial() when the first external member is tried,
      // since most calls never reach one.
      caller_dial_pending = !s.caller.number.empty();
      shown_internal = s.caller.number.empty() ? std::string_view("anonymous") : s.caller.number;
      shown_external = shown_internal;
      break;
    case Caller::Kind::user:
      if (s.caller.user >= p->users.size()) throw Error("CallSession::start: no such user index");
      caller_user = s.caller.user;
      break;
    case Caller::Kind::device:
      if (s.caller.device >= p->devices.size()) {
        shown_internal = shown_external = "anonymous";
        reject(RejectReason::unknown_device);
        return;
      }
      caller_user = p->devices[s.caller.device].user;
      if (caller_user == kNoUser) {
        shown_internal = shown_external = "anonymous";
        reject(RejectReason::unlinked_device);
        return;
      }
      break;
  }

  if (caller_user != kNoUser) {
    const CompiledUser& u = p->users[caller_user];
    shown_internal = u.extension;
    shown_external = u.caller_id.empty() ? std::string_view("anonymous")
                                         : std::string_view(u.caller_id);
    if (const UserIndex* callee = p->user_by_extension.find(s.to)) {
      enter_plan(p->users[*callee].personal_plan, nullptr);
    } else if (PlanId plan = number_plan(*p, s.to, outbound_dial); plan != kNoPlan) {
      enter_plan(plan, nullptr);
    } else if (is_extension(s.to)) {
      reject(RejectReason::unknown_extension);
      return;
    } else {
      start_outbound(s.to);
      return;
    }
  } else {
    // External callers reach the tenant through its numbers only, never an extension.
    PlanId plan = number_plan(*p, s.to, outbound_dial);
    if (plan == kNoPlan) {
      reject(RejectReason::unknown_number);
      return;
    }
    enter_plan(plan, nullptr);
  }
  run();
}

std::string_view SessionState::external_caller_dial() {
  if (caller_dial_pending) {
    caller_dial_pending = false;
    // "anonymous" stays as it is and matches nothing. Already E.164, the usual form from a
    // trunk: used as it is (the host keeps the setup's strings alive for the call).
    const std::string_view number = setup.caller.number;
    if (is_e164(number)) {
      caller_dial = number;
    } else {
      caller_dial_buffer = normalise_for_lookup(number, p->country);
      caller_dial = caller_dial_buffer;
    }
  }
  return caller_dial;
}

void SessionState::reject(RejectReason reason) {
  if (tracing()) trace_reject(reason);
  outcome.reason = reason;
  finish(Disposition::rejected, {});
}

void SessionState::start_outbound(std::string_view to) {
  outbound_dial = normalise_for_lookup(to, p->country);
  ring = nullptr;
  ring_path = "outbound";
  ring_source = {};
  ring_label = {};
  strategy = Strategy::ring_all;
  stage = 0;
  stage_count = 1;
  group_deadline = kNever;
  waiting = Waiting::ring;
  LegId leg = add_leg(Leg::Kind::external, kNoUser, to, outbound_dial, shown_external);
  stage_deadline = now + kOutboundTimeoutSeconds;
  deadline = stage_deadline;
  LegId one[] = {leg};
  push_action(Action::Kind::ring, one).timeout = kOutboundTimeoutSeconds;
  if (tracing()) trace_ring(one, kOutboundTimeoutSeconds);
}

}  // namespace callplan::detail
