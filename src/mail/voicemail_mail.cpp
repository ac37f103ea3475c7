#include "mail/voicemail_mail.hpp"

#include <array>
#include <cmath>
#include <cstdio>

namespace callplan::mail {
namespace {

struct Words {
  const char* subject;        // "Voicemail from %s for %s (%s)"
  const char* anonymous;
  const char* greeting;       // "Hello %s,"
  const char* intro;
  const char* from;
  const char* called;
  const char* received;
  const char* length;
  const char* reason;
  const char* attached;
  std::array<const char*, 4> reasons;  // busy, no_answer, unavailable, closed
  std::array<const char*, 12> months;
  const char* at;
};

constexpr Words dutch{"Voicemail van %s voor %s (%s)", "onbekend nummer", "Hallo %s,",
                      "Er is een nieuw voicemailbericht voor je ingesproken.", "Van", "Gebeld nummer",
                      "Ontvangen", "Lengte", "Reden",
                      "Het bericht zit als WAV-bestand bij deze mail.",
                      {"in gesprek", "niet opgenomen", "niet bereikbaar", "gesloten"},
                      {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                       "oktober", "november", "december"},
                      "om"};
constexpr Words english{"Voicemail from %s for %s (%s)", "unknown number", "Hello %s,",
                        "A new voicemail message was left for you.", "From", "Number called", "Received",
                        "Length", "Reason", "The message is attached as a WAV file.",
                        {"busy", "not answered", "unavailable", "closed"},
                        {"January", "February", "March", "April", "May", "June", "July", "August", "September",
                         "October", "November", "December"},
                        "at"};

const Words& words_for(const std::string& language) {
  return language == "nl" || language.starts_with("nl-") ? dutch : english;
}

std::string fill(const char* pattern, const std::string& a, const std::string& b = {}, const std::string& c = {}) {
  std::string out;
  const std::string* args[] = {&a, &b, &c};
  int next = 0;
  for (const char* p = pattern; *p; ++p) {
    if (p[0] == '%' && p[1] == 's' && next < 3) {
      out += *args[next++];
      ++p;
    } else {
      out.push_back(*p);
    }
  }
  return out;
}

std::string caller_text(const voicemail::MessageRecord& r, const Words& w) {
  const std::string number = r.caller.empty() || r.caller == "anonymous" ? w.anonymous : r.caller;
  return r.caller_name.empty() ? number : r.caller_name + " (" + number + ")";
}

}  // namespace

std::string format_length(double seconds) {
  const long total = std::max(1L, std::lround(seconds));
  char out[32];
  std::snprintf(out, sizeof out, "%ld:%02ld", total / 60, total % 60);
  return out;
}

std::string format_received(const std::string& iso_local, const std::string& language) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
  if (std::sscanf(iso_local.c_str(), "%4d-%2d-%2dT%2d:%2d", &year, &month, &day, &hour, &minute) != 5 || month < 1 ||
      month > 12) {
    return iso_local;
  }
  const Words& w = words_for(language);
  char out[96];
  std::snprintf(out, sizeof out, "%d %s %d %s %02d:%02d", day, w.months[static_cast<std::size_t>(month - 1)], year,
                w.at, hour, minute);
  return out;
}

std::string attachment_name(const voicemail::MessageRecord& record) {
  std::string digits;
  for (char c : record.caller) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  std::string stamp;
  for (char c : record.received.substr(0, 16)) {  // "2026-12-07T03:13"
    if (c >= '0' && c <= '9') stamp.push_back(c);
  }
  if (stamp.size() == 12) stamp.insert(8, "-");
  std::string name = "voicemail-" + stamp;
  if (!digits.empty()) name += "-" + digits;
  return name + ".wav";
}

media::Expected<MailMessage, std::string> voicemail_mail(const VoicemailMailInput& in) {
  const Words& w = words_for(in.language);
  const auto& r = in.record;
  const std::string caller = caller_text(r, w);
  const std::string length = format_length(r.seconds);
  const std::string when = format_received(r.received, in.language);

  MailMessage m;
  m.from = in.from;
  m.to = in.to;
  m.subject = fill(w.subject, caller, r.called, length);
  std::string body = fill(w.greeting, in.to.name.empty() ? in.to.email : in.to.name) + "\n\n";
  body += std::string(w.intro) + "\n\n";
  body += std::string(w.from) + ": " + caller + "\n";
  body += std::string(w.called) + ": " + r.called + "\n";
  body += std::string(w.received) + ": " + when + "\n";
  body += std::string(w.length) + ": " + length + "\n";
  body += std::string(w.reason) + ": " + w.reasons[static_cast<std::size_t>(r.reason)] + "\n\n";
  body += std::string(w.attached) + "\n";
  m.body = std::move(body);
  m.attachment = Attachment{attachment_name(r), "audio/wav", in.wav_bytes};
  m.date = in.now;
  m.time_zone = in.time_zone;
  if (!is_email_address(in.to.email)) return "\"" + in.to.email + "\" is not an e-mail address";
  return m;
}

}  // namespace callplan::mail
