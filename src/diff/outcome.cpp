#include "diff/outcome.hpp"

#include <algorithm>
#include <set>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "callplan/graph.hpp"

namespace callplan::diff_detail {
namespace {

std::vector<std::string> canonical_targets(const std::vector<std::string>& targets,
                                           const Engine& engine) {
  std::vector<std::string> out;
  for (const std::string& t : targets) {
    out.push_back(engine.find_user(t) ? t : engine.normalise_number(t));
  }
  // Legs started together ring together: their order in the event is placement order,
  // which no caller can hear.
  std::sort(out.begin(), out.end());
  return out;
}

std::string shown(const std::string& target, const Engine& engine) {
  return engine.find_user(target) ? target : display_number(engine.normalise_number(target));
}

std::string audio_or_text(const AnnouncementEvent& a) {
  return a.audio.empty() ? fmt::format("\"{}\"", a.text) : a.audio;
}

// Builds "Sales [002 15 s → +003 15 s → +004 15 s]" style summaries: one part per ringing
// step, each turn with the legs it starts ("+" when earlier legs of the step still ring).
class Summary {
 public:
  explicit Summary(const Engine& engine) : engine_(engine) {}

  void ring(const TraceEvent& e, const RingEvent& r) {
    if (e.step != step_) {
      flush();
      step_ = e.step;
      label_ = e.label;
    }
    std::vector<std::string> names;
    for (const std::string& t : r.targets) names.push_back(shown(t, engine_));
    std::string turn = fmt::format("{}{}", ringing_.empty() ? "" : "+", fmt::join(names, " & "));
    if (r.timeout > 0) turn += fmt::format(" {} s", r.timeout);
    turns_.push_back(std::move(turn));
    for (const std::string& t : r.targets) ringing_.insert(t);
  }
  void stop(const StopEvent& r) {
    for (const std::string& t : r.targets) ringing_.erase(t);
  }
  void part(std::string text) {
    flush();
    parts_.push_back(std::move(text));
  }
  std::string finish() {
    flush();
    return fmt::format("{}", fmt::join(parts_, ", then "));
  }

 private:
  void flush() {
    if (turns_.empty()) return;
    std::string body = fmt::format("{}", fmt::join(turns_, " → "));
    parts_.push_back(label_.empty() ? fmt::format("ring {}", body)
                                    : fmt::format("{} [{}]", label_, body));
    turns_.clear();
    ringing_.clear();
    step_.clear();
    label_.clear();
  }

  const Engine& engine_;
  std::string step_;
  std::string label_;
  std::vector<std::string> turns_;
  std::set<std::string> ringing_;
  std::vector<std::string> parts_;
};

}  // namespace

Observed observe(const Trace& trace, const Engine& engine) {
  Observed o;
  Summary summary(engine);
  std::vector<std::string>& ev = o.call.events;
  for (const TraceEvent& e : trace.events) {
    std::visit(
        Overloaded{
            [&](const RingEvent& r) {
              auto targets = canonical_targets(r.targets, engine);
              std::string line =
                  fmt::format("{} ring {} for {}", e.t, fmt::join(targets, " "), r.timeout);
              if (!r.caller_id.empty()) line += " showing " + engine.normalise_number(r.caller_id);
              ev.push_back(std::move(line));
              for (const std::string& t : r.targets) {
                if (engine.find_user(t) &&
                    std::find(o.rung_users.begin(), o.rung_users.end(), t) == o.rung_users.end()) {
                  o.rung_users.push_back(t);
                }
              }
              summary.ring(e, r);
            },
            [&](const StopEvent& r) {
              ev.push_back(fmt::format("{} stop {} ({})", e.t,
                                       fmt::join(canonical_targets(r.targets, engine), " "),
                                       to_string(r.reason)));
              summary.stop(r);
            },
            [&](const AnnouncementEvent& a) {
              ev.push_back(fmt::format("{} play {}", e.t, audio_or_text(a)));
              summary.part(fmt::format("announcement {}", audio_or_text(a)));
            },
            [&](const MenuPromptEvent& m) {
              ++o.prompts;
              const std::string prompt =
                  m.prompt.empty() ? fmt::format("\"{}\"", m.prompt_text) : m.prompt;
              ev.push_back(fmt::format("{} menu prompt {} waits {}", e.t, prompt, m.timeout));
              if (m.attempt <= 1) summary.part(fmt::format("menu {}", prompt));
            },
            [&](const MenuDigitEvent& m) {
              ev.push_back(fmt::format("{} menu digit {}", e.t, m.digit));
            },
            [&](const MenuInvalidEvent& m) {
              ev.push_back(fmt::format("{} menu invalid digit {}", e.t, m.digit));
            },
            [&](const MenuTimeoutEvent&) { ev.push_back(fmt::format("{} menu no digit", e.t)); },
            [&](const VoicemailEvent& v) {
              ev.push_back(fmt::format("{} voicemail {}", e.t, v.user));
            },
            [&](const HangupEvent&) { ev.push_back(fmt::format("{} hangup", e.t)); },
            // Not noticeable by anyone: which plan or schedule decided, who was skipped (a
            // skipped user's phone does not ring either way), loops the engine avoided.
            [](const PlanEvent&) {},
            [](const ConditionEvent&) {},
            [](const SkipEvent&) {},
            [](const LoopEvent&) {},
            [](const AnswerEvent&) {},
            [](const RejectEvent&) {},
        },
        e.what);
  }
  const TraceResult& res = trace.result;
  std::string end;
  switch (res.disposition) {
    case Disposition::answered: end = fmt::format("answered by {}", shown(res.by, engine)); break;
    case Disposition::voicemail: end = fmt::format("voicemail {}", res.user); break;
    case Disposition::hangup: end = "hang up"; break;
    case Disposition::unanswered: end = "unanswered"; break;
    case Disposition::abandoned: end = "abandoned"; break;
    case Disposition::rejected:
      end = fmt::format("rejected ({})", res.reason);
      std::replace(end.begin(), end.end(), '_', ' ');
      break;
  }
  ev.push_back(fmt::format("{} end {}", res.t, end));
  summary.part(res.t > 0 && res.disposition != Disposition::rejected
                   ? fmt::format("{} at {} s", end, res.t)
                   : end);
  o.call.summary = summary.finish();
  return o;
}

}  // namespace callplan::diff_detail
