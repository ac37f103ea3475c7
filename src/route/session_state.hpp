// The inside of a CallSession. One struct holds the whole state of a call; the member
// functions are split by concern over entry.cpp (SPEC 3.1), timeline.cpp (steps, plans,
// menus), ring.cpp (ring steps and strategies) and session.cpp (the host-facing API and
// timers). All buffers are reserved from the Program's sizes and reused call after call.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "callplan/session.hpp"
#include "callplan/trace.hpp"
#include "compile/program.hpp"

namespace callplan::detail {

inline constexpr std::uint32_t kNever = std::numeric_limits<std::uint32_t>::max();

struct ActionRecord {
  Action::Kind kind = Action::Kind::end;
  std::uint32_t legs_begin = 0;  // into SessionState::action_legs
  std::uint32_t legs_count = 0;
  std::uint32_t timeout = 0;
  StopReason reason = StopReason::timeout;
  std::string_view audio;
  std::string_view text;
  std::uint32_t seconds = 0;
  UserIndex user = kNoUser;
};


struct SessionState {
  explicit SessionState(std::shared_ptr<const Engine> e);
  void reserve_buffers();

  // --- the call ---
  std::shared_ptr<const Engine> engine;
  const Program* p = nullptr;
  CallSetup setup;
  RoutingState scratch_state;  // when the host passes no RoutingState
  RoutingState* state = nullptr;
  UserIndex caller_user = kNoUser;
  // External caller, E.164 when it can be normalised: setup.caller.number itself when it is
  // E.164 already (the usual form from a trunk; no copy), else caller_dial_buffer.
  std::string_view caller_dial;
  std::string caller_dial_buffer;
  bool caller_dial_pending = false; // caller_dial is still to be computed
  std::string_view shown_internal;  // what internal legs show (SPEC 3.8)
  std::string_view shown_external;  // what external ring-group legs show
  std::string outbound_dial;
  std::uint32_t now = 0;
  bool ended = false;
  CallOutcome outcome;

  // --- the timeline ---
  struct Frame {
    ListId list = kNoList;
    std::uint32_t next = 0;
  };
  std::vector<Frame> frames;
  std::vector<PlanId> plans_entered;
  // announcement: a `play` holds the timeline until its prompt has played (SPEC 3.9).
  enum class Waiting : std::uint8_t { nothing, ring, menu, announcement };
  Waiting waiting = Waiting::nothing;
  std::uint32_t deadline = kNever;  // the next timer, when waiting

  // --- the ring step in progress ---
  const CompiledStep* ring = nullptr;  // nullptr for an outbound call
  std::string_view ring_path;
  std::string_view ring_source;
  std::string_view ring_label;
  Strategy strategy = Strategy::ring_all;
  std::uint32_t stage = 0;
  std::uint32_t stage_count = 0;
  std::uint32_t stage_deadline = kNever;
  std::uint32_t group_deadline = kNever;
  // Member positions in the order this call rings them, for round_robin and random only: the
  // other strategies ring in listed order, so they skip building an identity permutation.
  std::vector<std::uint32_t> order;
  bool reordered = false;
  std::uint32_t position_at(std::uint32_t i) const { return reordered ? order[i] : i; }
  // By first listing: already rung or skipped in this step when it holds considered_mark. A
  // new mark per ring step instead of clearing the buffer (a memset call per step); the buffer
  // is cleared only when the 32-bit mark wraps.
  std::vector<std::uint32_t> considered;
  std::uint32_t considered_mark = 0;
  std::vector<LegId> active;            // legs ringing now
  std::string_view rr_first;            // round robin: the member this call started with

  // --- the menu in progress ---
  const CompiledStep* menu = nullptr;
  std::uint32_t attempt = 0;
  // PromptClock::host only: the menu's prompt still plays (its digit time-out starts when
  // the host reports prompt_ended()).
  bool menu_prompt_playing = false;
  // Kept across calls (CallSession::set_prompt_clock).
  PromptClock prompt_clock = PromptClock::session;
  bool host_times_prompts() const { return prompt_clock == PromptClock::host; }

  // --- legs, actions, trace ---
  // Append-only during a call, in the order the legs start ringing (LegId is the index).
  std::vector<Leg> legs;
  std::vector<ActionRecord> actions;
  std::size_t next_action = 0;
  // The kinds the host carries out (CallSession::set_actions), a mask of action_bit(kind);
  // push_action() hands out `discarded` for the others. Kept across calls.
  static constexpr std::uint32_t action_bit(Action::Kind kind) {
    return std::uint32_t{1} << static_cast<unsigned>(kind);
  }
  static constexpr std::uint32_t kAllActions = ~std::uint32_t{0};
  std::uint32_t queued_actions = kAllActions;
  bool queues(Action::Kind kind) const { return (queued_actions & action_bit(kind)) != 0; }
  ActionRecord discarded;
  std::vector<LegId> action_legs;
  TraceListener* trace = nullptr;

