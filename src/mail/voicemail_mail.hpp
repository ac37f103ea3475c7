// mail/voicemail_mail.hpp — the mail a user gets for a new voicemail message (SPEC 10): the
// caller, the number called, the time and the length in the subject and body, in the tenant's
// language (Dutch or English; other languages get English), the WAV attached.
#pragma once

#include <string>

#include "mail/mime.hpp"
#include "voicemail/message_record.hpp"

namespace callplan::mail {

struct VoicemailMailInput {
  voicemail::MessageRecord record;
  std::string wav_bytes;      // the message's WAV file, attached as it is
  Address to;                 // the user: their name and `email`
  Address from;               // the server's sender address (configuration)
  std::string language;       // speech_language(): "nl", "en", ...
  std::string time_zone;      // the tenant's zone (the Date header)
  std::chrono::system_clock::time_point now;  // the Date header
};

media::Expected<MailMessage, std::string> voicemail_mail(const VoicemailMailInput& input);

// "1:05" for 65.3 s: minutes and seconds, rounded to the nearest second (at least 0:01).
std::string format_length(double seconds);
// "7 december 2026 om 03:13" (nl) / "7 December 2026 at 03:13" (en), from the record's
// ISO 8601 local time; the text as it is when it does not parse.
std::string format_received(const std::string& iso_local, const std::string& language);
// "voicemail-20261207-0313-31612345678.wav"
std::string attachment_name(const voicemail::MessageRecord& record);

}  // namespace callplan::mail
