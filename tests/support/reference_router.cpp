// The naive reference router: SPEC 3 and 5 on the model, second by second.
//
// Written from SPEC.md alone (not from src/route) so that the property tests compare two
// independent readings of the contract. Clarity over speed: every wait loops over whole
// seconds, every lookup is a linear search over the model.
//
// How this file reads the SPEC where it is silent or ambiguous (each numbered so that the
// property test report can refer to them):
//
//  R1  Entry (3.1). `from` is an internal caller when it equals a user's extension, otherwise
//      an external caller ("anonymous" included). An internal caller whose user has no linked
//      device is rejected with reason "unlinked_device". `to` equal to a tenant number enters
//      that number's plan; `to` equal to an extension enters that user's personal plan, but
//      only for internal callers (an external caller cannot dial an extension: rejected,
//      "unknown_number"). An internal caller dialling 2-6 digits that are no extension is
//      rejected with reason "unknown_extension"; dialling anything else is outbound: one
//      `ring` of the number for 60 s, at the step path "outbound" (the SPEC names neither;
//      both as docs/routing.md documents the engine), showing the caller ID of R15.
//      Everything else is rejected with reason "unknown_number".
//      Rejection: a `reject` event {reason} at t=0 and result {rejected, reason}.
//  R2  Every result carries `t`, the second the call ended (the SPEC example shows it only
//      for `answered`).
//  R3  The default personal plan (3.2) of user X is traced as plan "personal:X" with steps
//      "personal:X/0" (ring X for 30 s) and "personal:X/1" (voicemail, only when X has
//      voicemail on). A user with `plan:` set uses that plan's id.
//  R4  Plans (3.7): every entered plan is "already in" (goto and followed transfers never
//      return). Entering one again emits {type: loop, plan, step: the goto/transfer step}
//      and the timeline goes on. The 17th plan is refused the same way, with an extra field
//      `limit: 16`. Each successful entry emits {type: plan, plan, step: plan id}. When an
//      entered plan runs out, the call ends `unanswered` (the rest of the plan that handed
//      the call over is not followed).
//  R5  Availability (3.3) is per user: no linked device -> `no_device`; otherwise the
//      scenario presence (default available). Device SIP credentials are not considered.
//      Checks per member, in this order: listed earlier in this step -> skip `duplicate`
//      (also when the earlier listing was itself skipped); the caller's own user -> skip
//      `caller`; unavailable -> skip with the presence. External numbers are always tried
//      (never `caller`, even when equal to the calling number).
//  R6  Skips are emitted when the member's turn comes (cascade: at the second the previous
//      turn ended), before the `ring` event of that turn. All legs started in the same second
//      by one turn form one `ring` event, in placement order.
//  R7  A target scripted `busy` is rung and rejects at once: `ring` then `stop` {reason busy}
//      at the same t (one stop event for all legs of the turn that reject). A step/turn whose
//      legs have all dropped out ends at once. A turn that starts no new leg (all skipped)
//      takes no time, also in memory_hunt while older legs still ring.
//  R8  A leg rings from its start s and answers at s+S when it is still ringing then. At one
//      second the order is: answers (first leg in start order wins), then the caller's
//      hang-up, then timers. So an answer at exactly the time-out wins, and a hang-up at the
//      time-out wins over the time-out. A caller hang-up stops ringing legs with reason
//      `caller_hangup`; result `abandoned`. `--hangup-after 0` takes effect at the first wait.
//  R9  After an answer, the other legs still ringing get no `stop` event: the SPEC 5 example
//      (001 still ringing in the memory hunt when 002 answers at 52) shows none.
//      (Readings::stop_answered_elsewhere gives the other reading: stop {answered_elsewhere}.)
//  R10 max_duration counts from the group's start. When it falls on the same second as a
//      turn's time-out, max_duration wins: the ringing legs stop with reason `max_duration`
//      and no further member is considered (no further skip events).
//      (Readings::timeout_wins_cap_tie gives the other reading: reason `timeout` when the cap
//      falls on the time-out of the group's last turn, as the cap then shortened nothing.)
//  R11 round_robin state is kept per ring group under its step path. The call starts at the
//      stored position (0 when none), goes once around the members; afterwards the position
//      is the member after the one that answered, else the member after this call's first
//      position (whether or not that member could be rung). Left unchanged when the group is
//      never reached. Positions are placement indexes, so a member listed twice is passed.
//      (Readings::round_robin_position_by_name gives the other reading.)
//  R12 Time conditions are evaluated at the call's instant plus the seconds elapsed (a
//      condition after a 30 s transfer is evaluated 30 s later).
//  R13 Announcements and prompts take their measured length (SPEC 3.9), in whole seconds
//      rounded up; unmeasured ones take none. Event {type: announcement, audio|text, seconds,
//      step}; the next step starts `seconds` later (a hang-up meanwhile ends the call, R8).
//  R14 Menus: a prompt is played up to 1 + retries times; each play is numbered (attempt 1,
//      2, ...) and emits {type: menu, prompt|prompt_text, seconds, attempt, timeout, step} at
//      the second it starts. Each play consumes the next scripted digit, pressed when the
//      prompt has played (`seconds` later); `_`
//      presses nothing for that play, and so does a play with no digit left. A pressed digit
//      emits {type: menu, digit, step} at the same second when the menu has that option and
//      follows it (path "<menu>/<digit>/<i>"); otherwise {type: menu, digit, invalid: true,
//      step}. Nothing pressed: the menu waits `timeout` s, then emits {type: menu, no_digit:
//      true, step} (a hang-up in that wait ends the call first, R8). After an unknown digit
//      or nothing, the prompt plays again; when the plays run out, the last play decides: an
//      unknown digit follows `invalid` ("<menu>/invalid/<i>") when given, otherwise (and
//      after nothing) the timeline goes on with the next step. (The event shapes are those
//      docs/routing.md documents; the SPEC only lists the `menu` type.)
//  R15 Caller ID (SPEC 3.8). Internal legs show the caller: the calling user's extension, or
//      the calling number (`anonymous` as it is). External legs show the caller as seen from
//      outside: for a calling user the user's `caller_id` (`anonymous` when the user has
//      none), for an external caller the calling number. A transfer with a `caller_id` other
//      than `caller` shows that number on its external leg instead. A `ring` event carries
//      {targets, timeout, step}, plus `caller_id` (what the external leg shows) when one of
//      the legs it starts is external and shows something other than what internal legs
//      show.
//  R16 `call.at` is the instant as ISO 8601 with the offset of the tenant's zone.
#include "support/reference_router.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

