// voicemail/message_record.hpp — the JSON record stored next to each message's WAV
// (docs/voicemail.md "Record format"): who called, which number, when, how long, why the call
// went to voicemail, and whether the user has heard it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "media/prompt/expected.hpp"

namespace callplan::voicemail {

// Why the call ended in voicemail (SPEC 10); the plan step that sent it there knows.
enum class Reason : std::uint8_t { busy, no_answer, unavailable, closed };
// new: not yet listened to (the lamp is on); saved: heard or kept ("old" in message waiting).
enum class MessageState : std::uint8_t { new_message, saved };

std::string_view to_string(Reason reason);         // "busy" | "no_answer" | "unavailable" | "closed"
std::optional<Reason> parse_reason(std::string_view text);
std::string_view to_string(MessageState state);    // "new" | "saved"
std::optional<MessageState> parse_state(std::string_view text);

struct MessageRecord {
  std::string id;           // folder name: sortable by arrival (UTC)
  std::string caller;       // the caller's number as shown ("+31612345678", "anonymous")
  std::string caller_name;  // display name, may be empty
  std::string called;       // the number the caller dialled
  std::string received;     // local time of the tenant, ISO 8601 with offset
  double seconds = 0.0;     // length of the recording
  Reason reason = Reason::no_answer;
  MessageState state = MessageState::new_message;

  bool operator==(const MessageRecord&) const = default;
};

// Pretty-printed JSON, with "format": 1.
std::string to_json(const MessageRecord& record);
// The record, or one sentence saying what is wrong with the text ("field \"seconds\" is missing").
media::Expected<MessageRecord, std::string> parse_message_record(std::string_view json);

// "2026-12-07T03:13:05+01:00": `when` in the IANA zone `zone`, whole seconds. An unknown zone
// is an error naming it.
media::Expected<std::string, std::string> format_local_time(std::chrono::system_clock::time_point when,
                                                            std::string_view zone);

}  // namespace callplan::voicemail
