// The option syntax of `callplan simulate` (SPEC 5): presence lists, answer lists, instants.
#include <charconv>

#include "callplan/error.hpp"
#include "callplan/simulate.hpp"
#include "plantest/instant.hpp"

namespace callplan {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls `f` with every non-empty comma-separated item.
template <class F>
void for_each_item(std::string_view text, F f) {
  while (!text.empty()) {
    std::size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    if (!item.empty()) f(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
}

}  // namespace

std::vector<std::pair<std::string, Presence>> parse_presence_list(std::string_view text) {
  std::vector<std::pair<std::string, Presence>> out;
  for_each_item(text, [&](std::string_view item) {
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw Error("presence `" + std::string(item) + "`: write EXTENSION=STATE, e.g. 002=busy");
    }
    std::string_view state = trim(item.substr(eq + 1));
    auto p = parse_presence(state);
    if (!p) {
      throw Error("presence `" + std::string(item) + "`: `" + std::string(state) +
                  "` is not a state (available, offline, busy, dnd, no_device)");
    }
    out.emplace_back(std::string(trim(item.substr(0, eq))), *p);
  });
  return out;
}

std::vector<ScriptedAnswer> parse_answer_list(std::string_view text) {
  std::vector<ScriptedAnswer> out;
  for_each_item(text, [&](std::string_view item) {
    std::size_t at = item.find('@');
    std::size_t eq = item.find('=');
    ScriptedAnswer a;
    if (eq != std::string_view::npos && at == std::string_view::npos) {
      if (trim(item.substr(eq + 1)) != "busy") {
        throw Error("answer `" + std::string(item) + "`: after `=` only `busy` is allowed");
      }
      a.target = std::string(trim(item.substr(0, eq)));
      a.busy = true;
    } else if (at != std::string_view::npos) {
      std::string_view secs = trim(item.substr(at + 1));
      auto [end, ec] = std::from_chars(secs.data(), secs.data() + secs.size(), a.after_seconds);
      if (ec != std::errc() || end != secs.data() + secs.size()) {
        throw Error("answer `" + std::string(item) + "`: `" + std::string(secs) +
                    "` is not a whole number of seconds");
      }
      a.target = std::string(trim(item.substr(0, at)));
    } else {
      throw Error("answer `" + std::string(item) + "`: write X@SECONDS or X=busy, e.g. 001@5");
    }
    if (a.target.empty()) throw Error("answer `" + std::string(item) + "`: who answers?");
    out.push_back(std::move(a));
  });
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