namespace callplan::reference {

std::string_view to_string(Presence p) {
  switch (p) {
    case Presence::available: return "available";
    case Presence::offline: return "offline";
    case Presence::busy: return "busy";
    case Presence::dnd: return "dnd";
  }
  return "available";
}

std::string default_personal_plan_id(std::string_view extension) {
  return "personal:" + std::string(extension);
}

namespace {

using nlohmann::json;

// R1: how long an outbound call rings.
constexpr std::uint32_t kOutboundTimeoutSeconds = 60;

// Does the timeline go on after a step, or has the call ended?
enum class Flow { next, ended };

bool looks_like_extension(std::string_view s) {
  return s.size() >= 2 && s.size() <= 6 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string format_instant(const Tenant& tenant, Instant at) {
  try {
    const date::time_zone* zone = date::locate_zone(tenant.info.timezone.value);
    return date::format("%FT%T%Ez", date::make_zoned(zone, at));
  } catch (const std::exception&) {
    return date::format("%FT%TZ", at);
  }
}

// A target that is ringing in the current step.
struct Leg {
  std::string target;
  std::size_t member_index = 0;  // placement index in the step's member list
  bool rejects_busy = false;
  std::optional<int> answers_at;  // absolute second
};

struct RingResult {
  Flow flow = Flow::next;
  std::optional<std::size_t> answered_member;  // placement index of the member that answered
};

// What ended a wait.
struct WaitResult {
  enum class Kind { answered, abandoned, deadline } kind = Kind::deadline;
  std::size_t leg = 0;  // answered: index into the legs
};

class Router {
 public:
  Router(const Tenant& tenant, const ScheduleMatcher& schedules, const Scenario& scenario,
         RoundRobinState& round_robin, const Readings& readings)
      : tenant_(tenant),
        schedules_(schedules),
        scenario_(scenario),
        round_robin_(round_robin),
        readings_(readings) {}

  json run() {
    json trace;
    trace["call"] = {{"from", scenario_.from},
                     {"to", scenario_.to},
                     {"at", format_instant(tenant_, scenario_.at)}};
    route_call();
    trace["events"] = events_;
    trace["result"] = result_;
    return trace;
  }

 private:
  // --- the model, looked up naively --------------------------------------------------------

  const User* find_user(std::string_view extension) const {
    for (const User& u : tenant_.users)
      if (u.extension.value == extension) return &u;
    return nullptr;
  }

  const Plan& plan_by_id(std::string_view id) const {
    for (const Plan& p : tenant_.plans)
      if (p.id.value == id) return p;
    throw std::invalid_argument("reference router: unknown plan " + std::string(id));
  }

  bool has_linked_device(std::string_view extension) const {
    return std::any_of(tenant_.devices.begin(), tenant_.devices.end(),
                       [&](const Device& d) { return d.user.value == extension; });
  }

  Presence presence_of(const std::string& extension) const {
    auto it = scenario_.presence.find(extension);
    return it == scenario_.presence.end() ? Presence::available : it->second;
  }

  std::string personal_plan_id(const User& user) const {
    return user.plan.value.empty() ? default_personal_plan_id(user.extension.value)
                                   : user.plan.value;
  }

  // --- the trace ---------------------------------------------------------------------------

  void emit(json event) {
    event["t"] = now_;
    events_.push_back(std::move(event));
  }

  Flow finish(json result) {
    result["t"] = now_;
    result_ = std::move(result);
    return Flow::ended;
  }

  static json targets_of(const std::vector<Leg>& legs) {
    json targets = json::array();
    for (const Leg& l : legs) targets.push_back(l.target);
    return targets;
  }

  // --- entry (SPEC 3.1) --------------------------------------------------------------------

  void route_call() {
    const User* caller = find_user(scenario_.from);
    // R15: what internal and external legs show of this caller.
    shown_inside_ = scenario_.from;
    shown_outside_ = scenario_.from;
    if (caller) {
      caller_extension_ = caller->extension.value;
      shown_outside_ = caller->caller_id.value.empty() ? "anonymous" : caller->caller_id.value;
      if (!has_linked_device(caller_extension_)) return reject("unlinked_device");
    }
    for (const Number& n : tenant_.numbers) {
      if (n.number.value == scenario_.to) {
        enter_plan(n.plan.value, "");
        return;
      }
    }
    if (const User* callee = find_user(scenario_.to)) {
      if (!caller) return reject("unknown_number");
      enter_plan(personal_plan_id(*callee), "");
      return;
    }
    if (caller && looks_like_extension(scenario_.to)) return reject("unknown_extension");
    if (caller && !scenario_.to.empty()) return outbound();
    reject("unknown_number");
  }

  void reject(const std::string& reason) {
    emit({{"type", "reject"}, {"reason", reason}});
    finish({{"disposition", "rejected"}, {"reason", reason}});
  }

  void outbound() {
    const std::vector<std::string> members{scenario_.to};
    if (ring_turns(members, {{0}}, false, kOutboundTimeoutSeconds, 0, "outbound",
                   shown_outside_)
            .flow == Flow::next)
      finish({{"disposition", "unanswered"}});
  }

  // --- plans (SPEC 3.2, 3.7) ---------------------------------------------------------------

  // Enters plan `id` (a plan id or a default personal plan id) from the step at `via` (empty
  // for the call's entry). Returns Flow::next only when the plan was refused (loop or limit).
  Flow enter_plan(const std::string& id, const std::string& via) {
    if (std::find(entered_.begin(), entered_.end(), id) != entered_.end()) {
      emit({{"type", "loop"}, {"plan", id}, {"step", via}});
      return Flow::next;
    }
    if (entered_.size() >= kMaxPlansPerCall) {
      emit({{"type", "loop"}, {"plan", id}, {"step", via}, {"limit", kMaxPlansPerCall}});
      return Flow::next;
    }
    entered_.push_back(id);
    emit({{"type", "plan"}, {"plan", id}, {"step", id}});
    Flow flow = Flow::next;
    if (id.rfind("personal:", 0) == 0) {
      flow = run_default_personal_plan(id, id.substr(std::string("personal:").size()));
    } else {
      flow = run_steps(plan_by_id(id).steps, id);
    }
    if (flow == Flow::next) return finish({{"disposition", "unanswered"}});
    return Flow::ended;
  }

  Flow run_default_personal_plan(const std::string& id, const std::string& extension) {
    const User* user = find_user(extension);
    if (!user) throw std::invalid_argument("reference router: unknown user " + extension);
    std::vector<std::string> members{extension};
    if (ring_turns(members, {{0}}, false, kDefaultTimeoutSeconds, 0, id + "/0",
                   shown_outside_)
            .flow == Flow::ended)
      return Flow::ended;
    if (user->voicemail.value) return voicemail(extension, id + "/1");
    return Flow::next;
  }

  // --- the timeline (SPEC 3.3) -------------------------------------------------------------

  Flow run_steps(const StepList& steps, const std::string& prefix) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (run_step(steps[i], prefix + "/" + std::to_string(i)) == Flow::ended) return Flow::ended;
    }
    return Flow::next;
  }

