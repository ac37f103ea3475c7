// callplan/session.hpp — routing one call: a pure state machine driven by its host.
//
//   callplan::CallSession session(engine);               // reuse it for call after call
//   std::vector<callplan::Presence> presence(engine->user_count(), callplan::Presence::available);
//   callplan::RoutingState state;
//   session.start({.caller = callplan::Caller::external("+31612345678"),
//                  .to = "+31881234567", .at = now, .presence = presence, .state = &state});
//   for (;;) {
//     while (auto action = session.next_action()) { /* ring / stop / play / collect / ... */ }
//     if (session.ended()) break;
//     // wait for a phone event or for session.wake_in() seconds, then report it:
//     session.answered(leg, t);  or  session.busy(leg, t);  or  session.digit('1', t);
//     session.caller_hung_up(t); or  session.advance_to(t);
//     session.prompt_ended(t);        // with PromptClock::host only: see "Prompts" below
//   }
//   callplan::CallOutcome outcome = session.outcome();
//
// Prompts (SPEC 3.9). A `play` action (an announcement) holds the timeline until the prompt has
// played; a `collect_digit` action (a menu) waits its `timeout` after the prompt has played. A
// digit pressed while the prompt plays counts (barge-in). Who says when a prompt has played
// is the host's choice, set with set_prompt_clock():
//  - PromptClock::session (the default; the simulator, Python, tests): the session times the
//    prompt by the length the engine knows (Action::seconds, from the meter the host gave at
//    load, prompts.hpp). The host only plays it; wake_in() includes the prompt's end.
//  - PromptClock::host (a server that really plays audio): the session waits, with no timer,
//    until the host reports prompt_ended(t) for the prompt it is playing. Every `play` and
//    every `collect_digit` action is answered by exactly one prompt_ended() (also when the
//    prompt could not be played: report it at once), unless the call ends first or a digit
//    ends the menu prompt (barge-in: the host stops the prompt and reports nothing more for
//    it; a retry's new `collect_digit` starts a new prompt). Action::seconds is then only the
//    expected length, e.g. for a safety timer in the host.
//
// The session has no clock, no I/O and no threads. Time is whole seconds since the call
// started: the host reports it with every event, and asks wake_in() when the session next
// needs to be woken if nothing happens. Events reported for second t are handled after the
// timers due strictly before t and before the timers due at t: a leg that answers in the
// second its time-out ends has answered (docs/routing.md).
//
// Every decision (SPEC section 3) is the session's; hosts (the simulator, the SIP server,
// Python) only carry out actions. Trace events (SPEC section 5) go to an optional
// TraceListener (trace.hpp); without one, routing does no trace work at all.
//
// Memory: start() reuses the session's buffers, sized from the engine when it is created, so
// routing a call in a reused session does not allocate in steady state.
// Thread safety: a CallSession is used by one thread at a time. Sessions sharing one Engine
// may run on different threads. The RoutingState passed to start() is written during the call
// and must not be used by another session at the same time.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "callplan/engine.hpp"
#include "callplan/export.hpp"
#include "callplan/schedule.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

// ---------------------------------------------------------------------------------------------
// Vocabulary

// A user's state as the host sees it (the SIP server derives it from registrations and
// dialogs). A user is available when at least one linked device is registered and neither busy
// nor on do-not-disturb.
enum class Presence : std::uint8_t { available, offline, busy, dnd, no_device };

// Why a member or target was not rung (trace `skip` events).
enum class SkipReason : std::uint8_t { offline, busy, dnd, no_device, caller, duplicate };

// Why legs stopped ringing (trace `stop` events).
enum class StopReason : std::uint8_t { timeout, max_duration, busy, answered_elsewhere,
                                       caller_hangup };

// How the call ended.
enum class Disposition : std::uint8_t { answered, voicemail, hangup, unanswered, abandoned,
                                        rejected };

// Why a call was rejected at entry (SPEC 3.1).
enum class RejectReason : std::uint8_t {
  unknown_number,     // an external caller dialled something that is not a tenant number
  unknown_extension,  // a user dialled an internal number no user has
  unlinked_device,    // the calling device has no linked user
  unknown_device,     // the calling device is not in the tenant
};

std::string_view to_string(Presence p);
std::string_view to_string(SkipReason r);
std::string_view to_string(StopReason r);
std::string_view to_string(Disposition d);
std::string_view to_string(RejectReason r);

