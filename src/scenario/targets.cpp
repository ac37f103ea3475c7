#include "scenario/targets.hpp"


#include <fmt/format.h>
#include <fmt/ranges.h>

#include "diagnostics/make_issue.hpp"
#include "model/words.hpp"

namespace callplan::detail {

std::string TargetProblem::text() const {
  return hint.empty() ? message : fmt::format("{} ({})", message, hint);
}

std::optional<Presence> scripted_presence(std::string_view state) {
  auto presence = parse_presence(state);
  if (presence == Presence::no_device) return std::nullopt;
  return presence;
}

TargetProblem unknown_state(std::string_view state, std::string_view extension,
                            std::string_view what) {
  std::string hint = did_you_mean(state, kScriptedPresenceWords);
  return {fmt::format("{}: unknown state `{}` for {}", what, state, extension),
          fmt::format("{}states: {}", hint.empty() ? "" : hint + " ",
                      fmt::join(kScriptedPresenceWords, ", "))};
}

bool looks_like_external_number(std::string_view text) {
  std::string_view digits = text.starts_with('+') ? text.substr(1) : text;
  return digits.size() > kMaxExtensionDigits && is_digits(digits);
}

TargetCheck::TargetCheck(const Engine& engine) : engine_(engine) {
  extensions_.reserve(engine.user_count());
  for (UserIndex u = 0; u < engine.user_count(); ++u) extensions_.push_back(engine.extension(u));
}

TargetProblem TargetCheck::unknown_extension(std::string_view text, std::string_view what) const {
  TargetProblem p{fmt::format("{}: no user has extension `{}`", what, text), {}};
  p.hint = did_you_mean(text, extensions_);
  if (p.hint.empty() && !extensions_.empty() && extensions_.size() <= 12) {
    std::string all;
    for (std::string_view e : extensions_) all += fmt::format("{}{}", all.empty() ? "" : ", ", e);
    p.hint = fmt::format("the tenant's extensions are {}", all);
  }
  return p;
}

std::optional<TargetProblem> TargetCheck::extension(std::string_view text,
                                                    std::string_view what) const {
  if (engine_.find_user(text)) return std::nullopt;
  return unknown_extension(text, what);
}

std::optional<TargetProblem> TargetCheck::target(std::string_view text,
                                                 std::string_view what) const {
  if (engine_.find_user(text) || looks_like_external_number(text)) return std::nullopt;
  if (is_extension(text)) return unknown_extension(text, what);
  return TargetProblem{
      fmt::format("{}: `{}` is neither an extension nor a phone number", what, text),
      "write phone numbers with digits only and an optional leading +, e.g. +31612345678"};
}

std::optional<TargetProblem> TargetCheck::caller(std::string_view text,
                                                 std::string_view what) const {
  if (text == "anonymous" || engine_.find_device(text)) return std::nullopt;
  return target(text, what);
}

std::optional<TargetProblem> TargetCheck::callee(std::string_view to, std::string_view from,
                                                 std::string_view what) const {
  if (engine_.find_number(to) || engine_.find_user(to)) return std::nullopt;
  if (is_extension(to)) {
    TargetProblem p = unknown_extension(to, what);
    p.routable = true;
    return p;
  }
  bool internal_caller = engine_.find_user(from) || engine_.find_device(from);
  if (internal_caller && looks_like_external_number(to)) return std::nullopt;  // outbound
  if (looks_like_external_number(to)) {
    return TargetProblem{
        fmt::format("{}: `{}` is not one of the tenant's numbers", what, to),
        "an external caller reaches only the tenant's numbers; a call from an extension may "
        "dial any number",
        true};
  }
  return TargetProblem{
      fmt::format("{}: `{}` is neither a number nor an extension", what, to),
      "write phone numbers with digits only and an optional leading +, e.g. +31881234567"};
}

}  // namespace callplan::detail