  Flow run_step(const Step& step, const std::string& path) {
    if (const auto* s = std::get_if<Transfer>(&step.body)) return transfer(*s, path);
    if (const auto* s = std::get_if<RingGroup>(&step.body)) return ring_group(*s, path);
    if (const auto* s = std::get_if<TimeCondition>(&step.body)) return time_condition(*s, path);
    if (const auto* s = std::get_if<Voicemail>(&step.body)) return voicemail(s->user.value, path);
    if (const auto* s = std::get_if<Announcement>(&step.body)) return announcement(*s, path);
    if (const auto* s = std::get_if<Menu>(&step.body)) return menu(*s, path);
    if (const auto* s = std::get_if<Goto>(&step.body)) return enter_plan(s->plan.value, path);
    emit({{"type", "hangup"}, {"step", path}});
    return finish({{"disposition", "hangup"}});
  }

  Flow transfer(const Transfer& t, const std::string& path) {
    const User* user = find_user(t.to.value);
    if (user && t.follow_personal_plan.value) return enter_plan(personal_plan_id(*user), path);
    std::vector<std::string> members{t.to.value};
    const bool fixed = !t.caller_id.value.empty() && t.caller_id.value != "caller";
    return ring_turns(members, {{0}}, false, t.timeout.value, 0, path,
                      fixed ? t.caller_id.value : shown_outside_)
        .flow;
  }

