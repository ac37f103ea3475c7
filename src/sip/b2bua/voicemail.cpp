// Voicemail on serve's own media side (SPEC 10): answer, the greeting, then `record`, which
// plays the tone, records, stores the message and queues its mail in the media process
// (docs/media.md). The recording's end event makes serve hang up; the caller's BYE ends the
// recording (it is stored all the same).
#include <fmt/format.h>

#include "sip/b2bua/leg.hpp"
#include "sip/b2bua/own_media.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

void OwnMedia::voicemail(const CallerSide& side, VoicemailJob job) {
  LegPtr leg = leg_for(side);
  leg->in_voicemail = true;
  leg->voicemail_unreported = true;
  leg->menu = false;
  leg->prompt = false;  // an announcement before it is over for the session
  leg->job = std::move(job);
  close_phone_side(leg);  // after a menu: nobody answered, the phones' side is done
  open(leg, [this, leg](bool ok) {
    if (leg->over) return;  // the caller CANCELled meanwhile (answered 487)
    if (!ok) {
      int status = leg->failure == "not-acceptable" ? 488 : 480;
      std::string warning = fmt::format("voicemail of {}: {}", leg->job.extension,
                                        leg->failure == "no-offer" ? "the INVITE has no SDP offer"
                                        : status == 488            ? "no codec in common"
                                                                   : "the media side is down");
      leg->dialog.refuse(sip(), status, status == 488 ? "Not Acceptable Here" : "Temporarily Unavailable",
                         warning);
      log_(fmt::format("call {}: voicemail of {} refused ({}): {}", leg->dialog.invite.call_id,
                       leg->job.extension, status, leg->failure));
      leg->over = true;
      leg->refused = status;
      forget(leg);
      return;
    }
    const bool answered_before = leg->dialog.answered;  // by a menu: its answer was reported then
    answer(leg);
    if (!answered_before && leg->dialog.answered && on_answered_) on_answered_(leg->call);
    control_.request({{"op", "play"},
                      {"leg", leg->name},
                      {"prompt", {{"text", leg->job.greeting}, {"language", leg->job.language},
                                  {"greeting", leg->job.company + "/" + leg->job.extension}}},
                      {"flush", true}},
                     [this, leg](const nlohmann::json& reply) {
                       // Its `played` starts the recording; an earlier prompt's `played`
                       // (stopped by this one) came before this reply.
                       if (reply.value("ok", false)) {
                         leg->greeting = true;
                         return;
                       }
                       // No greeting (no espeak-ng, say): the tone and the recording all the same.
                       if (!reply.value("ok", false) && !leg->over && !leg->recording &&
                           reply.value("code", std::string()) != kMediaDown) {
                         log_(fmt::format("call {}: greeting not played: {}", leg->dialog.invite.call_id,
                                          reply.value("message", std::string())));
                         record(leg);
                       }
                     });
  });
}

void OwnMedia::record(const LegPtr& leg) {
  if (leg->recording || leg->over || leg->media != Leg::Media::open) return;
  leg->recording = true;
  const VoicemailJob& j = leg->job;
  nlohmann::json request{{"op", "record"},     {"leg", leg->name},       {"company", j.company},
                         {"extension", j.extension}, {"caller", j.caller}, {"called", j.called},
                         {"reason", j.reason},   {"time_zone", j.time_zone}, {"language", j.language}};
  if (!j.caller_name.empty()) request["caller_name"] = j.caller_name;
  if (!j.email.empty()) {
    request["email"] = j.email;
    if (!j.email_name.empty()) request["email_name"] = j.email_name;
  }
  control_.request(std::move(request), [this, leg](const nlohmann::json& reply) {
    if (reply.value("ok", false)) return;
    leg->recording = false;
    log_(fmt::format("call {}: voicemail of {} not recorded: {} {}", leg->dialog.invite.call_id,
                     leg->job.extension, reply.value("code", std::string()),
                     reply.value("message", std::string())));
    hang_up(leg, "voicemail failed");
    close(leg);
    forget(leg);
  });
}

}  // namespace callplan::sip
