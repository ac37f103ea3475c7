// voicemail/recording_rules.hpp — which recordings become messages (SPEC 10).
#pragma once

namespace callplan::voicemail {

// Messages shorter than this are dropped: a caller who hung up at the tone, or a fax or a
// robot that gave up, leaves no message and lights no lamp.
inline constexpr double minimum_message_seconds = 2.0;

// True when a recording of `seconds` is kept as a message (exactly 2.0 s is kept).
constexpr bool is_long_enough(double seconds) { return seconds >= minimum_message_seconds; }

}  // namespace callplan::voicemail
