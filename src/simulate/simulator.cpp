// The simulator: a CallSession host on a virtual clock with a scripted world. It carries out
// actions and reports the scripted events in time order; all routing is the session's.
//
// Order of things that happen in the same second (docs/routing.md): first busy rejections
// (a rejection is immediate), then answers (in the order the legs started ringing; the first
// wins), then the caller's digit, then the caller hanging up, and only then the timers of that
// second. So a leg that answers at the
// second its time-out ends has answered, and so has one that answers as the caller gives up.
#include "callplan/simulate.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include "callplan/error.hpp"
#include "compile/program.hpp"
#include "compile/string_table.hpp"
#include "model/words.hpp"
#include "schedule/instant.hpp"

namespace callplan {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// Pending scripted events. `rank` orders events of the same second.
struct Pending {
  std::uint32_t t = 0;
  std::uint32_t rank = 0;  // 0 busy, 1 answer, 2 digit, 3 hangup
  std::uint32_t seq = 0;
  LegId leg = 0;
  bool busy = false;
  char digit = 0;
};

bool earlier(const Pending& a, const Pending& b) {
  if (a.t != b.t) return a.t < b.t;
  if (a.rank != b.rank) return a.rank < b.rank;
  return a.seq < b.seq;
}

bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && detail::equal_keys(a.data(), b.data(), a.size());
}

bool valid_digit(char c) { return is_scripted_key(c); }

}  // namespace

struct Simulator::Impl {
  explicit Impl(std::shared_ptr<const Engine> e)
      : engine(std::move(e)),
        program(detail::EngineAccess::program(*engine)),
        session(engine),
        presence(engine->user_count(), Presence::available) {
    presence_set.reserve(16);
    // It acts on menu prompts only (to press digits) and reads which legs ring from legs().
    session.set_actions({Action::Kind::collect_digit});
  }

  std::shared_ptr<const Engine> engine;
  // Looked up in directly: Engine::find_user()'s std::optional result came back through a
  // stack slot written byte by byte and read as a word (a store-forwarding stall, twice per
  // call); the tables' pointer results do not.
  const detail::Program& program;
  // Driven through its public API only, like every other host (SIP, Python); it takes only
  // collect_digit actions (CallSession::set_actions).
  CallSession session;
  // Presence by user, all `available` between calls except the entries named in
  // presence_set: a call resets only what the previous one set, so its cost follows the
  // scenario, not the size of the tenant.
  std::vector<Presence> presence;
  std::vector<UserIndex> presence_set;
  // Normalised scripted targets, by scenario.answers, computed only when an external leg needs
  // one (most answers name an extension or the number exactly as the tenant writes it).
  // answer_keys[i] is this call's when answer_key_call[i] == calls (nothing to clear per call).
  std::vector<std::string> answer_keys;
  std::vector<std::uint64_t> answer_key_call;
  std::uint64_t calls = 0;
  std::vector<Pending> pending;

  const ScriptedAnswer* script_for(const Scenario& sc, const Leg& leg) {
    for (std::size_t i = 0; i < sc.answers.size(); ++i) {
      const ScriptedAnswer& a = sc.answers[i];
      if (same_text(a.target, leg.target)) return &a;
      if (leg.kind != Leg::Kind::external) continue;
      if (answer_key_call[i] != calls) {
        answer_keys[i] = engine->normalise_number(a.target);
        answer_key_call[i] = calls;
      }
      if (same_text(answer_keys[i], leg.dial)) return &a;
    }
    return nullptr;
  }

  void set_presence(const Scenario& sc) {
    for (UserIndex u : presence_set) presence[u] = Presence::available;
    presence_set.clear();
    for (const auto& [ext, p] : sc.presence) {
      const UserIndex* u = program.user_by_extension.find(ext);
      if (u == nullptr) {
        throw Error("presence for `" + ext + "`: the tenant has no user with that extension");
      }
      presence[*u] = p;
      presence_set.push_back(*u);
    }
  }

