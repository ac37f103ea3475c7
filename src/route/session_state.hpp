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
  UserIndex user = kNoUser;
};

inline ActionRecord make_action(Action::Kind kind) {
  ActionRecord a;
  a.kind = kind;
  return a;
}
inline ActionRecord ring_action(std::uint32_t timeout) {
  ActionRecord a = make_action(Action::Kind::ring);
  a.timeout = timeout;
  return a;
}
inline ActionRecord stop_action(StopReason reason) {
  ActionRecord a = make_action(Action::Kind::stop);
  a.reason = reason;
  return a;
}

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
  std::string caller_dial;          // external caller, E.164 when it can be normalised
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
  enum class Waiting : std::uint8_t { nothing, ring, menu };
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
  std::vector<std::uint32_t> order;     // member positions in the order this call rings them
  std::vector<std::uint8_t> considered; // by first listing: already rung or skipped
  std::vector<LegId> active;            // legs ringing now
  std::string_view rr_first;            // round robin: the member this call started with

  // --- the menu in progress ---
  const CompiledStep* menu = nullptr;
  std::uint32_t attempt = 0;

  // --- legs, actions, trace ---
  std::vector<Leg> legs;
  std::vector<ActionRecord> actions;
  std::size_t next_action = 0;
  std::vector<LegId> action_legs;
  TraceListener* trace = nullptr;
  std::vector<std::string_view> targets;  // scratch for trace events

  // entry.cpp
  void start(const CallSetup& s);
  void reject(RejectReason reason);
  void start_outbound(std::string_view to);

  // timeline.cpp
  void run();
  void execute(const CompiledStep& step);
  void enter_plan(PlanId plan, const CompiledStep* from);
  void start_menu(const CompiledStep& step);
  void prompt();
  void menu_digit(char d);
  void menu_timeout();
  void leave_menu(bool after_invalid_digit);
  void finish(Disposition d, std::string_view who);

  // ring.cpp
  void start_ring(const CompiledStep& step);
  void begin_stage();
  bool try_member(std::uint32_t position);
  void ring_timer();
  void leg_busy(LegId leg);
  void leg_answered(LegId leg);
  void stop_active(StopReason reason);
  void end_group(StopReason reason);
  void remember_round_robin(std::string_view answered_by);
  Presence presence_of(UserIndex user) const;
  LegId add_leg(Leg::Kind kind, UserIndex user, std::string_view target, std::string_view dial,
                std::string_view caller_id);

  // session.cpp
  void fire_timers(std::uint32_t limit, bool inclusive);
  void on_timer();
  void push_action(const ActionRecord& a, std::span<const LegId> legs);

  // Trace helpers: an event pre-filled with the time and the step.
  bool tracing() const { return trace != nullptr; }
  TraceEvent event(TraceType type, const CompiledStep* step) const;
  void emit(const TraceEvent& e) const { trace->on_event(e); }
  void emit_skip(std::string_view target, SkipReason reason);
  void emit_legs(TraceType type, std::span<const LegId> legs, StopReason reason,
                 std::uint32_t timeout);
};

}  // namespace callplan::detail
