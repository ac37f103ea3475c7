// How a call ends in the books: one log line and one CallRecord per call, however it ends.
// A call that is not answered is over when the caller has its final response and every
// branch has ended; an answered one when its dialog's BYE is answered (or the dialog is
// forgotten: 12 hours without a request, or pushed out of the bounded dialog set).
#include <chrono>

#include <fmt/format.h>

#include "sip/proxy/call.hpp"
#include "sip/proxy/proxy.hpp"

namespace callplan::sip {

CallRecord::Clock::time_point Proxy::wall(const Call& call) const {
  // The record's times follow the proxy's clock (TimerQueue), anchored at the wall-clock
  // start: durations are right also under a test's made-up clock.
  auto since = std::chrono::duration_cast<CallRecord::Clock::duration>(timers_.now() -
                                                                       call.started);
  return call.record.start + since;
}

void Proxy::setup_over(Call& call) {
  CallRecord& r = call.record;
  CallOutcome outcome = call.session->outcome();
  r.disposition = to_string(outcome.disposition);
  r.status = call.final_status;
  // A 2xx from the media server (voicemail, or a prompt that took the call) or a phone, or
  // the own media side's mailbox: who answered is the session's target, or the mailbox's
  // owner for voicemail.
  if (call.winner || (call.own_voicemail && call.final_status == 200)) {
    r.answered_by = outcome.disposition == Disposition::voicemail ? std::string(outcome.user)
                                                                  : std::string(outcome.by);
  }
  if (!call.dialog_key.empty()) {
    // Written at the BYE (the own media side's on_ended or on_voicemail_over for its calls).
    open_records_.insert_or_assign(
        call.dialog_key, OpenRecord{std::move(r), std::string(call.invite.from.tag())});
    return;
  }
  r.end = wall(call);
  emit(r);
}

std::string Proxy::own_media_key(std::uint64_t call) { return fmt::format("own-media:{}", call); }

// A voicemail call of the own media side is over. Usually the proxy was done with it long
// before (its record is open); when the mailbox refused it at once, the call is still here
// and is recorded when the proxy is done with it, as any call that ends during set-up.
void Proxy::own_media_voicemail_over(std::uint64_t call_id, int status, std::string_view by) {
  if (Call* call = find(call_id)) {
    call->final_status = status;
    call->dialog_key.clear();
    call->record.ended_by = by;
    if (status != 200) {
      call->record.answer.reset();
      call->record.answered_device.clear();
    }
    return;
  }
  close_record(own_media_key(call_id), by, status);
}

void Proxy::end_dialog(const std::string& key, std::string_view call_id, std::string_view tag1,
                       std::string_view tag2, std::string_view ended_by) {
  dialogs_.remove(call_id, tag1, tag2);
  forget_dialog_state(key);
  close_record(key, ended_by);
}

void Proxy::forget_dialog_state(const std::string& key) {
  // A BYE relayed while serve was taking the call over (takeover.cpp): the take-over stops.
  if (const TrunkDialog* trunk = trunk_dialogs_.find(key); trunk != nullptr && trunk->call != 0 &&
                                                            config_.own_media != nullptr)
    config_.own_media->abandon_take_over(trunk->call);
  trunk_dialogs_.remove(key);
  flows_.erase(key);
  phone_dialogs_.erase(key);
}

void Proxy::close_record(const std::string& dialog_key, std::string_view ended_by, int status) {
  auto it = open_records_.find(dialog_key);
  if (it == open_records_.end()) return;
  CallRecord r = std::move(it->second.record);
  open_records_.erase(it);
  if (status != 0 && status != r.status) {  // not answered after all
    r.status = status;
    r.answer.reset();
    r.answered_by.clear();
    r.answered_device.clear();
  }
  // An open record's call is gone, so its clock anchor is: wall time is as good here.
  r.end = CallRecord::Clock::now();
  if (r.answer && r.end < *r.answer) r.end = *r.answer;
  r.ended_by = ended_by;
  emit(r);
}

std::string Proxy::bye_sender(const Message& bye) const {
  auto it = open_records_.find(DialogSet::key(bye.call_id, bye.from.tag(), bye.to.tag()));
  if (it == open_records_.end()) return "callee";
  return bye.from.tag() == it->second.caller_tag ? "caller" : "callee";
}

void Proxy::emit(CallRecord& r) {
  if (config_.log) config_.log(r.log_line());
  if (config_.record) config_.record(r);
}

}  // namespace callplan::sip
