// callplan/trace.hpp — the recorded story of one simulated call (SPEC section 5).
//
//   callplan::Trace trace = callplan::simulate(engine, scenario, state);   // simulate.hpp
//   std::string json = trace.to_json();    // the JSON trace of SPEC 5, field for field
//   std::string text = trace.to_text();    // a readable timeline
//
// A Trace owns its strings: it stays valid after the engine that produced it is gone.
// TraceRecorder is the TraceListener that builds one from a CallSession's events.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "callplan/export.hpp"
#include "callplan/session.hpp"

CALLPLAN_PUBLIC_API_BEGIN

namespace callplan {

// One event, owned. Fields a type does not use are empty / zero.
struct TraceRecord {
  std::uint32_t t = 0;
  TraceType type = TraceType::plan;
  std::string step;
  std::string source;
  std::string label;
  std::string plan;
  std::string schedule;
  bool matched = false;
  std::vector<std::string> targets;
  std::uint32_t timeout = 0;
  std::string caller_id;
  std::string target;
  std::string reason;
  std::string by;
  std::string user;
  std::string audio;
  std::string text;
  MenuEvent menu = MenuEvent::prompt;
  std::string digit;
  std::uint32_t attempt = 0;

  friend bool operator==(const TraceRecord&, const TraceRecord&) = default;
};

struct TraceCall {
  std::string from;
  std::string to;
  std::string at;  // ISO 8601 local time in the tenant's zone, with offset
};

struct TraceResult {
  Disposition disposition = Disposition::unanswered;
  std::string by;      // answered
  std::string user;    // voicemail
  std::string reason;  // rejected
  std::uint32_t t = 0;
};

class Trace {
 public:
  TraceCall call;
  std::vector<TraceRecord> events;
  TraceResult result;

  // The JSON object of SPEC 5: {"call": ..., "events": [...], "result": ...}. Keys in the
  // documented order; `indent` < 0 gives one line.
  std::string to_json(int indent = 2) const;

  // A readable timeline, one line per event, then the result.
  std::string to_text() const;

  // The targets of every `ring` event, in order (plan tests' `rings:`).
  std::vector<std::vector<std::string>> rings() const;
};

// Records a session's events into `trace.events`.
class TraceRecorder final : public TraceListener {
 public:
  explicit TraceRecorder(Trace& trace) : trace_(trace) {}
  void on_event(const TraceEvent& event) override;

 private:
  Trace& trace_;
};

}  // namespace callplan

CALLPLAN_PUBLIC_API_END
