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

bool Proxy::anchored(const Call& call) const {
  return config_.own_media != nullptr && config_.own_media->answered(call.id);
}

// The menu answered the caller: the caller's INVITE has its final response, ours.
void Proxy::own_media_answered(std::uint64_t call_id) {
  Call* call = find(call_id);
  if (call == nullptr || call->final_sent) return;
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
  config_.own_media->when_offer(id, [this, id, later, state](bool ok) {
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
    config_.own_media->phone_answered(call.id, response, branch.to);
    return true;
  }
  branch.done = true;
  branch.status = response.status_code;
  call.winner = index;
  call.answered = true;
  call.final_status = 200;
  call.record.answer = wall(call);
  call.record.answered_device = branch.device;
  call.dialog_key = fmt::format("own-media:{}", call.id);
  for (std::size_t i = 0; i < call.branches.size(); ++i)
    if (i != index && !call.branches[i].done) layer_.cancel(call.branches[i].txn);
  config_.own_media->phone_answered(call.id, response, branch.to);
  std::uint32_t t = seconds(call);
  call.session->answered(branch.leg, t);
  if (!call.session->ended()) call.session->caller_hung_up(t);
  if (!call.running) run_actions(call);
  return true;
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
  auto to = media_server();
  if (!to && config_.own_media && (!call.final_sent || anchored(call))) {
    // The own media side answers the caller from now on; the proxy's part is over.
    config_.own_media->voicemail(caller_side(call), voicemail_job(call, user));
    call.final_sent = true;
    call.final_status = 200;
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