  CallOutcome route(const Scenario& sc, RoutingState& state, TraceListener* listener) {
    set_presence(sc);
    for (char c : sc.digits) {
      if (!valid_digit(c)) {
        throw Error(std::string("digits: `") + c + "` is not a phone key (0-9, *, #; _ for none)");
      }
    }
    ++calls;
    if (answer_keys.size() < sc.answers.size()) {
      answer_keys.resize(sc.answers.size());
      answer_key_call.resize(sc.answers.size(), 0);
    }
    if (sc.seed) state.set_seed(*sc.seed);

    Caller caller = Caller::external(sc.from);
    const std::uint64_t from_hash = detail::hash_key(sc.from);  // for both tables
    if (const UserIndex* u = program.user_by_extension.find(sc.from, from_hash)) {
      caller = Caller::from_user(*u);
    } else if (const DeviceIndex* d = program.device_by_id.find(sc.from, from_hash)) {
      caller = Caller::from_device(*d);
    }

    CallSetup setup;
    setup.caller = caller;
    setup.to = sc.to;
    setup.at = sc.at;
    setup.presence = presence;
    setup.state = &state;
    setup.trace = listener;
    session.start(setup);

    pending.clear();
    std::uint32_t seq = 0;
    std::size_t next_digit = 0;
    if (sc.hangup_after) pending.push_back({*sc.hangup_after, 3, seq++, 0, false, 0});

    // Each round handles what happened at second `now`: legs that started ringing get their
    // scripted answers scheduled, menu prompts (the only actions it takes) the next digit.
    // Events of a rank keep their order through `seq`; answers and digits never share a rank.
    std::size_t legs_seen = 0;
    for (;;) {
      const std::uint32_t now = session.now();  // actions come out at the second they happen
      const std::span<const Leg> legs = session.legs();
      for (; legs_seen < legs.size(); ++legs_seen) {
        const ScriptedAnswer* a = script_for(sc, legs[legs_seen]);
        if (a == nullptr) continue;
        const auto id = static_cast<LegId>(legs_seen);
        if (a->busy) {
          pending.push_back({now, 0, seq++, id, true, 0});
        } else {
          pending.push_back({now + a->after_seconds, 1, seq++, id, false, 0});
        }
      }
      while (std::optional<Action> a = session.next_action()) {  // a collect_digit
        if (next_digit < sc.digits.size()) {
          // SPEC 3.9: the simulated caller presses its digit when the prompt has played.
          char d = sc.digits[next_digit++];
          if (d != '_') pending.push_back({now + a->seconds, 2, seq++, 0, false, d});
        }
      }
      if (session.ended()) break;

      // The next scripted event, if any comes before the timer (most rounds have none). A
      // timer never fires before now, so an event due now goes first without asking for it.
      auto next = pending.empty() ? pending.end()
                                  : std::min_element(pending.begin(), pending.end(), earlier);
      std::uint32_t timer = kNone;
      if (next == pending.end() || next->t > now) {
        const std::optional<std::uint32_t> wake = session.wake_in();
        if (wake) timer = now + *wake;
      }
      if (next == pending.end() || next->t > timer) {
        if (timer == kNone) break;  // nothing will ever happen again
        session.advance_to(timer);
        continue;
      }
      Pending p = *next;
      pending.erase(next);
      if (p.rank == 0) {
        session.busy(p.leg, p.t);
      } else if (p.rank == 1) {
        session.answered(p.leg, p.t);
      } else if (p.rank == 2) {
        session.digit(p.digit, p.t);
      } else {
        session.caller_hung_up(p.t);
      }
    }
    return session.outcome();
  }
};

Simulator::Simulator(std::shared_ptr<const Engine> engine) {
  if (!engine) throw Error("Simulator needs an engine");
  impl_ = std::make_unique<Impl>(std::move(engine));
}
Simulator::~Simulator() = default;
Simulator::Simulator(Simulator&&) noexcept = default;
Simulator& Simulator::operator=(Simulator&&) noexcept = default;

CallOutcome Simulator::run(const Scenario& scenario, RoutingState& state) {
  return impl_->route(scenario, state, nullptr);
}

Trace Simulator::trace(const Scenario& scenario, RoutingState& state) {
  Trace trace;
  trace.call.from = scenario.from;
  trace.call.to = scenario.to;
  trace.call.at = detail::format_instant(scenario.at, impl_->engine->timezone());
  TraceRecorder recorder(trace);
  CallOutcome o = impl_->route(scenario, state, &recorder);
  trace.result.disposition = o.disposition;
  trace.result.by = o.by;
  trace.result.user = o.user;
  if (o.disposition == Disposition::rejected) trace.result.reason = to_string(o.reason);
  trace.result.t = o.t;
  return trace;
}

Trace simulate(std::shared_ptr<const Engine> engine, const Scenario& scenario,
               RoutingState& state) {
  return Simulator(std::move(engine)).trace(scenario, state);
}

CallOutcome simulate_outcome(std::shared_ptr<const Engine> engine, const Scenario& scenario,
                             RoutingState& state) {
  return Simulator(std::move(engine)).run(scenario, state);
}

}  // namespace callplan
