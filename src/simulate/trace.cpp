// Trace: recording session events, and writing them as the JSON of SPEC 5 or as text.
#include "callplan/trace.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace callplan {

void TraceRecorder::on_event(const TraceEvent& e) {
  TraceRecord r;
  r.t = e.t;
  r.type = e.type;
  r.step = e.step;
  r.source = e.source;
  r.label = e.label;
  r.plan = e.plan;
  r.schedule = e.schedule;
  r.matched = e.matched;
  r.targets.assign(e.targets.begin(), e.targets.end());
  r.timeout = e.timeout;
  r.caller_id = e.caller_id;
  r.target = e.target;
  r.reason = e.reason;
  r.by = e.by;
  r.user = e.user;
  r.audio = e.audio;
  r.text = e.text;
  r.menu = e.menu;
  if (e.digit != 0) r.digit = std::string(1, e.digit);
  r.attempt = e.attempt;
  trace_.events.push_back(std::move(r));
}

namespace {

using Json = nlohmann::ordered_json;

// Keys in a fixed order per type: t, type, what happened, then where (step, source).
Json event_json(const TraceRecord& r) {
  Json j;
  j["t"] = r.t;
  j["type"] = std::string(to_string(r.type));
  switch (r.type) {
    case TraceType::plan:
      j["plan"] = r.plan;
      break;
    case TraceType::condition:
      j["schedule"] = r.schedule;
      j["matched"] = r.matched;
      break;
    case TraceType::menu:
      switch (r.menu) {
        case MenuEvent::prompt:
          j["prompt"] = r.audio;
          j["attempt"] = r.attempt;
          j["timeout"] = r.timeout;
          break;
        case MenuEvent::digit:
          j["digit"] = r.digit;
          break;
        case MenuEvent::invalid:
          j["digit"] = r.digit;
          j["invalid"] = true;
          break;
        case MenuEvent::timeout:
          j["no_digit"] = true;
          break;
      }
      break;
    case TraceType::ring:
      j["targets"] = r.targets;
      j["timeout"] = r.timeout;
      if (!r.caller_id.empty()) j["caller_id"] = r.caller_id;
      break;
    case TraceType::skip:
      j["target"] = r.target;
      j["reason"] = r.reason;
      break;
    case TraceType::stop:
      j["targets"] = r.targets;
      j["reason"] = r.reason;
      break;
    case TraceType::answer:
      j["by"] = r.by;
      break;
    case TraceType::announcement:
      if (!r.audio.empty()) j["audio"] = r.audio;
      if (!r.text.empty()) j["text"] = r.text;
      break;
    case TraceType::voicemail:
      j["user"] = r.user;
      break;
    case TraceType::loop:
      j["plan"] = r.plan;
      j["reason"] = r.reason;
      break;
    case TraceType::hangup:
      break;
    case TraceType::reject:
      j["reason"] = r.reason;
      break;
  }
  if (!r.step.empty()) j["step"] = r.step;
  if (!r.source.empty()) j["source"] = r.source;
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

std::string describe(const TraceRecord& r) {
  switch (r.type) {
    case TraceType::plan: return fmt::format("enter plan {}", r.plan);
    case TraceType::condition:
      return fmt::format("schedule {} {}", r.schedule, r.matched ? "matches" : "does not match");
    case TraceType::menu:
      switch (r.menu) {
        case MenuEvent::prompt:
          return fmt::format("menu: play {} (attempt {}), wait {} s for a digit", r.audio,
                             r.attempt, r.timeout);
        case MenuEvent::digit: return fmt::format("menu: caller pressed {}", r.digit);
        case MenuEvent::invalid: return fmt::format("menu: caller pressed {}, no such option", r.digit);
        case MenuEvent::timeout: return "menu: no digit";
      }
      break;
    case TraceType::ring:
      return r.caller_id.empty()
                 ? fmt::format("ring {} for {} s", join(r.targets), r.timeout)
                 : fmt::format("ring {} for {} s showing {}", join(r.targets), r.timeout,
                               r.caller_id);
    case TraceType::skip: return fmt::format("skip {} ({})", r.target, r.reason);
    case TraceType::stop: return fmt::format("stop {} ({})", join(r.targets), r.reason);
    case TraceType::answer: return fmt::format("answered by {}", r.by);
    case TraceType::announcement:
      return r.audio.empty() ? fmt::format("announce \"{}\"", r.text)
                             : fmt::format("play {}", r.audio);
    case TraceType::voicemail: return fmt::format("voicemail of {}", r.user);
    case TraceType::loop:
      return r.reason == "loop"
                 ? fmt::format("skip: the call is already in plan {}", r.plan)
                 : fmt::format("skip: the call entered {} plans already, not entering {}",
                               kMaxPlansPerCall, r.plan);
    case TraceType::hangup: return "hang up";
    case TraceType::reject: return fmt::format("rejected ({})", r.reason);
  }
  return {};
}

}  // namespace

std::string Trace::to_json(int indent) const {
  Json j;
  j["call"] = {{"from", call.from}, {"to", call.to}, {"at", call.at}};
  j["events"] = Json::array();
  for (const TraceRecord& r : events) j["events"].push_back(event_json(r));
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
  for (const TraceRecord& r : events) {
    std::string where = r.step;
    if (!r.label.empty()) where += fmt::format(" \"{}\"", r.label);
    std::string line = fmt::format("  {:>4}s  {:<58} {}", r.t, describe(r), where);
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
  for (const TraceRecord& r : events) {
    if (r.type == TraceType::ring) out.push_back(r.targets);
  }
  return out;
}

}  // namespace callplan
