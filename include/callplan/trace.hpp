// callplan/trace.hpp — the story of one call (SPEC section 5): its events, as a CallSession
// reports them and as a recorded Trace keeps them.
//
//   callplan::Trace trace = callplan::simulate(engine, scenario, state);   // simulate.hpp
//   std::string json = trace.to_json();    // the JSON trace of SPEC 5, field for field
//   std::string text = trace.to_text();    // a readable timeline
//   for (const callplan::TraceEvent& e : trace.events) {
//     if (const auto* ring = std::get_if<callplan::RingEvent>(&e.what)) { ... }
//   }
//
// One struct per event type holds exactly that type's fields, and TraceEvent holds one of them
// (a std::variant) next to what every event has (time, step, source, label). Code that handles
// events visits the variant, so a type it forgets is a compile error, not a silent empty field.
//
// Ownership: events own their strings. A CallSession builds one only when the call has a
// TraceListener, and hands it over (the listener may move from it). A Trace stays valid after
// the engine that produced it is gone. Not thread-safe: one thread writes a Trace at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "callplan/export.hpp"
#include "callplan/session.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

// ---------------------------------------------------------------------------------------------
// The events, one struct per type. Field names follow the JSON of SPEC 5 (docs/routing.md);
// kType is the event's JSON `type`.

struct PlanEvent {            // the call entered a plan; `step` is the plan id
  static constexpr std::string_view kType = "plan";
  std::string plan;
  friend bool operator==(const PlanEvent&, const PlanEvent&) = default;
};

struct ConditionEvent {       // a time condition was evaluated
  static constexpr std::string_view kType = "condition";
  std::string schedule;
  bool matched = false;
  friend bool operator==(const ConditionEvent&, const ConditionEvent&) = default;
};

struct MenuPromptEvent {      // a menu plays its prompt, then waits `timeout` for a digit
  static constexpr std::string_view kType = "menu";
  std::string prompt;         // the audio played (JSON `prompt`), or
  std::string prompt_text;    // the text spoken (JSON `prompt_text`)
  std::uint32_t attempt = 1;  // 1 for the first play
  std::uint32_t timeout = 0;  // seconds to wait after the prompt has ended
  std::uint32_t seconds = 0;  // how long the prompt plays (SPEC 3.9)
  friend bool operator==(const MenuPromptEvent&, const MenuPromptEvent&) = default;
};

struct MenuDigitEvent {       // the caller pressed a digit that has an option
  static constexpr std::string_view kType = "menu";
  char digit = 0;
  friend bool operator==(const MenuDigitEvent&, const MenuDigitEvent&) = default;
};

struct MenuInvalidEvent {     // the caller pressed a digit that has no option
  static constexpr std::string_view kType = "menu";
  char digit = 0;
  friend bool operator==(const MenuInvalidEvent&, const MenuInvalidEvent&) = default;
};

struct MenuTimeoutEvent {     // no digit came in time
  static constexpr std::string_view kType = "menu";
  friend bool operator==(const MenuTimeoutEvent&, const MenuTimeoutEvent&) = default;
};

struct RingEvent {            // legs started ringing
  static constexpr std::string_view kType = "ring";
  std::vector<std::string> targets;
  std::uint32_t timeout = 0;  // 0 for none
  std::string caller_id;      // set when the legs show something else than the caller
  friend bool operator==(const RingEvent&, const RingEvent&) = default;
};

struct SkipEvent {            // a member or target was not rung
  static constexpr std::string_view kType = "skip";
  std::string target;
  SkipReason reason = SkipReason::offline;
  friend bool operator==(const SkipEvent&, const SkipEvent&) = default;
};

struct StopEvent {            // legs stopped ringing
  static constexpr std::string_view kType = "stop";
  std::vector<std::string> targets;
  StopReason reason = StopReason::timeout;
  friend bool operator==(const StopEvent&, const StopEvent&) = default;
};

struct AnswerEvent {          // a leg answered
  static constexpr std::string_view kType = "answer";
  std::string by;
  friend bool operator==(const AnswerEvent&, const AnswerEvent&) = default;
};

struct AnnouncementEvent {    // audio played or text spoken to the caller (one of the two)
  static constexpr std::string_view kType = "announcement";
  std::string audio;
  std::string text;
  std::uint32_t seconds = 0;  // how long it plays; the next step starts at t + seconds
  friend bool operator==(const AnnouncementEvent&, const AnnouncementEvent&) = default;
};

