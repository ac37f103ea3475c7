// The small words of the domain, defined once: what an extension is, what a DTMF key is, the
// presence and disposition words, a speech language.
//
// Internal to callplan (not installed): the loader, checker, compiler, router, flow graph, the
// call scenarios, the SIP host and the Python bindings all ask these, so that "is this an
// extension?" has one answer everywhere. Header-only and constexpr: every host can use them
// without linking against callplan's internal symbols. Phone numbers (E.164 and national
// forms) are in model/phone_number.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

namespace callplan {

// ASCII digits only, at least one.
constexpr bool is_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The lengths an extension may have (SPEC 2): an internal number of 2 to 6 digits. Anything
// longer made of digits is an external number.
inline constexpr std::size_t kMinExtensionDigits = 2;
inline constexpr std::size_t kMaxExtensionDigits = 6;

// An extension: 2-6 digits (SPEC 2), as opposed to an external number.
constexpr bool is_extension(std::string_view text) {
  return text.size() >= kMinExtensionDigits && text.size() <= kMaxExtensionDigits &&
         is_digits(text);
}

// The twelve keys of a phone's keypad that DTMF carries (RFC 4733 events 0-11): the menu
// digits of a tenant file and the digits a caller can press.
inline constexpr std::string_view kDtmfKeys = "0123456789*#";

// One of 0-9, * or #.
constexpr bool is_dtmf_key(char c) { return kDtmfKeys.find(c) != std::string_view::npos; }

// A text of exactly one DTMF key ("5", "#"): a menu option's `digit`, a key a host reports.
constexpr bool is_dtmf_key(std::string_view text) {
  return text.size() == 1 && is_dtmf_key(text[0]);
}

// The words of a user's presence (SPEC 5), in the order of callplan::Presence
// (callplan/session.hpp): kPresenceWords[i] is to_string(Presence(i)).
inline constexpr std::array<std::string_view, 5> kPresenceWords = {"available", "offline", "busy",
                                                                   "dnd", "no_device"};
// The states a call scenario may script (`--presence`, plan tests, Python): all but the last,
// `no_device`, which the engine derives from the tenant (a user without devices) and a host
// cannot set (SPEC 5, `--presence`).
inline constexpr std::span<const std::string_view> kScriptedPresenceWords =
    std::span(kPresenceWords).first<4>();

// How a call ended (SPEC 5), in the order of callplan::Disposition: kDispositionWords[i] is
// to_string(Disposition(i)).
inline constexpr std::array<std::string_view, 6> kDispositionWords = {
    "answered", "voicemail", "hangup", "unanswered", "abandoned", "rejected"};

// A scripted caller's digits (`--digits`, plan tests' `digits`, Python's `digits=`) hold one
// entry per menu prompt: the key pressed, or `_` for a prompt the caller lets time out.
inline constexpr char kNoKey = '_';

// A DTMF key or kNoKey.
constexpr bool is_scripted_key(char c) { return c == kNoKey || is_dtmf_key(c); }

// Every character a DTMF key or kNoKey (the empty text is valid: no key for any prompt).
constexpr bool is_scripted_digits(std::string_view text) {
  for (char c : text) {
    if (!is_scripted_key(c)) return false;
  }
  return true;
}

// A tenant's speech language (`tenant.language`, SPEC 10) as espeak-ng names its voices:
// lower-case letters, digits and '-', starting with a letter, at most 32 characters ("nl",
// "en-us", "pt-br"). The loader accepts no other, and the synthesizer refuses any other, so
// the text can never be read as an option of the program it is handed to.
constexpr bool is_language(std::string_view text) {
  if (text.empty() || text.size() > 32) return false;
  if (text[0] < 'a' || text[0] > 'z') return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace callplan
