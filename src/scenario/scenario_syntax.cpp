// The library's text forms of a call (SPEC 5): presence lists, answer lists, instants; the
// functions declared in callplan/simulate.hpp, read with the call-scenario module's grammar.
#include "callplan/error.hpp"
#include "callplan/simulate.hpp"
#include "scenario/call_text.hpp"
#include "schedule/instant.hpp"
#include "scenario/targets.hpp"

namespace callplan {

// The grammar and the presence words are the call-scenario module's (src/scenario), so that a
// scenario written for the library reads exactly as the same text given to `callplan
// simulate`. Without an engine there are no extensions to check them against: the
// Simulator reports an unknown one when it runs the call.
std::vector<std::pair<std::string, Presence>> parse_presence_list(std::string_view text) {
  std::vector<std::pair<std::string, Presence>> out;
  for (auto [extension, state] : detail::split_presence_text(text, "presence")) {
    auto p = detail::scripted_presence(state);
    if (!p) throw Error(detail::unknown_state(state, extension, "presence").text());
    out.emplace_back(std::string(extension), *p);
  }
  return out;
}

std::vector<ScriptedAnswer> parse_answer_list(std::string_view text) {
  std::vector<ScriptedAnswer> out;
  for (const detail::AnswerItem& item : detail::split_answer_text(text, "answer")) {
    ScriptedAnswer& a = out.emplace_back();
    a.target = std::string(item.target);
    a.busy = item.busy;
    a.after_seconds = item.after_seconds;
  }
  return out;
}

Instant parse_call_instant(std::string_view text, const Engine& engine) {
  std::string error;
  auto at = detail::parse_instant(text, engine.timezone(), &error);
  if (!at) {
    throw Error("--at `" + std::string(text) + "`: " +
                (error.empty() ? std::string("not an instant; write ") +
                                     std::string(detail::kInstantForms)
                               : error));
  }
  return *at;
}

}  // namespace callplan
