// The caller's dialog of a *97 / *98 call (an AnsweredDialog): serve answers the INVITE itself
// with the media process's SDP (`open` with the caller's offer), takes the caller's BYE, its
// hold and resume, and sends its own BYE when the mailbox is done.
#include <span>

#include <fmt/format.h>

#include "sip/b2bua/mailbox_session.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {

MailboxCalls::MailboxCalls(TransactionLayer& layer, Transport& transport, TimerQueue& timers,
                           MediaControl& control, SecurityLog& security, Log log)
    : layer_(layer), transport_(transport), timers_(timers), control_(control), security_(security),
      log_(std::move(log)) {
  // The media process died: every mailbox call loses its audio, so each is ended.
  control_.on_down([this, alive = std::weak_ptr<bool>(alive_)] {
    if (alive.expired()) return;
    std::vector<CallPtr> all;
    for (auto& [key, call] : calls_) all.push_back(call);
    for (const CallPtr& call : all) {
      call->media_open = false;
      hang_up(call, "media side failed");
      end(call);
    }
  });
}

MailboxCalls::~MailboxCalls() {
  // Calls still up when the server stops (after its drain time) are over now.
  for (auto& [key, call] : calls_) {
    call->dialog.stop();
    if (call->ended_by.empty()) call->ended_by = "stopped";
    report(call, 200);
  }
}

void MailboxCalls::start(ServerId txn, const Message& invite, const Peer& from, MailboxDial dial) {
  auto call = std::make_shared<Call>();
  call->leg = fmt::format("m{}", ++next_);
  call->dialog.take(txn, invite, fmt::format("mb{:x}{:x}", next_, timers_.now().time_since_epoch().count()), from);
  call->dialog.session.leg = call->leg;
  call->dial = std::move(dial);
  if (call->dial.own && !call->dial.mine) return refuse(call, 404, "Not Found", "this phone's user has no voicemail");
  if (!control_.up()) return refuse(call, 480, "Temporarily Unavailable", "the media side is down");
  if (invite.body.empty() || invite.content_type.find("sdp") == std::string_view::npos)
    return refuse(call, 480, "Temporarily Unavailable", "the INVITE has no SDP offer");
  unanswered_[txn] = call;
  control_.request({{"op", "open"}, {"leg", call->leg}, {"offer", std::string(call->dialog.invite.body)}},
                   [this, call](const nlohmann::json& reply) {
                     unanswered_.erase(call->dialog.txn);
                     if (call->over) {  // CANCELled meanwhile
                       if (reply.value("ok", false))
                         control_.request({{"op", "close"}, {"leg", call->leg}}, [](const nlohmann::json&) {});
                       return;
                     }
                     if (!reply.value("ok", false)) {
                       if (reply.value("code", std::string()) == "not-acceptable")
                         refuse(call, 488, "Not Acceptable Here", "no codec in common");
                       else
                         refuse(call, 480, "Temporarily Unavailable", "the media side failed");
                       return;
                     }
                     call->media_open = true;
                     std::weak_ptr<Call> weak = call;
                     control_.on_event(call->leg, [this, weak](const nlohmann::json& event) {
                       if (auto c = weak.lock()) on_event(c, event);
                     });
                     answer(call, reply.value("sdp", std::string()));
                     log_(fmt::format("call {}: mailbox {} from {}", call->dialog.invite.call_id,
                                      call->dial.own ? kOwnMailboxCode : kAnyMailboxCode, call->dial.device));
                     if (call->dial.own) {
                       call->box = call->dial.mine;
                       call->unlocked = true;
                       main_menu(call);
                     } else {
                       ask_extension(call);
                     }
                   });
}

void MailboxCalls::refuse(const CallPtr& call, int status, std::string_view reason, std::string_view why) {
  call->dialog.refuse({layer_, transport_, timers_}, status, reason, fmt::format("mailbox: {}", why));
  log_(fmt::format("call {}: mailbox {} from {}: {} ({})", call->dialog.invite.call_id,
                   call->dial.own ? kOwnMailboxCode : kAnyMailboxCode, call->dial.device, status, why));
  report(call, status);
}