  // entry.cpp
  void start(const CallSetup& s);
  void reject(RejectReason reason);
  std::string_view external_caller_dial();  // caller_dial, computed on first use
  void start_outbound(std::string_view to);

  // timeline.cpp
  void run();
  void execute(const CompiledStep& step);
  void time_condition(const CompiledStep& step);
  void voicemail(const CompiledStep& step);
  void announcement(const CompiledStep& step);
  void enter_plan(PlanId plan, const CompiledStep* from);
  void start_menu(const CompiledStep& step);
  void prompt();
  void menu_digit(char d);
  void menu_timeout();
  void prompt_played();
  void leave_menu(bool after_invalid_digit);
  void finish(Disposition d, std::string_view who);

  // ring.cpp
  void start_ring(const CompiledStep& step);
  void begin_stage();
  bool try_member(std::uint32_t position);
  bool skip_member(const Member& m, SkipReason reason);  // false, after the trace's skip event
  bool try_external_member(const Member& m);
  void ring_timer();
  void leg_busy(LegId leg);
  void leg_answered(LegId leg);
  void stop_active(StopReason reason);
  void end_group(StopReason reason);
  void remember_round_robin(std::string_view answered_by);
  // presence_of, add_leg and push_action run several times per call: defined below, inline.
  Presence presence_of(UserIndex user) const;
  LegId add_leg(Leg::Kind kind, UserIndex user, std::string_view target, std::string_view dial,
                std::string_view caller_id);

  // session.cpp
  // The second the session must be woken at (never before now), or kNever when it waits for
  // events only or has ended: CallSession::wake_in() relative to now.
  std::uint32_t wake_at() const {
    if (ended || waiting == Waiting::nothing || deadline == kNever) return kNever;
    return deadline > now ? deadline : now;
  }
  void fire_timers(std::uint32_t limit, bool inclusive);
  // Appends an action of `kind` naming `legs` and returns it for the caller to fill in the
  // kind's fields. (Built in place: copying a record just assembled on the stack stalled on
  // store forwarding.)
  ActionRecord& push_action(Action::Kind kind, std::span<const LegId> legs);

  // Trace helpers. Events are built only when tracing(), and handed to the listener.
  bool tracing() const { return trace != nullptr; }
  // Sends `what` happening now at `step` (nullptr: no step), or at the ring step in progress.
  void emit(const CompiledStep* step, TraceDetail what) const;
  void emit_at_ring(TraceDetail what) const;
  // trace_events.cpp: one per kind of event, kept out of the hot functions' frames.
  void trace_condition(const CompiledStep& step, bool matched) const;
  void trace_voicemail(const CompiledStep& step) const;
  void trace_announcement(const CompiledStep& step) const;
  void trace_hangup(const CompiledStep& step) const;
  void trace_plan_not_entered(const CompiledStep* from, const CompiledPlan& target,
                              bool again) const;
  void trace_plan_entered(const CompiledPlan& target) const;
  void trace_answer(const Leg& answered) const;
  void trace_skip(std::string_view target, SkipReason reason) const;
  void trace_ring(std::span<const LegId> legs, std::uint32_t timeout) const;
  void trace_stop(std::span<const LegId> legs, StopReason reason) const;
  void trace_menu(TraceDetail what) const;
  void trace_reject(RejectReason reason) const;
};

inline Presence SessionState::presence_of(UserIndex user) const {
  if (p->users[user].devices.empty()) return Presence::no_device;
  if (user < setup.presence.size()) return setup.presence[user];
  return Presence::available;
}

inline LegId SessionState::add_leg(Leg::Kind kind, UserIndex user, std::string_view target,
                                   std::string_view dial, std::string_view caller_id) {
  auto id = static_cast<LegId>(legs.size());
  legs.push_back({id, kind, user, target, dial, caller_id});
  active.push_back(id);
  return id;
}

inline ActionRecord& SessionState::push_action(Action::Kind kind, std::span<const LegId> leg_ids) {
  if (!queues(kind)) return discarded;
  ActionRecord& r = actions.emplace_back();
  r.kind = kind;
  r.legs_begin = static_cast<std::uint32_t>(action_legs.size());
  r.legs_count = static_cast<std::uint32_t>(leg_ids.size());
  // One or a few legs: a plain loop into the reserved buffer beats a memmove call.
  for (LegId id : leg_ids) action_legs.push_back(id);
  return r;
}

}  // namespace callplan::detail