  Flow ring_group(const RingGroup& g, const std::string& path) {
    std::vector<std::string> members;
    for (const auto& m : g.members) members.push_back(m.value);
    const std::size_t n = members.size();
    std::vector<std::vector<std::size_t>> turns;
    bool keep_ringing = false;
    std::size_t rr_start = 0;
    switch (g.strategy.value) {
      case Strategy::ring_all: {
        std::vector<std::size_t> all;
        for (std::size_t i = 0; i < n; ++i) all.push_back(i);
        turns.push_back(all);
        break;
      }
      case Strategy::memory_hunt:
        keep_ringing = true;
        [[fallthrough]];
      case Strategy::cascade:
        for (std::size_t i = 0; i < n; ++i) turns.push_back({i});
        break;
      case Strategy::round_robin: {
        auto it = round_robin_.find(path);
        rr_start = (it == round_robin_.end() || n == 0) ? 0 : it->second % n;
        for (std::size_t k = 0; k < n; ++k) turns.push_back({(rr_start + k) % n});
        break;
      }
      case Strategy::random:
        throw std::invalid_argument("reference router: `random` ring groups are not modelled");
    }
    RingResult r = ring_turns(members, turns, keep_ringing, g.timeout.value,
                              g.max_duration.value, path, shown_outside_);
    if (g.strategy.value == Strategy::round_robin && n > 0) {
      std::size_t last = r.answered_member ? *r.answered_member : rr_start;
      if (readings_.round_robin_position_by_name) {
        last = static_cast<std::size_t>(
            std::find(members.begin(), members.end(), members[last]) - members.begin());
      }
      round_robin_[path] = (last + 1) % n;
    }
    return r.flow;
  }

