// The call side of the proxy: one CallSession per call, its actions carried out as SIP.
#include "sip/proxy/proxy.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include <fmt/format.h>

#include "sip/proxy/call.hpp"
#include "sip/proxy/next_hop.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {
namespace {

// What the dialled number is: the Request-URI's user part (sip:002@pbx), or a tel: number.
std::string dialled(const Uri& uri) {
  if (uri.scheme == Scheme::tel) return std::string(uri.opaque.substr(0, uri.opaque.find(';')));
  return unescape(uri.user);
}

std::string random_tag() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return fmt::format("{:016x}", random());
}

}  // namespace

Proxy::Proxy(TransactionLayer& layer, TimerQueue& timers, Transport& transport,
             Location& location, ProxyConfig config)
    : layer_(layer),
      timers_(timers),
      transport_(transport),
      location_(location),
      config_(std::move(config)),
      tokens_(config_.dialog_secret.empty() ? random_dialog_secret() : config_.dialog_secret) {
  dialogs_.on_forget([this](const std::string& key) {
    forget_dialog_state(key);
    close_record(key, "expired");
  });
  if (config_.own_media) {
    config_.own_media->on_digit([this](std::uint64_t call, char d) { own_media_digit(call, d); });
    config_.own_media->on_prompt_ended([this](std::uint64_t call) { own_media_prompt_ended(call); });
    config_.own_media->on_answered([this](std::uint64_t call) { own_media_answered(call); });
    config_.own_media->on_caller_left([this](std::uint64_t call) { own_media_caller_left(call); });
    config_.own_media->on_ended([this](std::uint64_t call, std::string_view by) {
      anchored_calls_.erase(call);
      close_record(own_media_key(call), by);
      forget_taken_over(call);
    });
    config_.own_media->on_replaces([this](const ReplacesId& id, std::string_view transferor) {
      return replaced_call(id, transferor);
    });
    config_.own_media->on_voicemail_over(
        [this](std::uint64_t call, int status, std::string_view by) {
          own_media_voicemail_over(call, status, by);
        });
    config_.own_media->on_transfer(
        [this](std::uint64_t call, std::string_view target, std::string_view transferor) {
          return own_media_transfer(call, target, transferor);
        });
  }
}

Proxy::~Proxy() {
  for (auto& [id, call] : calls_) {
    timers_.cancel(call->wake);
    timers_.cancel(call->give_up);
  }
  // Calls still up when the server stops (after its drain time) are over now.
  std::vector<std::string> open;
  for (const auto& [key, record] : open_records_) open.push_back(key);
  for (const std::string& key : open) close_record(key, "stopped");
}

void Proxy::use(std::shared_ptr<Directory> directory) {
  directory_ = std::move(directory);
  session_pool_.clear();  // sessions are sized for the engine they were made for
}

std::size_t Proxy::calls_in_progress() const { return calls_.size(); }

Proxy::Call* Proxy::find(std::uint64_t call_id) {
  auto it = calls_.find(call_id);
  return it == calls_.end() ? nullptr : it->second.get();
}

bool Proxy::is_us(const Uri& uri) const {
  auto peer = peer_of_uri(uri);
  return peer && is_us(*peer);
}

bool Proxy::is_us(const Peer& peer) const {
  for (const Peer& local : transport_.listening()) {
    if (local.port != peer.port) continue;
    if (local.address == peer.address) return true;
    // A wildcard listener (0.0.0.0 / ::) is every address of this host; loopback is ours.
    if (local.address.is_unspecified() && peer.address.is_loopback()) return true;
  }
  return false;
}

std::uint32_t Proxy::seconds(const Call& call) const {
  auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(timers_.now() - call.started);
  auto t = static_cast<std::uint32_t>(std::max<std::int64_t>(elapsed.count(), 0));
  return std::max(t, call.session->now());
}

void Proxy::respond_upstream(Call& call, int status, std::string_view reason,
                             std::span<const HeaderLine> extra) {
  if (call.final_sent) return;
  call.final_sent = true;
  call.final_status = status;
  layer_.respond(call.txn,
                 build_response(call.invite, status, reason, {.to_tag = call.to_tag, .extra = extra}));
}

void Proxy::start_call(ServerId txn, const Message& invite, const Peer& from,
                       const Caller& caller) {
  start_call(txn, invite, from, caller, directory_, routing_state_);
}

