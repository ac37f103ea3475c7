// The media server's jobs (docs/sip-server.md, "Media server"): the proxy mixes no media, so
// voicemail, announcements and menu prompts are branches to --media-server, told what to do
// by an X-Callplan-Action header:
//
//   X-Callplan-Action: voicemail;user=105
//   X-Callplan-Action: announcement;audio="closed.wav";text="We are closed"
//   X-Callplan-Action: menu;prompt="menu.wav";timeout=5
//
// Voicemail takes the call: the media server answers it and its answer is the caller's.
// Announcements and menus are early media: the media server sends 183 with SDP (relayed to
// the caller), plays the prompt, and ends its branch with a final non-2xx response; for a
// menu that response carries the digit pressed, `X-Callplan-Digit: 1`, which goes to the
// session. The caller's INVITE is still pending meanwhile, so routing goes on afterwards
// exactly as the plan says.
//
// Each job is its own request toward the media server: its own Call-ID, From tag and branch
// (media_job_request), so "announcement, then voicemail" are two calls to it, not a merged
// request (482). What comes back is translated to the caller's dialog as for any branch.
//
// Without --media-server, the jobs go to callplan's own media side (config_.own_media,
// src/sip/b2bua), which answers the caller itself; this file only dispatches to it.
#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "model/words.hpp"
#include "sip/proxy/call.hpp"
#include "sip/proxy/next_hop.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/writer.hpp"

