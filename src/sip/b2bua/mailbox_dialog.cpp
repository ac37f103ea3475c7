// The caller's dialog of a *97 / *98 call: serve answers the INVITE itself with the media
// process's SDP (`open` with the caller's offer), resends its 200 until the ACK (RFC 3261
// 13.3.1.4), takes the caller's BYE and sends its own when the mailbox is done.
#include <fmt/format.h>

#include "sip/b2bua/mailbox_session.hpp"
#include "sip/name_addr.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {
namespace {

constexpr auto kT1 = std::chrono::milliseconds(500);
constexpr auto kT2 = std::chrono::milliseconds(4000);
constexpr auto kAckWait = 64 * kT1;

std::string call_key(std::string_view call_id, std::string_view caller_tag, std::string_view our_tag) {
  return fmt::format("{}\n{}\n{}", call_id, caller_tag, our_tag);
}

}  // namespace

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
  for (auto& [key, call] : calls_) timers_.cancel(call->resend);
}

void MailboxCalls::start(ServerId txn, const Message& invite, const Peer& from, MailboxDial dial) {
  auto call = std::make_shared<Call>();
  call->leg = fmt::format("m{}", ++next_);
  call->txn = txn;
  call->invite_bytes.assign(invite.raw);
  (void)parse_message(call->invite_bytes, call->invite);  // it parsed once already
  call->to_tag = fmt::format("mb{:x}{:x}", next_, timers_.now().time_since_epoch().count());
  call->caller = from;
  call->dial = std::move(dial);
  auto refuse = [&](int status, std::string_view reason, std::string_view why) {
    std::string warning = fmt::format("399 callplan \"mailbox: {}\"", why);
    HeaderLine line{"Warning", warning};
    layer_.respond(txn, build_response(call->invite, status, reason,
                                       {.to_tag = call->to_tag, .extra = std::span(&line, 1)}));
    log_(fmt::format("call {}: mailbox {} from {}: {} ({})", call->invite.call_id,
                     call->dial.own ? kOwnMailboxCode : kAnyMailboxCode, call->dial.device, status, why));
  };
  if (call->dial.own && !call->dial.mine) return refuse(404, "Not Found", "this phone's user has no voicemail");
  if (!control_.up()) return refuse(480, "Temporarily Unavailable", "the media side is down");
  if (invite.body.empty() || invite.content_type.find("sdp") == std::string_view::npos)
    return refuse(480, "Temporarily Unavailable", "the INVITE has no SDP offer");
  unanswered_[txn] = call;
  control_.request({{"op", "open"}, {"leg", call->leg}, {"offer", std::string(call->invite.body)}},
                   [this, call](const nlohmann::json& reply) {
                     unanswered_.erase(call->txn);
                     if (call->over) {  // CANCELled meanwhile
                       if (reply.value("ok", false))
                         control_.request({{"op", "close"}, {"leg", call->leg}}, [](const nlohmann::json&) {});
                       return;
                     }
                     if (!reply.value("ok", false)) {
                       const bool codec = reply.value("code", std::string()) == "not-acceptable";
                       std::string warning = fmt::format("399 callplan \"mailbox: {}\"",
                                                         codec ? "no codec in common" : "the media side failed");
                       HeaderLine line{"Warning", warning};
                       layer_.respond(call->txn, build_response(call->invite, codec ? 488 : 480,
                                                                codec ? "Not Acceptable Here" : "Temporarily Unavailable",
                                                                {.to_tag = call->to_tag, .extra = std::span(&line, 1)}));
                       return;
                     }
                     call->media_open = true;
                     std::weak_ptr<Call> weak = call;
                     control_.on_event(call->leg, [this, weak](const nlohmann::json& event) {
                       if (auto c = weak.lock()) on_event(c, event);
                     });
                     call->answer_bytes = reply.value("sdp", std::string());
                     answer(call);
                     log_(fmt::format("call {}: mailbox {} from {}", call->invite.call_id,
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

void MailboxCalls::answer(const CallPtr& call) {
  std::string sdp = std::move(call->answer_bytes);
  std::string contact = fmt::format("<sip:{}{}>", transport_.local(call->caller.protocol).host_port(),
                                    call->caller.protocol == Protocol::tcp ? ";transport=tcp" : "");
  HeaderLine line{"Contact", contact};
  call->answer_bytes = build_response(call->invite, 200, "OK",
                                      {.to_tag = call->to_tag, .extra = std::span(&line, 1),
                                       .body = sdp, .content_type = "application/sdp"});
  layer_.respond(call->txn, call->answer_bytes);
  call->answered = true;
  call->key = call_key(call->invite.call_id, call->invite.from.tag(), call->to_tag);
  calls_[call->key] = call;
  if (call->caller.protocol == Protocol::udp) retransmit(call, kT1);
  std::weak_ptr<Call> weak = call;
  timers_.start(kAckWait, [this, weak] {
    auto c = weak.lock();
    if (!c || c->acked || c->over) return;
    log_(fmt::format("call {}: no ACK for our 200: ending the mailbox call", c->invite.call_id));
    hang_up(c, "no ACK");
    end(c);
  });
}

void MailboxCalls::retransmit(const CallPtr& call, TimerQueue::Duration interval) {
  std::weak_ptr<Call> weak = call;
  call->resend = timers_.start(interval, [this, weak, interval] {
    auto c = weak.lock();
    if (!c || c->acked || c->over) return;
    c->resend = TimerQueue::kNone;
    transport_.send(c->caller, c->answer_bytes);
    retransmit(c, std::min<TimerQueue::Duration>(interval * 2, kT2));
  });
}

bool MailboxCalls::ack(const Message& ack) {
  auto it = calls_.find(call_key(ack.call_id, ack.from.tag(), ack.to.tag()));
  if (it == calls_.end()) return false;
  it->second->acked = true;
  timers_.cancel(it->second->resend);
  it->second->resend = TimerQueue::kNone;
  return true;
}

bool MailboxCalls::in_dialog(ServerId txn, const Message& request, const Peer&) {
  auto it = calls_.find(call_key(request.call_id, request.from.tag(), request.to.tag()));
  if (it == calls_.end()) return false;
  CallPtr call = it->second;
  if (request.method == Method::bye) {
    layer_.respond(txn, build_response(request, 200, "OK"));
    call->over = true;
    log_(fmt::format("call {}: the mailbox caller hung up", call->invite.call_id));
    end(call);
  } else if (request.method == Method::info || request.method == Method::options) {
    layer_.respond(txn, build_response(request, 200, "OK"));
  } else {
    layer_.respond(txn, build_response(request, 488, "Not Acceptable Here"));  // no re-INVITE
  }
  return true;
}

bool MailboxCalls::cancelled(ServerId txn) {
  auto it = unanswered_.find(txn);
  if (it == unanswered_.end()) return false;
  CallPtr call = it->second;
  layer_.respond(txn, build_response(call->invite, 487, "Request Terminated", {.to_tag = call->to_tag}));
  call->over = true;
  unanswered_.erase(it);
  return true;
}

// Our BYE, from the callee side of the dialog we answered, along the caller's route set.
void MailboxCalls::hang_up(const CallPtr& call, std::string_view why) {
  if (!call->answered || call->over) return;
  call->over = true;
  std::string target;
  call->invite.for_each_value(HeaderId::contact, [&](std::string_view value) {
    NameAddr contact;
    if (parse_name_addr(value, contact, {}) == NameAddrError::none) target.assign(contact.uri.text);
    return false;
  });
  if (target.empty()) target.assign(call->invite.from.uri.text);
  std::string branch = layer_.new_branch();
  std::string out;
  MessageWriter w(out);
  w.request_line("BYE", target);
  w.header("Via", fmt::format("SIP/2.0/{} {};branch={}", via_transport(call->caller.protocol),
                              transport_.local(call->caller.protocol).host_port(), branch));
  call->invite.for_each_value(HeaderId::record_route, [&](std::string_view value) {
    w.header("Route", value);
    return true;
  });
  w.header("Max-Forwards", std::uint64_t{70});
  w.header("From", fmt::format("{};tag={}", call->invite.to.text, call->to_tag));
  w.header("To", call->invite.from.text);
  w.header("Call-ID", call->invite.call_id);
  w.header("CSeq", "1 BYE");
  w.header("Reason", fmt::format("SIP;cause=200;text=\"{}\"", why));
  w.finish();
  layer_.send_request(call->caller, std::move(out), branch, Method::bye,
                      ClientCallbacks{.on_response = [](const Message&) {}, .on_timeout = [] {}});
  log_(fmt::format("call {}: BYE to the mailbox caller ({})", call->invite.call_id, why));
}

// The call leaves the tables and its media leg closes (a greeting not kept is dropped).
void MailboxCalls::end(const CallPtr& call) {
  call->over = true;
  call->after_prompt = nullptr;  // it holds the call: the cycle is broken here
  timers_.cancel(call->resend);
  call->resend = TimerQueue::kNone;
  if (call->media_open) {
    call->media_open = false;
    control_.request({{"op", "close"}, {"leg", call->leg}}, [](const nlohmann::json&) {});
  }
  control_.forget(call->leg);
  if (!call->key.empty()) calls_.erase(call->key);
}

}  // namespace callplan::sip
