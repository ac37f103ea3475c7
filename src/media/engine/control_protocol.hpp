// media/engine/control_protocol.hpp — the control protocol between `callplan serve` (the
// client) and `callplan media` (docs/media.md "The media process and its control protocol"):
// one JSON object per line over a unix stream socket. A request carries an `id` and an `op`
// and gets exactly one reply with the same id; events carry the leg they are about.
//
//   → {"id":1,"op":"open","leg":"c1-a","offer":"v=0\r\n..."}
//   ← {"id":1,"ok":true,"sdp":"v=0\r\n...","port":40002,"codec":"PCMU"}
//   → {"id":2,"op":"play","leg":"c1-a","prompt":{"text":"Welkom","language":"nl"},"barge_in":true}
//   ← {"id":2,"ok":true,"seconds":1.37}
//   ← {"event":"played","leg":"c1-a","why":"digit","digit":"1"}
//
// This file only turns a line into a typed Command (or a ProtocolError with a stable code)
// and builds the reply and event objects; the Engine carries the commands out.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace callplan::media::engine {

// The longest control line accepted (an SDP body is at most 16 KiB, docs/media.md).
inline constexpr std::size_t kMaxLineBytes = 64 * 1024;

// Stable error codes of replies (never reworded; docs/media.md lists them).
namespace errc {
inline constexpr std::string_view bad_request = "bad-request";        // not JSON, not an object, a field of the wrong type
inline constexpr std::string_view unknown_op = "unknown-op";
inline constexpr std::string_view unknown_leg = "unknown-leg";
inline constexpr std::string_view leg_exists = "leg-exists";
inline constexpr std::string_view bad_sdp = "bad-sdp";                // the SDP does not parse
inline constexpr std::string_view not_acceptable = "not-acceptable";  // no codec in common: SIP 488
inline constexpr std::string_view wrong_state = "wrong-state";        // e.g. play before the answer
inline constexpr std::string_view no_port = "no-port";                // the RTP port range is used up
inline constexpr std::string_view prompt_failed = "prompt-failed";    // the message has the prompt.* code
inline constexpr std::string_view busy = "busy";                      // the leg is recording or bridged
inline constexpr std::string_view internal = "internal";
}  // namespace errc

struct ProtocolError {
  std::string code;
  std::string message;
};

// A prompt to play: an audio file, a text to speak, or a tone.
struct PromptRef {
  enum class Kind : std::uint8_t { file, text, tone };
  Kind kind = Kind::file;
  std::string value;     // path, text, or tone name ("beep", "ringback")
  std::string language;  // for text: an espeak-ng voice ("nl", "en")
  // For a voicemail greeting: the mailbox ("acme/105") whose recorded greeting plays instead
  // of the text when it has one (docs/voicemail.md "The mailbox by phone").
  std::string greeting_of;
};

struct OpenCmd {
  std::optional<std::string> offer;  // the caller's SDP; none: we make the offer
  std::optional<std::uint32_t> rtp_timeout_ms;  // event rtp_timeout after this much quiet
};
struct AnswerCmd {
  std::string sdp;  // the peer's answer to our offer
};
// A new offer of the peer on a running leg (its re-INVITE or UPDATE: hold, resume, refresh).
struct ReofferCmd {
  std::string sdp;
};
struct PlayCmd {
  PromptRef prompt;
  bool barge_in = false;
  bool flush = false;  // forget digits pressed before (else a queued one stops a barge-in prompt at once)
};
struct StopCmd {};
struct CollectCmd {
  std::uint32_t timeout_ms = 5000;
  bool flush = false;  // forget digits pressed before
};
struct RingbackCmd {
  bool on = true;
};
struct RecordCmd {
  std::string company;    // the mailbox: tenant login
  std::string extension;  // and the user's extension
  std::string caller;
  std::string caller_name;
  std::string called;
  std::string reason;     // busy | no_answer | unavailable | closed
  std::string time_zone = "UTC";
  double max_seconds = 180.0;
  double silence_seconds = 10.0;
  bool beep = true;
  // The user's e-mail: mailed when set and the process has --smtp.
  std::string email;
  std::string email_name;
  std::string language = "en";
  // "kind": "greeting": the user records a greeting through the mailbox; the audio is kept in
  // the leg (event `greeting_recorded`) until a `mailbox` `keep_greeting` stores it. No
  // caller, called or reason then.
  bool greeting = false;
};
// The mailbox by phone (docs/media.md): the store's operations, run on the worker thread.
struct MailboxCmd {
  enum class Action : std::uint8_t { list, save, remove, keep_greeting };
  Action action = Action::list;
  std::string company;
  std::string extension;
  std::string id;         // save, remove: the message (field "message": "id" is the request's)
  std::string time_zone = "UTC";  // keep_greeting: the record's local time
};
struct BridgeCmd {
  std::string with;  // the other leg
};
struct UnbridgeCmd {};
struct CloseCmd {};
struct PingCmd {};

using Command = std::variant<OpenCmd, AnswerCmd, ReofferCmd, PlayCmd, StopCmd, CollectCmd, RingbackCmd, RecordCmd,
                             BridgeCmd, UnbridgeCmd, CloseCmd, PingCmd, MailboxCmd>;

struct Request {
  nlohmann::json id;  // echoed in the reply (a number or a string)
  std::string op;
  std::string leg;    // empty for ping
  Command command;
};

// A parsed request, or the error to reply with. `id` is filled whenever the line had one, so
// that even a malformed request gets its reply.
struct Parsed {
  std::optional<Request> request;
  nlohmann::json id;  // null when the line had none
  std::optional<ProtocolError> error;
};
Parsed parse_request(std::string_view line);

// Replies and events as one line each (no newline inside: JSON escapes it).
nlohmann::json ok_reply(const nlohmann::json& id, nlohmann::json fields = nlohmann::json::object());
nlohmann::json error_reply(const nlohmann::json& id, std::string_view code, std::string_view message);
nlohmann::json event(std::string_view name, std::string_view leg, nlohmann::json fields = nlohmann::json::object());

}  // namespace callplan::media::engine