namespace callplan::sip {
namespace {

// A quoted-string parameter value: quotes and backslashes escaped, line breaks dropped.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\r' || c == '\n') continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

std::optional<Peer> Proxy::media_server() const {
  if (config_.media_server.empty()) return std::nullopt;
  Uri uri;
  if (parse_uri(config_.media_server, uri) != UriError::none) return std::nullopt;
  return peer_of_uri(uri);
}

// A prompt job's own identity toward the media server: a fresh Call-ID and From tag for each
// job (two jobs of one call never look like one request forked twice, RFC 3261 8.2.2.2), the
// caller's own From URI and display name kept so the media server knows who calls.
Proxy::MediaJobIds Proxy::media_job_ids(const Call& call) const {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::string tag = fmt::format("{:016x}", random());
  MediaJobIds ids;
  ids.call_id = fmt::format("{:016x}{:016x}@callplan", random(), random());
  const NameAddr& from = call.invite.from;
  ids.from = from.display_name.empty()
                 ? fmt::format("<{}>;tag={}", from.uri.text, tag)
                 : fmt::format("{}{}{} <{}>;tag={}", from.display_quoted ? "\"" : "",
                               from.display_name, from.display_quoted ? "\"" : "", from.uri.text,
                               tag);
  return ids;
}

// What the caller gets of a prompt job's 1xx (183 with the media server's SDP): a response
// to its own INVITE, carrying the media server's To tag (the early dialog) and session.
std::string Proxy::media_job_progress(const Call& call, const Message& response) const {
  std::string contact = fmt::format("<sip:{}>", transport_.local(call.caller.protocol).host_port());
  HeaderLine line{"Contact", contact};
  return build_response(call.invite, response.status_code, response.reason_phrase,
                        {.to_tag = response.to.tag(),
                         .extra = std::span(&line, 1),
                         .body = response.body,
                         .content_type = response.content_type});
}

CallerSide Proxy::caller_side(const Call& call) const {
  return {.call = call.id, .txn = call.txn, .invite = &call.invite, .to_tag = call.to_tag,
          .caller = call.caller};
}

// Why the call went to voicemail (the message's record, SPEC 10): a phone said busy; phones
// rang and nobody answered; the plan rang nobody (closed: a schedule sent it there); or the
// users it rang had no phone registered.
VoicemailJob Proxy::voicemail_job(const Call& call, UserIndex user) const {
  const Directory& directory = *call.directory;
  const Engine& engine = *directory.engine();
  const Directory::MailboxOwner& owner = directory.owner(user);
  VoicemailJob job;
  job.company = directory.company();
  job.extension = engine.extension(user);
  job.caller = call.record.caller.empty() ? std::string(call.invite.from.uri.user) : call.record.caller;
  job.caller_name = std::string(call.invite.from.display_name);
  job.called = call.to;
  bool rang = std::any_of(call.branches.begin(), call.branches.end(),
                          [](const Branch& b) { return !b.media(); });
  if (call.best_failure == 486 || call.best_failure == 600)
    job.reason = "busy";
  else if (rang)
    job.reason = "no_answer";
  else if (call.session->legs().empty())
    job.reason = "closed";
  else
    job.reason = "unavailable";
  job.time_zone = engine.timezone().empty() ? "UTC" : std::string(engine.timezone());
  job.email = owner.email;
  job.email_name = fmt::format("{} {}", owner.first_name, owner.last_name);
  job.language = directory.language();
  std::string name = fmt::format("{} {}", owner.first_name, owner.last_name);
  if (name == " ") name = fmt::format("extension {}", job.extension);
  job.greeting = job.language == "nl"
                     ? fmt::format("{} is niet bereikbaar, spreek een bericht in na de toon", name)
                     : fmt::format("{} is not available, please leave a message after the tone", name);
  return job;
}

std::uint64_t Proxy::anchor_of(const Call& call) const {
  return call.anchor != 0 ? call.anchor : call.id;
}

bool Proxy::anchored(const Call& call) const {
  return config_.own_media != nullptr && config_.own_media->answered(anchor_of(call));
}

// The own media side answered the caller. A menu: the caller's INVITE has its final
// response, ours. Voicemail: the mailbox took the call, now; the proxy is done with such a
// call as soon as it hands it over, so its record is usually open already.
void Proxy::own_media_answered(std::uint64_t call_id) {
  Call* call = find(call_id);
  if (call == nullptr) {
    auto open = open_records_.find(own_media_key(call_id));
    if (open != open_records_.end() && !open->second.record.answer)
      open->second.record.answer = CallRecord::Clock::now();
    return;
  }
  if (call->own_voicemail && !call->record.answer) call->record.answer = wall(*call);
  if (call->final_sent) return;
  call->final_sent = true;
  call->final_status = 200;
}

// The caller we answered hung up before a phone answered: as a CANCEL would, but the
// caller's INVITE needs no 487 (it was answered).
void Proxy::own_media_caller_left(std::uint64_t call_id) {
  Call* call = find(call_id);
  if (call == nullptr) return;
  for (Branch& branch : call->branches)
    if (!branch.done) layer_.cancel(branch.txn);
  if (!call->session->ended()) call->session->caller_hung_up(seconds(*call));
  if (!call->running) run_actions(*call);
}

// Phones rung for an answered caller get the offer of the own media side's phone leg: when
// it is not made yet (the media process has not replied), the legs ring once it is; when it
// cannot be made, they drop out as a leg with nothing to ring does.
bool Proxy::anchored_ring(Call& call, std::span<const LegId> legs) {
  if (!anchored(call)) return false;
  enum : int { waiting = 0, ready = 1, failed = 2, deferred = 3 };
  auto state = std::make_shared<int>(waiting);
  std::vector<LegId> later(legs.begin(), legs.end());
  std::uint64_t id = call.id;
  config_.own_media->when_offer(anchor_of(call), [this, id, later, state](bool ok) {
    if (*state != deferred) {
      *state = ok ? ready : failed;
      return;
    }
    Call* c = find(id);
    if (c == nullptr || c->session->ended()) return;
    for (LegId leg : later) {
      if (ok)
        fork_leg(*c, c->session->leg(leg));
      else
        c->busy_pending.push_back(leg);
    }
    if (!c->running) run_actions(*c);
  });
  if (*state == ready) return false;
  if (*state == failed) {
    call.busy_pending.insert(call.busy_pending.end(), later.begin(), later.end());
    return true;
  }
  *state = deferred;
  return true;
}

// A phone's 2xx for an answered caller: the own media side ACKs it and bridges it to the
// caller; here the session hears of it, the other branches stop and the record notes it (it
// is closed by the own media side's on_ended, at the BYE of either side).
bool Proxy::anchored_answer(Call& call, std::size_t index, const Message& response) {
  Branch& branch = call.branches[index];
  if (branch.media() || !anchored(call)) return false;
  if ((call.winner && *call.winner != index) || (!call.winner && call.session->ended())) {
    end_late_answer(call, index, response);
    return true;
  }
  if (branch.done) {  // a retransmission of the answer: ACKed again
    config_.own_media->phone_answered(anchor_of(call), response, branch.to, branch.device);
    return true;
  }
  branch.done = true;
  branch.status = response.status_code;
  call.winner = index;
  call.answered = true;
  call.final_status = 200;
  call.record.answer = wall(call);
  call.record.answered_device = branch.device;
  if (call.anchor == 0) {
    // The caller's call: its record is closed at the BYE of either side (on_ended), and a
    // transfer routes from what it keeps here. A transfer's call is recorded at once.
    call.dialog_key = own_media_key(call.id);
    anchored_calls_[call.id] = AnchoredCall{call.directory, call.routing, call.invite_bytes, call.caller};
  }
  for (std::size_t i = 0; i < call.branches.size(); ++i)
    if (i != index && !call.branches[i].done) layer_.cancel(call.branches[i].txn);
  config_.own_media->phone_answered(anchor_of(call), response, branch.to, branch.device);
  std::uint32_t t = seconds(call);
  call.session->answered(branch.leg, t);
  if (!call.session->ended()) call.session->caller_hung_up(t);
  if (!call.running) run_actions(call);
  return true;
}

// A phone bridged to a caller we answered transferred it (REFER): a call of its own rings
// the target, routed by the session as if the phone that transferred had dialled it (an
// extension's personal plan, or the trunk with that user's caller ID; SPEC 3), its INVITEs
// carrying the caller's identity (phone_legs.cpp). It only rings: announcements, menus and
// voicemail of the target's plan are not taken, and after transfer_timeout the call goes back
// to the phone that transferred it (transfer_over). `target` "" is that going back when that
// phone hung up already: it rings the phone's own extension. A session never rings its
// caller's own user (SPEC 3.3), so that call is routed as if another user of the company
// dialled; who is shown is the caller's identity all the same.
std::uint64_t Proxy::own_media_transfer(std::uint64_t anchor, std::string_view target,
                                        std::string_view transferor) {
  auto found = anchored_calls_.find(anchor);
  if (found == anchored_calls_.end()) return 0;
  const AnchoredCall& from = found->second;
  const Engine& engine = *from.directory->engine();
  auto device = from.directory->device_of(transferor);
  if (!device || engine.device_user(*device) == kNoUser) return 0;
  UserIndex transferor_user = engine.device_user(*device);
  Caller who = Caller::from_device(*device);
  std::string to(target);
  if (to.empty()) {  // back to the phone that transferred
    to = std::string(engine.extension(transferor_user));
    UserIndex other = kNoUser;
    for (std::size_t u = 0; u < engine.user_count() && other == kNoUser; ++u)
      if (static_cast<UserIndex>(u) != transferor_user) other = static_cast<UserIndex>(u);
    if (other == kNoUser) return 0;
    who = Caller::from_user(other);
  }
  auto owned = std::make_unique<Call>();
  Call& call = *owned;
  call.id = next_call_++;
  call.anchor = anchor;
  call.invite_bytes = from.invite_bytes;
  if (!parse_message(call.invite_bytes, call.invite).ok()) return 0;
  call.caller = from.caller;
  call.directory = from.directory;
  call.routing = from.routing;
  call.to = to;
  call.started = timers_.now();
  call.final_sent = true;  // nobody waits for a response: the caller was answered long ago
  call.final_status = 200;
  call.session = std::make_unique<CallSession>(call.directory->engine());
  call.record.start = CallRecord::Clock::now();
  call.record.call_id = fmt::format("{};transfer={}", call.invite.call_id, call.id);
  call.record.company = call.directory->company();
  call.record.dialled = call.to;
  call.record.caller_device = std::string(transferor);
  call.record.caller = std::string(engine.extension(transferor_user));
  ++stats_.calls;
  std::uint64_t id = call.id;
  calls_.emplace(id, std::move(owned));
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  call.session->start({.caller = who,
                       .to = call.to,
                       .at = Instant{now.time_since_epoch()},
                       .presence = call.directory->presence(),
                       .state = call.routing.get()});
  if (config_.log)
    config_.log(fmt::format("call {}: transfer by {} rings {}", call.invite.call_id, transferor, to));
  call.give_up = timers_.start(config_.transfer_timeout, [this, id] {
    Call* c = find(id);
    if (c == nullptr) return;
    c->give_up = TimerQueue::kNone;
    if (c->answered || c->session->ended()) return;
    for (Branch& branch : c->branches)
      if (!branch.done) layer_.cancel(branch.txn);
    c->session->caller_hung_up(seconds(*c));
    if (!c->running) run_actions(*c);
  });
  run_actions(call);
  return id;
}

void Proxy::transfer_over(Call& call) {
  if (call.answered) return;  // the target is bridged to the caller now
  config_.own_media->transfer_failed(call.anchor);
}

void Proxy::own_media_digit(std::uint64_t call_id, char digit) {
  Call* call = find(call_id);
  if (call == nullptr || call->session->ended()) return;
  call->session->digit(digit, seconds(*call));
  if (!call->running) run_actions(*call);
}

// A prompt played on the own media side has ended. Today the session times prompts itself
// (it goes on after the prompt's length), so there is nothing to tell it; a session that lets
// the host time prompts (SPEC 3.9: the prompt really played to its end) is told here.
void Proxy::own_media_prompt_ended(std::uint64_t call_id) {
  Call* call = find(call_id);
  if (call == nullptr || call->session->ended()) return;
  if (config_.log)
    config_.log(fmt::format("call {}: prompt played at {} s", call->invite.call_id, seconds(*call)));
}

void Proxy::to_voicemail(Call& call, UserIndex user) {
  std::string_view extension = call.directory->engine()->extension(user);
  if (call.anchor != 0) {  // a transfer rings only: its end sends the call back (transfer_over)
    if (config_.log)
      config_.log(fmt::format("call {}: transfer target's voicemail of {} not taken: the call goes back",
                              call.record.call_id, extension));
    return;
  }
  auto to = media_server();
  if (!to && config_.own_media && (!call.final_sent || anchored(call))) {
    // The own media side answers the caller from now on; the proxy's part is over, but the
    // record waits for the end of the voicemail call (own_media_voicemail_over). After a
    // menu the caller is answered already: the mailbox takes the call now.
    if (anchored(call)) call.record.answer = wall(call);
    call.own_voicemail = true;
    call.dialog_key = own_media_key(call.id);
    call.record.answered_device = "media-server";
    call.final_sent = true;
    call.final_status = 200;
    config_.own_media->voicemail(caller_side(call), voicemail_job(call, user));
    return;
  }
  if (!to) {
    std::string warning = fmt::format(
        "399 callplan \"voicemail of {} needs a media server (--media-server)\"", extension);
    HeaderLine line{"Warning", warning};
    respond_upstream(call, 480, "Temporarily Unavailable", std::span(&line, 1));
    return;
  }
  std::string action = fmt::format("voicemail;user={}", extension);
  HeaderLine line{"X-Callplan-Action", action};
  send_branch(call, 0, *to, config_.media_server, {}, {}, std::span(&line, 1),
              BranchKind::voicemail);
}

void Proxy::play(Call& call, const Action& action) {
  if (call.anchor != 0) return;  // a transfer rings only
  auto to = media_server();
  if (!to && config_.own_media) {
    if (!call.final_sent || anchored(call))
      config_.own_media->announce(caller_side(call), {.folder = call.directory->folder(),
                                                      .audio = action.audio,
                                                      .text = action.text,
                                                      .language = call.directory->language()});
    return;
  }
  if (!to) {
    if (config_.log)
      config_.log(fmt::format("call {}: announcement '{}' not played: no --media-server",
                              call.invite.call_id, action.audio.empty() ? action.text : action.audio));
    return;
  }
  end_prompts(call);
  std::string what = "announcement";
  if (!action.audio.empty()) what += ";audio=" + quoted(action.audio);
  if (!action.text.empty()) what += ";text=" + quoted(action.text);
  HeaderLine line{"X-Callplan-Action", what};
  send_branch(call, 0, *to, config_.media_server, {}, {}, std::span(&line, 1),
              BranchKind::announcement);
}

void Proxy::collect_digit(Call& call, const Action& action) {
  if (call.anchor != 0) return;  // a transfer rings only (its time-out ends it)
  end_prompts(call);  // a re-prompt replaces the previous one
  auto to = media_server();
  if (!to && config_.own_media) {
    if (!call.final_sent || anchored(call))
      config_.own_media->menu(caller_side(call),
                              {.folder = call.directory->folder(),
                               .audio = action.audio,
                               .text = action.text,
                               .language = call.directory->language()},
                              action.timeout);
    return;
  }
  if (!to) {
    if (config_.log)
      config_.log(fmt::format("call {}: menu prompt '{}': no --media-server, so no digit",
                              call.invite.call_id, action.audio));
    return;
  }
  std::string what = fmt::format("menu;prompt={};timeout={}", quoted(action.audio), action.timeout);
  HeaderLine line{"X-Callplan-Action", what};
  send_branch(call, 0, *to, config_.media_server, {}, {}, std::span(&line, 1), BranchKind::menu);
}

void Proxy::end_prompts(Call& call) {
  if (config_.own_media) config_.own_media->end_menu(call.id);
  for (Branch& branch : call.branches) {
    if (!branch.done &&
        (branch.kind == BranchKind::menu || branch.kind == BranchKind::announcement))
      layer_.cancel(branch.txn);
  }
}

void Proxy::media_final(Call& call, std::size_t index, const Message& response) {
  const Branch& branch = call.branches[index];
  if (branch.kind == BranchKind::voicemail) {
    // The media server's own answer is the caller's.
    if (!call.final_sent) {
      call.final_sent = true;
      layer_.respond(call.txn, build_forwarded_response(response));
    }
    return;
  }
  if (branch.kind != BranchKind::menu) return;
  const Header* digit = response.find("X-Callplan-Digit");
  if (digit == nullptr || !is_dtmf_key(digit->value)) return;  // no digit: the menu times out
  call.session->digit(digit->value[0], seconds(call));
  if (!call.running) run_actions(call);
}

}  // namespace callplan::sip