  Flow time_condition(const TimeCondition& c, const std::string& path) {
    const bool matched =
        schedules_(c.schedule.value, scenario_.at + std::chrono::seconds{now_});
    emit({{"type", "condition"},
          {"schedule", c.schedule.value},
          {"matched", matched},
          {"step", path}});
    if (matched && c.then_steps) return run_steps(*c.then_steps, path + "/then");
    if (!matched && c.else_steps) return run_steps(*c.else_steps, path + "/else");
    return Flow::next;
  }

  Flow voicemail(const std::string& user, const std::string& path) {
    emit({{"type", "voicemail"}, {"user", user}, {"step", path}});
    return finish({{"disposition", "voicemail"}, {"user", user}});
  }

  // R13: 2.2 s plays for 3 whole seconds; 2 s (give or take a rounding error) for 2.
  static int prompt_seconds(const PromptSeconds& s) {
    if (!s || *s <= 0) return 0;
    int whole = static_cast<int>(*s);
    if (*s - whole > 1e-6) ++whole;
    return whole;
  }

  // Plays a prompt to its end; false when the caller hung up meanwhile.
  bool play(int seconds) {
    if (seconds == 0) return true;
    std::vector<Leg> none;
    return wait_until(none, now_ + seconds).kind != WaitResult::Kind::abandoned;
  }

  Flow announcement(const Announcement& a, const std::string& path) {
    json event = {{"type", "announcement"}, {"step", path}};
    if (!a.audio.value.empty()) event["audio"] = a.audio.value;
    if (!a.text.value.empty()) event["text"] = a.text.value;
    const int seconds = prompt_seconds(a.seconds);
    event["seconds"] = seconds;
    emit(std::move(event));
    if (!play(seconds)) return finish({{"disposition", "abandoned"}});
    return Flow::next;
  }

  Flow menu(const Menu& m, const std::string& path) {
    const std::uint32_t plays = m.retries.value + 1;
    bool last_was_invalid = false;
    for (std::uint32_t attempt = 1; attempt <= plays; ++attempt) {
      json prompt = {{"type", "menu"}};
      if (!m.prompt.value.empty()) prompt["prompt"] = m.prompt.value;
      if (!m.prompt_text.value.empty()) prompt["prompt_text"] = m.prompt_text.value;
      const int seconds = prompt_seconds(m.seconds);
      prompt["seconds"] = seconds;
      prompt["attempt"] = attempt;
      prompt["timeout"] = m.timeout.value;
      prompt["step"] = path;
      emit(std::move(prompt));
      if (!this->play(seconds)) return finish({{"disposition", "abandoned"}});
      std::string digit;
      if (next_digit_ < scenario_.digits.size()) digit = scenario_.digits[next_digit_++];
      if (!digit.empty() && digit != "_") {
        for (const MenuOption& o : m.options) {
          if (o.digit.value == digit) {
            emit({{"type", "menu"}, {"digit", digit}, {"step", path}});
            return run_steps(o.steps, path + "/" + digit);
          }
        }
        emit({{"type", "menu"}, {"digit", digit}, {"invalid", true}, {"step", path}});
        last_was_invalid = true;
        continue;
      }
      std::vector<Leg> none;
      WaitResult w = wait_until(none, now_ + static_cast<int>(m.timeout.value));
      if (w.kind == WaitResult::Kind::abandoned) return finish({{"disposition", "abandoned"}});
      emit({{"type", "menu"}, {"no_digit", true}, {"step", path}});
      last_was_invalid = false;
    }
    if (last_was_invalid && m.invalid) return run_steps(*m.invalid, path + "/invalid");
    return Flow::next;
  }

