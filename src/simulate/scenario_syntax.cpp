// The option syntax of `callplan simulate` (SPEC 5): presence lists, answer lists, instants.
#include <fmt/format.h>

#include "callplan/error.hpp"
#include "callplan/simulate.hpp"
#include "plantest/instant.hpp"
#include "simulate/option_text.hpp"

namespace callplan {

// The grammar is the CLI's (simulate/option_text.hpp), so that a scenario written for the
// library reads exactly as the same text given to `callplan simulate`.
std::vector<std::pair<std::string, Presence>> parse_presence_list(std::string_view text) {
  std::vector<std::pair<std::string, Presence>> out;
  for (auto [extension, state] : detail::split_presence_text(text, "presence")) {
    auto p = parse_presence(state);
    if (!p) {
      throw Error(fmt::format("presence: unknown state `{}` for {} (states: available, offline, "
                              "busy, dnd, no_device)",
                              state, extension));
    }
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