// "available", "offline", "busy", "dnd", "no_device" -> Presence; nullopt otherwise.
std::optional<Presence> parse_presence(std::string_view text);

// Who is calling.
struct Caller {
  enum class Kind : std::uint8_t { external, user, device };
  Kind kind = Kind::external;
  std::string_view number = "anonymous";  // external: the number as presented, or "anonymous"
  UserIndex user = kNoUser;               // user: the calling user (on one of their devices)
  DeviceIndex device = kNoDevice;         // device: the calling device (its user is looked up)

  static Caller external(std::string_view number) { return {Kind::external, number}; }
  static Caller from_user(UserIndex u) { return {Kind::user, {}, u}; }
  static Caller from_device(DeviceIndex d) { return {Kind::device, {}, kNoUser, d}; }
};

// ---------------------------------------------------------------------------------------------
// Routing state: what survives from one call to the next

// Round-robin positions per ring group and the random generator's state. Groups are keyed by
// their step path ("main/2"), so positions survive recompiling the tenant. Not thread-safe:
// a host routing concurrent calls serialises access (or keeps one state per worker).
class RoutingState {
 public:
  RoutingState() = default;
  explicit RoutingState(std::uint64_t seed) : random_(seed) {}

  // The member (as written in the group) after whom the group's next call starts; nullopt
  // when the group has no position yet (it starts with its first member).
  std::optional<std::string_view> round_robin(std::string_view group_path) const;
  void set_round_robin(std::string_view group_path, std::string_view member);
  const std::map<std::string, std::string, std::less<>>& round_robin_positions() const {
    return round_robin_;
  }

  // The random generator's state; each call that reaches a `random` group draws from it and
  // advances it. set_seed() restarts it (the simulator's --seed).
  std::uint64_t random_state() const { return random_; }
  void set_seed(std::uint64_t seed) { random_ = seed; }
  std::uint64_t next_random();  // advances the state (splitmix64); deterministic everywhere

  // {"version": 1, "round_robin": {"main/2": "002"}, "random": 42}
  std::string to_json() const;
  // Throws callplan::Error when `text` is not such an object.
  static RoutingState from_json(std::string_view text);

  friend bool operator==(const RoutingState&, const RoutingState&) = default;

 private:
  std::map<std::string, std::string, std::less<>> round_robin_;
  std::uint64_t random_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Legs and actions

using LegId = std::uint32_t;  // unique within one call, from 0

// One thing being rung: a user (all their available devices: the host forks to every
// registered contact) or an external number (through the trunk).
struct Leg {
  enum class Kind : std::uint8_t { user, external };
  LegId id = 0;
  Kind kind = Kind::user;
  UserIndex user = kNoUser;     // user legs
  std::string_view target;      // extension, or the number as written in the tenant file
  std::string_view dial;        // what to dial: extension, or the number in E.164
  std::string_view caller_id;   // what the rung phone shows (SPEC 3.8)
};

struct Action {
  enum class Kind : std::uint8_t {
    ring,           // start ringing `legs` (they ring until stopped; the session owns the timer)
    stop,           // stop ringing `legs` (CANCEL), `reason` says why
    play,           // play `audio` or speak `text` to the caller; the timeline goes on when it
                    // has played (`seconds`; see "Prompts" above)
    collect_digit,  // play `audio` or speak `text` (the menu prompt), then report one digit, or
                    // nothing: the session waits `timeout` seconds after the prompt has played
    voicemail,      // connect the caller to `user`'s mailbox; the call has ended
    connect,        // bridge the caller with the answered leg `legs[0]`; the call has ended
    end,            // end the call (hang up / reject / unanswered): see outcome()
  };
  Kind kind = Kind::end;
  std::span<const LegId> legs;  // ring, stop, connect
  std::uint32_t timeout = 0;    // ring: seconds the legs will ring; collect_digit: seconds to wait
  StopReason reason = StopReason::timeout;  // stop
  std::string_view audio;       // play, collect_digit: an audio file as the tenant names it
  std::string_view text;        // play, collect_digit: words to speak (when `audio` is empty)
  std::uint32_t seconds = 0;    // play, collect_digit: the prompt's length (SPEC 3.9), whole
                                // seconds rounded up; 0 when unknown
  UserIndex user = kNoUser;     // voicemail
};

// How the call ended. Strings view into the Engine, except `by` of an outbound call, which
// views the dialled number the host passed in (Call::to, Scenario::to): valid while both live.
struct CallOutcome {
  Disposition disposition = Disposition::unanswered;
  std::string_view by;      // answered: the target that answered (extension or number)
  std::string_view user;    // voicemail: the mailbox's extension
  RejectReason reason = RejectReason::unknown_number;  // rejected
  std::uint32_t t = 0;      // seconds since the call started
};

class TraceListener;  // trace.hpp: receives the call's trace events (SPEC section 5)

// ---------------------------------------------------------------------------------------------
// The session

struct CallSetup {
  Caller caller;
  std::string_view to;                 // dialled: tenant number, extension or external number
  Instant at{};                        // when the call starts (for time conditions)
  std::span<const Presence> presence;  // by UserIndex; users beyond its end are available.
                                       // Read when a step starts, so a host may update it.
  RoutingState* state = nullptr;       // round-robin positions and random state; nullptr: a
                                       // fresh state for this call only
  TraceListener* trace = nullptr;      // optional; called during the session's functions
};

// Who decides when a prompt has played (see "Prompts" at the top of this file).
enum class PromptClock : std::uint8_t {
  session,  // the session times prompts by their known length (default)
  host,     // the host reports the end of each prompt with prompt_ended()
};

namespace detail {
struct SessionState;
}

class CallSession {
 public:
  // The session keeps `engine` alive. Throws callplan::Error when it is null.
  explicit CallSession(std::shared_ptr<const Engine> engine);
  ~CallSession();
  CallSession(CallSession&&) noexcept;
  CallSession& operator=(CallSession&&) noexcept;

