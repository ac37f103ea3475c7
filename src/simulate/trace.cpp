// Trace: recording session events, and writing them as the JSON of SPEC 5 or as text. Each
// output is one visitor over the event types (trace.hpp), so a type added there and not here
// does not compile.
#include "callplan/trace.hpp"

#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "callplan/engine.hpp"

namespace callplan {

void TraceRecorder::on_event(TraceEvent&& event) { trace_.events.push_back(std::move(event)); }

std::string_view type_name(const TraceDetail& what) {
  return std::visit([](const auto& e) { return std::remove_cvref_t<decltype(e)>::kType; }, what);
}

namespace {

using Json = nlohmann::ordered_json;

std::string digit_text(char digit) { return std::string(1, digit); }

// The type's own keys, in the documented order (t and type come before, step and source after).
void add_fields(Json& j, const TraceDetail& what) {
  std::visit(Overloaded{
                 [&](const PlanEvent& e) { j["plan"] = e.plan; },
                 [&](const ConditionEvent& e) {
                   j["schedule"] = e.schedule;
                   j["matched"] = e.matched;
                 },
                 [&](const MenuPromptEvent& e) {
                   if (!e.prompt.empty()) j["prompt"] = e.prompt;
                   if (!e.prompt_text.empty()) j["prompt_text"] = e.prompt_text;
                   j["seconds"] = e.seconds;
                   j["attempt"] = e.attempt;
                   j["timeout"] = e.timeout;
                 },
                 [&](const MenuDigitEvent& e) { j["digit"] = digit_text(e.digit); },
                 [&](const MenuInvalidEvent& e) {
                   j["digit"] = digit_text(e.digit);
                   j["invalid"] = true;
                 },
                 [&](const MenuTimeoutEvent&) { j["no_digit"] = true; },
                 [&](const RingEvent& e) {
                   j["targets"] = e.targets;
                   j["timeout"] = e.timeout;
                   if (!e.caller_id.empty()) j["caller_id"] = e.caller_id;
                 },
                 [&](const SkipEvent& e) {
                   j["target"] = e.target;
                   j["reason"] = to_string(e.reason);
                 },
                 [&](const StopEvent& e) {
                   j["targets"] = e.targets;
                   j["reason"] = to_string(e.reason);
                 },
                 [&](const AnswerEvent& e) { j["by"] = e.by; },
                 [&](const AnnouncementEvent& e) {
                   if (!e.audio.empty()) j["audio"] = e.audio;
                   if (!e.text.empty()) j["text"] = e.text;
                   j["seconds"] = e.seconds;
                 },
                 [&](const VoicemailEvent& e) { j["user"] = e.user; },
                 [&](const LoopEvent& e) {
                   j["plan"] = e.plan;
                   j["reason"] = to_string(e.reason);
                 },
                 [&](const HangupEvent&) {},
                 [&](const RejectEvent& e) { j["reason"] = to_string(e.reason); },
             },
             what);
}

Json event_json(const TraceEvent& e) {
  Json j;
  j["t"] = e.t;
  j["type"] = e.type();
  add_fields(j, e.what);
  if (!e.step.empty()) j["step"] = e.step;
  if (!e.source.empty()) j["source"] = e.source;
  return j;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

}  // namespace

std::string describe(const TraceDetail& what) {
  return std::visit(
      Overloaded{
          [](const PlanEvent& e) { return fmt::format("enter plan {}", e.plan); },
          [](const ConditionEvent& e) {
            return fmt::format("schedule {} {}", e.schedule,
                               e.matched ? "matches" : "does not match");
          },
          [](const MenuPromptEvent& e) {
            std::string played = e.prompt.empty() ? fmt::format("say \"{}\"", e.prompt_text)
                                                : fmt::format("play {}", e.prompt);
            return fmt::format("menu: {} ({} s), wait {} s (attempt {})", played,
                               e.seconds, e.timeout, e.attempt);
          },
          [](const MenuDigitEvent& e) { return fmt::format("menu: caller pressed {}", e.digit); },
          [](const MenuInvalidEvent& e) {
            return fmt::format("menu: caller pressed {}, no such option", e.digit);
          },
          [](const MenuTimeoutEvent&) { return std::string("menu: no digit"); },
          [](const RingEvent& e) {
            return e.caller_id.empty()
                       ? fmt::format("ring {} for {} s", join(e.targets), e.timeout)
                       : fmt::format("ring {} for {} s showing {}", join(e.targets), e.timeout,
                                     e.caller_id);
          },
          [](const SkipEvent& e) {
            return fmt::format("skip {} ({})", e.target, to_string(e.reason));
          },
          [](const StopEvent& e) {
            return fmt::format("stop {} ({})", join(e.targets), to_string(e.reason));
          },
          [](const AnswerEvent& e) { return fmt::format("answered by {}", e.by); },
          [](const AnnouncementEvent& e) {
            return e.audio.empty() ? fmt::format("announce \"{}\" ({} s)", e.text, e.seconds)
                                   : fmt::format("play {} ({} s)", e.audio, e.seconds);
          },
          [](const VoicemailEvent& e) { return fmt::format("voicemail of {}", e.user); },
          [](const LoopEvent& e) {
            switch (e.reason) {
              case LoopReason::loop:
                return fmt::format("skip: the call is already in plan {}", e.plan);
              case LoopReason::max_plans: break;
            }
            return fmt::format("skip: the call entered {} plans already, not entering {}",
                               kMaxPlansPerCall, e.plan);
          },
          [](const HangupEvent&) { return std::string("hang up"); },
          [](const RejectEvent& e) { return fmt::format("rejected ({})", to_string(e.reason)); },
      },
      what);
}

std::string Trace::to_json(int indent) const {
  Json j;
  j["call"] = {{"from", call.from}, {"to", call.to}, {"at", call.at}};
  j["events"] = Json::array();
  for (const TraceEvent& e : events) j["events"].push_back(event_json(e));
  Json res;
  res["disposition"] = std::string(to_string(result.disposition));
  switch (result.disposition) {
    case Disposition::answered: res["by"] = result.by; break;
    case Disposition::voicemail: res["user"] = result.user; break;
    case Disposition::rejected: res["reason"] = result.reason; break;
    default: break;
  }
  res["t"] = result.t;
  j["result"] = std::move(res);
  return j.dump(indent);
}

std::string Trace::to_text() const {
  std::string out = fmt::format("call from {} to {} at {}\n", call.from, call.to, call.at);
  for (const TraceEvent& e : events) {
    std::string where = e.step;
    if (!e.label.empty()) where += fmt::format(" \"{}\"", e.label);
    std::string line = fmt::format("  {:>4}s  {:<58} {}", e.t, describe(e.what), where);
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + '\n';
  }
  out += fmt::format("result: {}", to_string(result.disposition));
  switch (result.disposition) {
    case Disposition::answered: out += fmt::format(" by {}", result.by); break;
    case Disposition::voicemail: out += fmt::format(" in the mailbox of {}", result.user); break;
    case Disposition::rejected: out += fmt::format(" ({})", result.reason); break;
    default: break;
  }
  out += fmt::format(" at {} s\n", result.t);
  return out;
}

std::vector<std::vector<std::string>> Trace::rings() const {
  std::vector<std::vector<std::string>> out;
  for (const TraceEvent& e : events) {
    if (const auto* ring = std::get_if<RingEvent>(&e.what)) out.push_back(ring->targets);
  }
  return out;
}

}  // namespace callplan