void MailboxCalls::answer(const CallPtr& call, std::string_view sdp) {
  call->answered_at = MailboxCallOver::Clock::now();
  std::weak_ptr<Call> weak = call;
  call->dialog.answer({layer_, transport_, timers_}, sdp, [this, weak] {
    auto c = weak.lock();
    if (!c || c->over) return;
    log_(fmt::format("call {}: no ACK for our 200: ending the mailbox call", c->dialog.invite.call_id));
    hang_up(c, "no ACK");
    end(c);
  });
  calls_[call->dialog.key] = call;
}

bool MailboxCalls::ack(const Message& ack) {
  auto it = calls_.find(dialog_key(ack.call_id, ack.from.tag(), ack.to.tag()));
  if (it == calls_.end()) return false;
  (void)it->second->dialog.ack(ack);  // a stray ACK of the dialog is absorbed too
  return true;
}

bool MailboxCalls::in_dialog(ServerId txn, const Message& request, const Peer& from) {
  auto it = calls_.find(dialog_key(request.call_id, request.from.tag(), request.to.tag()));
  if (it == calls_.end()) return false;
  CallPtr call = it->second;
  if (request.method == Method::bye) {
    layer_.respond(txn, build_response(request, 200, "OK"));
    call->over = true;
    if (call->ended_by.empty()) call->ended_by = "caller";
    log_(fmt::format("call {}: the mailbox caller hung up", call->dialog.invite.call_id));
    end(call);
  } else if (request.method == Method::info || request.method == Method::options) {
    layer_.respond(txn, build_response(request, 200, "OK"));
  } else if (request.method == Method::invite || request.method == Method::update) {
    // Hold and resume (dialog_offer.hpp); a digit pressed on hold still counts.
    call->dialog.session.leg = call->media_open ? call->leg : std::string();
    take_offer({layer_, transport_, timers_}, control_, std::shared_ptr<DialogMedia>(call, &call->dialog.session),
               txn, request, from, nullptr);
  } else {
    HeaderLine allow{"Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE"};
    layer_.respond(txn, build_response(request, 405, "Method Not Allowed", {.extra = std::span(&allow, 1)}));
  }
  return true;
}

bool MailboxCalls::cancelled(ServerId txn) {
  auto it = unanswered_.find(txn);
  if (it == unanswered_.end()) return false;
  CallPtr call = it->second;
  layer_.respond(txn, build_response(call->dialog.invite, 487, "Request Terminated", {.to_tag = call->dialog.to_tag}));
  call->over = true;
  unanswered_.erase(it);
  report(call, 487);
  return true;
}

// Our BYE, from the callee side of the dialog we answered, along the caller's route set.
void MailboxCalls::hang_up(const CallPtr& call, std::string_view why) {
  if (!call->dialog.answered || call->over) return;
  call->over = true;
  call->ended_by = "callee";
  if (call->dialog.bye({layer_, transport_, timers_}, why))
    log_(fmt::format("call {}: BYE to the mailbox caller ({})", call->dialog.invite.call_id, why));
}

// The call leaves the tables and its media leg closes (a greeting not kept is dropped).
void MailboxCalls::end(const CallPtr& call) {
  call->over = true;
  call->after_prompt = nullptr;  // it holds the call: the cycle is broken here
  call->dialog.stop();
  if (call->media_open) {
    call->media_open = false;
    control_.request({{"op", "close"}, {"leg", call->leg}}, [](const nlohmann::json&) {});
  }
  control_.forget(call->leg);
  if (!call->dialog.key.empty()) calls_.erase(call->dialog.key);
  report(call, 200);
}

void MailboxCalls::report(const CallPtr& call, int status) {
  if (call->reported) return;
  call->reported = true;
  if (!over_) return;
  MailboxCallOver over{.call_id = std::string(call->dialog.invite.call_id),
                       .dialled = call->dial.own ? kOwnMailboxCode : kAnyMailboxCode,
                       .dial = &call->dial,
                       .opened = call->unlocked && call->box ? call->box->extension : std::string(),
                       .status = status,
                       .ended_by = status == 200 ? call->ended_by : std::string(),
                       .start = call->started,
                       .answer = status == 200 ? call->answered_at : std::nullopt,
                       .end = MailboxCallOver::Clock::now()};
  over_(over);
}

}  // namespace callplan::sip
