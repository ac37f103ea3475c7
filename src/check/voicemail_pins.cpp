// CP219, CP220: mailbox PINs (SPEC 10, `*98`). The loader has checked the form (4-10 digits);
// these rules catch PINs that protect nothing: one a caller guesses first, and one for a
// mailbox that does not exist.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "check/rules.hpp"

namespace callplan::check_detail {

namespace {

// Why `pin` is among the first a stranger tries, or empty when it is not.
std::string trivial_reason(std::string_view pin, std::string_view extension) {
  if (pin == extension) return "it is the user's own extension";
  if (std::all_of(pin.begin(), pin.end(), [&](char c) { return c == pin.front(); })) {
    return "all its digits are the same";
  }
  auto steps_by = [&](int step) {
    for (std::size_t i = 1; i < pin.size(); ++i) {
      if (pin[i] - pin[i - 1] != step) return false;
    }
    return true;
  };
  if (steps_by(1)) return "its digits count up";
  if (steps_by(-1)) return "its digits count down";
  // The extension repeated or padded ("001001", "0001") is guessed as early as the extension.
  if (!extension.empty() && pin.find(extension) != std::string_view::npos) {
    return "it contains the user's extension";
  }
  return {};
}

}  // namespace

void check_voicemail_pins(Context& cx) {
  for (const User& user : cx.tenant().users) {
    const Located<std::string>& pin = user.voicemail_pin;
    if (pin.value.empty()) continue;
    if (!user.voicemail.value) {
      Issue& issue = cx.report(
          "CP220",
          fmt::format("user {} has a voicemail PIN but no voicemail, so the PIN opens nothing",
                      user.extension.value),
          pin.where, user.where);
      issue.hints.push_back("add `voicemail: true`, or remove `voicemail_pin`");
    }
    const std::string why = trivial_reason(pin.value, user.extension.value);
    if (!why.empty()) {
      Issue& issue = cx.report(
          "CP219",
          fmt::format("the voicemail PIN of user {} is easy to guess: {}", user.extension.value,
                      why),
          pin.where, user.where);
      issue.hints.push_back("choose 6 or more digits without a pattern");
    }
  }
}

}  // namespace callplan::check_detail
