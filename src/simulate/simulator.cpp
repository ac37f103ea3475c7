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

#include "callplan/error.hpp"
#include "plantest/instant.hpp"

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

bool valid_digit(char c) { return (c >= '0' && c <= '9') || c == '*' || c == '#' || c == '_'; }

}  // namespace

struct Simulator::Impl {
  explicit Impl(std::shared_ptr<const Engine> e) : engine(std::move(e)), session(engine) {}

  std::shared_ptr<const Engine> engine;
  CallSession session;
  std::vector<Presence> presence;
  std::vector<std::string> answer_keys;  // normalised scripted targets, by scenario.answers
  std::vector<Pending> pending;

  const ScriptedAnswer* script_for(const Scenario& sc, const Leg& leg) {
    for (std::size_t i = 0; i < sc.answers.size(); ++i) {
      const ScriptedAnswer& a = sc.answers[i];
      if (a.target == leg.target || (leg.kind == Leg::Kind::external && answer_keys[i] == leg.dial)) {
        return &a;
      }
    }
    return nullptr;
  }

  CallOutcome route(const Scenario& sc, RoutingState& state, TraceListener* listener) {
    const Engine& e = *engine;
    presence.assign(e.user_count(), Presence::available);
    for (const auto& [ext, p] : sc.presence) {
      auto u = e.find_user(ext);
      if (!u) throw Error("presence for `" + ext + "`: the tenant has no user with that extension");
      presence[*u] = p;
    }
    for (char c : sc.digits) {
      if (!valid_digit(c)) {
        throw Error(std::string("digits: `") + c + "` is not a phone key (0-9, *, #; _ for none)");
      }
    }
    answer_keys.resize(sc.answers.size());
    for (std::size_t i = 0; i < sc.answers.size(); ++i) {
      answer_keys[i] = e.normalise_number(sc.answers[i].target);
    }
    if (sc.seed) state.set_seed(*sc.seed);

    Caller caller = Caller::external(sc.from);
    if (auto u = e.find_user(sc.from)) {
      caller = Caller::from_user(*u);
    } else if (auto d = e.find_device(sc.from)) {
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

    for (;;) {
      while (auto action = session.next_action()) {
        std::uint32_t now = session.now();
        if (action->kind == Action::Kind::ring) {
          for (LegId id : action->legs) {
            const ScriptedAnswer* a = script_for(sc, session.leg(id));
            if (a == nullptr) continue;
            if (a->busy) {
              pending.push_back({now, 0, seq++, id, true, 0});
            } else {
              pending.push_back({now + a->after_seconds, 1, seq++, id, false, 0});
            }
          }
        } else if (action->kind == Action::Kind::collect_digit && next_digit < sc.digits.size()) {
          char d = sc.digits[next_digit++];
          if (d != '_') pending.push_back({now, 2, seq++, 0, false, d});
        }
      }
      if (session.ended()) break;

      auto next = std::min_element(pending.begin(), pending.end(), earlier);
      std::optional<std::uint32_t> wake = session.wake_in();
      std::uint32_t timer = wake ? session.now() + *wake : kNone;
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