void Proxy::start_call(ServerId txn, const Message& invite, const Peer& from,
                       const Caller& caller, std::shared_ptr<Directory> directory,
                       std::shared_ptr<RoutingState> state) {
  if (!directory || !state) {
    layer_.respond(txn, build_response(invite, 503, "Service Unavailable", {.to_tag = random_tag()}));
    return;
  }
  // A request that already passed through us is a loop (RFC 3261 16.3 step 4): a device or
  // the trunk pointing back at this server.
  bool looped = false;
  invite.for_each_value(HeaderId::via, [&](std::string_view value) {
    Via via;
    if (parse_via(value, via) == ViaError::none) {
      auto sent_by = sent_by_of_via(via);
      looped = sent_by && is_us(*sent_by);
    }
    return !looped;
  });
  if (looped) {
    layer_.respond(txn, build_response(invite, 482, "Loop Detected", {.to_tag = random_tag()}));
    return;
  }

  auto owned = std::make_unique<Call>();
  Call& call = *owned;
  call.id = next_call_++;
  call.txn = txn;
  call.invite_bytes.assign(invite.raw);
  if (!parse_message(call.invite_bytes, call.invite).ok()) {  // it parsed once: cannot happen
    layer_.respond(txn, build_response(invite, 500, "Server Internal Error", {.to_tag = random_tag()}));
    return;
  }
  call.caller = from;
  call.directory = std::move(directory);
  call.routing = std::move(state);
  call.to = dialled(call.invite.request_uri);
  call.to_tag = random_tag();
  // A token is good as long as the dialog may live without a request (DialogSet's 12 hours).
  call.token_expires = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch() + std::chrono::hours(12))
                           .count();
  call.token = tokens_.issue(call.invite.call_id,
                             {.side = is_trunk(from) ? DialogSide::trunk_in : DialogSide::inside,
                              .expires = call.token_expires,
                              .caller_tag = std::string(call.invite.from.tag()),
                              .phone_from = {},
                              .trunk_from = {},
                              .phone_contact = {},
                              .phone = std::nullopt});
  call.started = timers_.now();
  // Sessions are sized for their engine: with several companies the pool holds several.
  auto pooled = std::find_if(session_pool_.begin(), session_pool_.end(), [&](const auto& s) {
    return s->engine() == call.directory->engine();
  });
  if (pooled != session_pool_.end()) {
    call.session = std::move(*pooled);
    session_pool_.erase(pooled);
  } else {
    call.session = std::make_unique<CallSession>(call.directory->engine());
  }
  Caller who = caller;
  if (who.kind == Caller::Kind::external) {
    call.caller_number.assign(who.number);
    who.number = call.caller_number;
  }
  call.record.start = CallRecord::Clock::now();
  call.record.call_id.assign(call.invite.call_id);
  call.record.company = call.directory->company();
  call.record.dialled = call.to;
  if (who.kind == Caller::Kind::external) {
    call.record.caller = call.caller_number;
  } else {
    const Engine& engine = *call.directory->engine();
    call.record.caller_device = call.directory->username(who.device);
    UserIndex user = engine.device_user(who.device);
    call.record.caller = user == kNoUser ? call.record.caller_device
                                         : std::string(engine.extension(user));
  }
  ++stats_.calls;
  calls_.emplace(call.id, std::move(owned));
  call_by_txn_.emplace(txn, call.id);

  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  call.session->start({.caller = who,
                       .to = call.to,
                       .at = Instant{now.time_since_epoch()},
                       .presence = call.directory->presence(),
                       .state = call.routing.get()});
  run_actions(call);
}

void Proxy::run_actions(Call& call) {
  std::uint64_t id = call.id;
  call.running = true;
  for (;;) {
    while (auto action = call.session->next_action()) {
      switch (action->kind) {
        case Action::Kind::ring:
          end_prompts(call);
          ring(call, action->legs);
          if (config_.own_media) config_.own_media->ringback(call.id);  // after early media
          break;
        case Action::Kind::stop:
          stop(call, action->legs);
          break;
        case Action::Kind::play:
          play(call, *action);
          break;
        case Action::Kind::collect_digit:
          collect_digit(call, *action);
          break;
        case Action::Kind::voicemail:
          end_prompts(call);
          to_voicemail(call, action->user);
          break;
        case Action::Kind::connect:
          break;  // the 2xx went upstream when it arrived
        case Action::Kind::end:
          end_prompts(call);
          finish(call);
          break;
      }
    }
    if (call.busy_pending.empty()) break;
    std::vector<LegId> busy;
    busy.swap(call.busy_pending);
    for (LegId leg : busy) call.session->busy(leg, seconds(call));
  }
  call.running = false;
  if (config_.routing_state_changed)
    config_.routing_state_changed(call.directory->company(), *call.routing);
  arm_wake(call);
  maybe_erase(id);
}