  // --- ringing (SPEC 3.3, 3.4) -------------------------------------------------------------

  Leg make_leg(const std::string& target, std::size_t member_index) const {
    Leg leg{target, member_index, false, std::nullopt};
    auto it = scenario_.answers.find(target);
    if (it != scenario_.answers.end()) {
      if (it->second.busy) {
        leg.rejects_busy = true;
      } else {
        leg.answers_at = now_ + static_cast<int>(it->second.seconds);
      }
    }
    return leg;
  }

  // Considers the members of one turn: emits skips and returns the legs to start.
  std::vector<Leg> start_turn(const std::vector<std::string>& members,
                              const std::vector<std::size_t>& turn,
                              std::vector<std::string>& considered, const std::string& path) {
    std::vector<Leg> fresh;
    for (std::size_t i : turn) {
      const std::string& m = members[i];
      auto skip = [&](std::string_view reason) {
        emit({{"type", "skip"}, {"target", m}, {"reason", reason}, {"step", path}});
      };
      if (std::find(considered.begin(), considered.end(), m) != considered.end()) {
        skip("duplicate");
        continue;
      }
      considered.push_back(m);
      if (find_user(m)) {
        if (m == caller_extension_) {
          skip("caller");
          continue;
        }
        if (!has_linked_device(m)) {
          skip("no_device");
          continue;
        }
        if (Presence p = presence_of(m); p != Presence::available) {
          skip(to_string(p));
          continue;
        }
      }
      fresh.push_back(make_leg(m, i));
    }
    return fresh;
  }

  // Rings `members` turn by turn. A turn that starts at least one leg lasts `timeout` seconds,
  // or less when all ringing legs dropped out; a turn that starts nobody takes no time (R7).
  // `keep_ringing` keeps earlier legs ringing into later turns (memory hunt); otherwise a
  // turn's legs stop at its time-out. `max_duration` (0: none) caps the whole step (R10).
  // External legs show `external_shows` (R15).
  RingResult ring_turns(const std::vector<std::string>& members,
                        const std::vector<std::vector<std::size_t>>& turns, bool keep_ringing,
                        std::uint32_t timeout, std::uint32_t max_duration,
                        const std::string& path, const std::string& external_shows) {
    std::optional<int> cap;
    if (max_duration > 0) cap = now_ + static_cast<int>(max_duration);
    std::vector<std::string> considered;
    std::vector<Leg> legs;  // ringing now, in start order
    std::size_t next_turn = 0;
    for (;;) {
      bool started = false;
      while (!started && next_turn < turns.size()) {
        std::vector<Leg> fresh = start_turn(members, turns[next_turn++], considered, path);
        if (fresh.empty()) continue;
        json ring = {{"type", "ring"}, {"targets", targets_of(fresh)}, {"timeout", timeout},
                     {"step", path}};
        const bool external_leg = std::any_of(fresh.begin(), fresh.end(),
                                              [&](const Leg& l) { return !find_user(l.target); });
        if (external_leg && external_shows != shown_inside_) ring["caller_id"] = external_shows;
        emit(std::move(ring));
        std::vector<Leg> rejected;
        for (Leg& l : fresh) (l.rejects_busy ? rejected : legs).push_back(l);
        if (!rejected.empty()) {
          emit({{"type", "stop"}, {"targets", targets_of(rejected)}, {"reason", "busy"},
                {"step", path}});
        }
        started = !legs.empty();
      }
      if (!started) {
        // No member left to add: a memory hunt's legs stop now (the last turn's time-out).
        if (!legs.empty()) {
          emit({{"type", "stop"}, {"targets", targets_of(legs)}, {"reason", "timeout"},
                {"step", path}});
        }
        return RingResult{};
      }
      int deadline = now_ + static_cast<int>(timeout);
      const bool capped = cap && *cap <= deadline;
      if (capped) deadline = *cap;
      const bool tie = capped && *cap == now_ + static_cast<int>(timeout) &&
                       next_turn >= turns.size();
      const char* cap_reason =
          tie && readings_.timeout_wins_cap_tie ? "timeout" : "max_duration";
      RingResult r = ring_legs_until(
          legs, deadline, path,
          capped ? std::optional<std::string>(cap_reason) : std::nullopt);
      if (r.flow == Flow::ended || capped) return r;
      if (!keep_ringing) {
        emit({{"type", "stop"}, {"targets", targets_of(legs)}, {"reason", "timeout"},
              {"step", path}});
        legs.clear();
      }
    }
  }