struct VoicemailEvent {       // the caller went to a mailbox
  static constexpr std::string_view kType = "voicemail";
  std::string user;
  friend bool operator==(const VoicemailEvent&, const VoicemailEvent&) = default;
};

// Why a plan was not entered (trace `loop` events).
enum class LoopReason : std::uint8_t {
  loop,       // the call is in that plan already
  max_plans,  // the call entered kMaxPlansPerCall plans already
};
std::string_view to_string(LoopReason r);

struct LoopEvent {            // a plan was not entered
  static constexpr std::string_view kType = "loop";
  std::string plan;
  LoopReason reason = LoopReason::loop;
  friend bool operator==(const LoopEvent&, const LoopEvent&) = default;
};

struct HangupEvent {          // a hangup step ended the call
  static constexpr std::string_view kType = "hangup";
  friend bool operator==(const HangupEvent&, const HangupEvent&) = default;
};

struct RejectEvent {          // the call was refused at entry (SPEC 3.1); no step
  static constexpr std::string_view kType = "reject";
  RejectReason reason = RejectReason::unknown_number;
  friend bool operator==(const RejectEvent&, const RejectEvent&) = default;
};

using TraceDetail = std::variant<PlanEvent, ConditionEvent, MenuPromptEvent, MenuDigitEvent,
                                 MenuInvalidEvent, MenuTimeoutEvent, RingEvent, SkipEvent,
                                 StopEvent, AnswerEvent, AnnouncementEvent, VoicemailEvent,
                                 LoopEvent, HangupEvent, RejectEvent>;

// The JSON `type` of an event: "plan", "condition", "menu" (the four menu events), "ring", ...
std::string_view type_name(const TraceDetail& what);

// For std::visit over a TraceDetail with one lambda per event type:
//   std::visit(callplan::Overloaded{[](const RingEvent& e) { ... }, ...}, event.what);
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// One event: what every event has, and its type's own fields.
struct TraceEvent {
  std::uint32_t t = 0;   // seconds since the call started
  std::string step;      // path: "main/0/else/1"; the plan id for `plan`; empty for `reject`
  std::string source;    // "file:line:col" of the step; empty when not written in a file
  std::string label;     // the step's label (text timeline only, not JSON); empty when none
  TraceDetail what;

  std::string_view type() const { return type_name(what); }

  // One event's JSON object, as in Trace::to_json() (the label comes back empty). Throws
  // callplan::Error naming the key when `text` is not such an object.
  static TraceEvent from_json(std::string_view text);
  friend bool operator==(const TraceEvent&, const TraceEvent&) = default;
};

// Receives a call's events as they happen (CallSetup::trace). Called on the thread that drives
// the session, from inside the session's functions: it must not call into that session.
class TraceListener {
 public:
  virtual ~TraceListener() = default;
  // The event is the listener's: it may keep it (move from it).
  virtual void on_event(TraceEvent&& event) = 0;
};

// ---------------------------------------------------------------------------------------------
// A recorded trace

struct TraceCall {
  std::string from;
  std::string to;
  std::string at;  // ISO 8601 local time in the tenant's zone, with offset
  friend bool operator==(const TraceCall&, const TraceCall&) = default;
};

struct TraceResult {
  Disposition disposition = Disposition::unanswered;
  std::string by;      // answered
  std::string user;    // voicemail
  std::string reason;  // rejected
  std::uint32_t t = 0;
  friend bool operator==(const TraceResult&, const TraceResult&) = default;
};

class Trace {
 public:
  TraceCall call;
  std::vector<TraceEvent> events;
  TraceResult result;

  // The JSON object of SPEC 5: {"call": ..., "events": [...], "result": ...}. Keys in the
  // documented order; `indent` < 0 gives one line.
  std::string to_json(int indent = 2) const;

  // The inverse of to_json() (labels are not in JSON: they come back empty). Throws
  // callplan::Error naming the event and the key when `text` is not such a trace.
  static Trace from_json(std::string_view text);

  // A readable timeline, one line per event, then the result: what `callplan simulate` prints.
  std::string to_text() const;

  // The targets of every `ring` event, in order (plan tests' `rings:`).
  std::vector<std::vector<std::string>> rings() const;

  friend bool operator==(const Trace&, const Trace&) = default;
};

// What happened, in the words of the text timeline: "ring 001 002 for 15 s".
std::string describe(const TraceDetail& what);

// Records a session's events into `trace.events`.
class TraceRecorder final : public TraceListener {
 public:
  explicit TraceRecorder(Trace& trace) : trace_(trace) {}
  void on_event(TraceEvent&& event) override;

 private:
  Trace& trace_;
};

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