  // The kinds of action this host carries out; the session queues only those (by default all
  // of them). For a host that acts on a few kinds only and needs no copy of the rest: the
  // simulator presses scripted digits at menu prompts and learns which legs ring from legs(),
  // so it sets {collect_digit} and saves building and handing out every other action (about a
  // quarter of its routing time, docs/performance.md). Kept across calls and by reset(). Set
  // it between calls: a kind turned off mid-call loses the actions already due.
  void set_actions(std::initializer_list<Action::Kind> kinds);

  // Who says when prompts end (default PromptClock::session). Kept across calls and by
  // reset(); set it between calls.
  void set_prompt_clock(PromptClock clock);
  PromptClock prompt_clock() const;

  // Uses another engine for the next call (e.g. after a reload). Not during a call.
  void reset(std::shared_ptr<const Engine> engine);
  const std::shared_ptr<const Engine>& engine() const;

  // Starts routing a call at second 0, ending whatever call the session had. Entry decisions
  // (SPEC 3.1) and every zero-time step are taken at once; fetch their actions with
  // next_action(). `setup`'s spans and pointers must stay valid until the call ends.
  void start(const CallSetup& setup);

  // The next action to carry out, in order; nullopt when the host has to wait for an event
  // or a timer. The action's spans are valid until the next call of any session function.
  std::optional<Action> next_action();

  // Seconds from now() until the session must be woken by advance_to(); nullopt when it waits
  // for events only, or has ended.
  std::optional<std::uint32_t> wake_in() const;
  std::uint32_t now() const;  // seconds since the call started

  // Events. `t` is seconds since the call started and never goes back; reports about legs
  // that are no longer ringing, and every report after the call ended, are ignored.
  void answered(LegId leg, std::uint32_t t);
  void busy(LegId leg, std::uint32_t t);     // the leg answered busy / rejected: it drops out
  void digit(char d, std::uint32_t t);       // only while a collect_digit is pending (also
                                             // while its prompt plays: barge-in)
  // PromptClock::host: the prompt of the last `play` or `collect_digit` action has played
  // (or could not be played). Ignored under PromptClock::session, when no prompt is playing,
  // and after the call ended.
  void prompt_ended(std::uint32_t t);
  void caller_hung_up(std::uint32_t t);
  void advance_to(std::uint32_t t);          // fires every timer due at or before t

  bool ended() const;
  CallOutcome outcome() const;               // meaningful once ended()

  // Details of a leg of this call (any leg an action has named). Throws callplan::Error when
  // the call has no such leg.
  const Leg& leg(LegId id) const;
  // Every leg of this call so far, indexed by LegId: ids run 0, 1, 2, ... in the order the
  // legs started ringing, so the legs of a ring action are those added since the one before.
  // Valid until the next call of any session function.
  std::span<const Leg> legs() const;
  // Legs ringing now.
  std::span<const LegId> ringing() const;

 private:
  std::unique_ptr<detail::SessionState> s_;
};

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