  // Waits with `legs` ringing until `deadline`; on the deadline stops them with
  // `deadline_reason` when given (otherwise the caller decides what happens to them).
  RingResult ring_legs_until(std::vector<Leg>& legs, int deadline, const std::string& path,
                             std::optional<std::string> deadline_reason) {
    WaitResult w = wait_until(legs, deadline);
    auto with_step = [&](json event) {
      if (!path.empty()) event["step"] = path;
      return event;
    };
    switch (w.kind) {
      case WaitResult::Kind::answered: {
        const Leg& leg = legs[w.leg];
        emit(with_step({{"type", "answer"}, {"by", leg.target}}));
        if (readings_.stop_answered_elsewhere && legs.size() > 1) {
          std::vector<Leg> others;
          for (std::size_t i = 0; i < legs.size(); ++i)
            if (i != w.leg) others.push_back(legs[i]);
          emit(with_step({{"type", "stop"}, {"targets", targets_of(others)},
                          {"reason", "answered_elsewhere"}}));
        }
        finish({{"disposition", "answered"}, {"by", leg.target}});
        return RingResult{Flow::ended, leg.member_index};
      }
      case WaitResult::Kind::abandoned:
        if (!legs.empty()) {
          emit(with_step({{"type", "stop"}, {"targets", targets_of(legs)},
                          {"reason", "caller_hangup"}}));
        }
        finish({{"disposition", "abandoned"}});
        return RingResult{Flow::ended, std::nullopt};
      case WaitResult::Kind::deadline:
        if (deadline_reason) {
          emit(with_step({{"type", "stop"}, {"targets", targets_of(legs)},
                          {"reason", *deadline_reason}}));
          legs.clear();
        }
        return RingResult{};
    }
    return RingResult{};
  }

  // The virtual clock: one second at a time, answers first, then the caller's hang-up, then
  // the deadline (R8).
  WaitResult wait_until(const std::vector<Leg>& legs, int deadline) {
    for (int t = now_;; ++t) {
      now_ = t;
      for (std::size_t i = 0; i < legs.size(); ++i) {
        if (legs[i].answers_at && *legs[i].answers_at == t) {
          return WaitResult{WaitResult::Kind::answered, i};
        }
      }
      if (scenario_.hangup_after && static_cast<int>(*scenario_.hangup_after) <= t) {
        return WaitResult{WaitResult::Kind::abandoned, 0};
      }
      if (t >= deadline) return WaitResult{WaitResult::Kind::deadline, 0};
    }
  }

  const Tenant& tenant_;
  const ScheduleMatcher& schedules_;
  const Scenario& scenario_;
  RoundRobinState& round_robin_;
  const Readings& readings_;

  int now_ = 0;
  json events_ = json::array();
  json result_ = json::object();
  std::vector<std::string> entered_;
  std::size_t next_digit_ = 0;
  std::string caller_extension_;  // empty: external caller
  std::string shown_inside_;      // R15: what internal legs show of the caller
  std::string shown_outside_;     // R15: what external legs show of the caller
};

}  // namespace

nlohmann::json route(const Tenant& tenant, const ScheduleMatcher& schedules,
                     const Scenario& scenario, RoundRobinState& round_robin,
                     const Readings& readings) {
  return Router(tenant, schedules, scenario, round_robin, readings).run();
}

}  // namespace callplan::reference