void Proxy::arm_wake(Call& call) {
  timers_.cancel(call.wake);
  call.wake = TimerQueue::kNone;
  auto wake = call.session->ended() ? std::nullopt : call.session->wake_in();
  if (!wake) return;
  std::uint32_t target = call.session->now() + *wake;
  auto deadline = call.started + std::chrono::seconds(target);
  auto delay = std::chrono::duration_cast<TimerQueue::Duration>(deadline - timers_.now());
  std::uint64_t id = call.id;
  call.wake = timers_.start(std::max(delay, TimerQueue::Duration{0}), [this, id, target] {
    Call* c = find(id);
    if (c == nullptr) return;
    c->wake = TimerQueue::kNone;
    c->session->advance_to(target);
    run_actions(*c);
  });
}

void Proxy::ring(Call& call, std::span<const LegId> legs) {
  if (anchored_ring(call, legs)) return;  // media.cpp: the offer for the phones comes first
  for (LegId id : legs) fork_leg(call, call.session->leg(id));
}

void Proxy::stop(Call& call, std::span<const LegId> legs) {
  for (Branch& branch : call.branches) {
    if (branch.done || branch.media()) continue;
    if (std::find(legs.begin(), legs.end(), branch.leg) != legs.end()) layer_.cancel(branch.txn);
  }
}

void Proxy::finish(Call& call) {
  CallOutcome outcome = call.session->outcome();
  for (Branch& branch : call.branches)
    if (!branch.done && !branch.media()) layer_.cancel(branch.txn);
  if (call.anchor != 0) transfer_over(call);  // media.cpp
  switch (outcome.disposition) {
    case Disposition::answered:
      ++stats_.answered;
      break;
    case Disposition::voicemail:
      break;  // to_voicemail() answered or forked
    case Disposition::rejected:
      ++stats_.failed;
      if (outcome.reason == RejectReason::unknown_number ||
          outcome.reason == RejectReason::unknown_extension)
        respond_upstream(call, 404, "Not Found");
      else
        respond_upstream(call, 403, "Forbidden");
      break;
    case Disposition::unanswered:
      ++stats_.failed;
      if (call.best_failure == 486 || call.best_failure == 600)
        respond_upstream(call, 486, "Busy Here");
      else
        respond_upstream(call, 480, "Temporarily Unavailable");
      break;
    case Disposition::hangup:
    case Disposition::abandoned:
      respond_upstream(call, 487, "Request Terminated");
      break;
  }
}

void Proxy::cancel_call(ServerId txn) {
  auto it = call_by_txn_.find(txn);
  Call* call = it == call_by_txn_.end() ? nullptr : find(it->second);
  if (call == nullptr || call->final_sent) {
    // Perhaps a call handed to voicemail on the own media side and not answered yet.
    if (config_.own_media) config_.own_media->cancelled(txn);
    return;
  }
  respond_upstream(*call, 487, "Request Terminated");
  for (Branch& branch : call->branches)
    if (!branch.done) layer_.cancel(branch.txn);
  call->session->caller_hung_up(seconds(*call));
  run_actions(*call);
}

void Proxy::maybe_erase(std::uint64_t call_id) {
  Call* call = find(call_id);
  if (call == nullptr || call->running) return;
  if (!call->session->ended() || !call->final_sent) return;
  for (const Branch& branch : call->branches)
    if (!branch.done) return;
  setup_over(*call);
  if (config_.own_media) config_.own_media->call_over(call_id);
  timers_.cancel(call->wake);
  timers_.cancel(call->give_up);
  call_by_txn_.erase(call->txn);
  if (session_pool_.size() < 64) session_pool_.push_back(std::move(call->session));
  calls_.erase(call_id);
}

}  // namespace callplan::sip
