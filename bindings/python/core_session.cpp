// The live call: CallSession driven from Python (a SIP or PBX host written in Python). The
// shim owns everything the session's CallSetup points at (strings, presence, the routing
// state's Python object), so nothing dangles while the call runs.
//
// Also the trace's text renderer for traces Python holds as JSON (callplan/_trace.py): the
// timeline has one renderer, the C++ one (Trace::to_text, callplan::describe).
#include <algorithm>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include "callplan/error.hpp"
#include "callplan/session.hpp"
#include "callplan/trace.hpp"
#include "core.hpp"
#include "model/words.hpp"
#include "schedule/instant.hpp"

namespace callplan::python {
namespace {

std::string_view kind_name(Action::Kind k) {
  switch (k) {
    case Action::Kind::ring: return "ring";
    case Action::Kind::stop: return "stop";
    case Action::Kind::play: return "play";
    case Action::Kind::collect_digit: return "collect_digit";
    case Action::Kind::voicemail: return "voicemail";
    case Action::Kind::connect: return "connect";
    case Action::Kind::end: return "end";
  }
  return "end";
}

py::object text_or_none(std::string_view s) {
  return s.empty() ? py::object(py::none()) : py::object(py::str(s.data(), s.size()));
}

struct SessionHandle {
  explicit SessionHandle(std::shared_ptr<EngineHandle> e)
      : engine(std::move(e)), session(engine->engine) {}

  std::shared_ptr<EngineHandle> engine;
  CallSession session;
  std::string from;
  std::string to;
  Instant at{};
  std::vector<Presence> presence;
  py::object state_owner;  // keeps the Python RoutingState alive during the call
  RoutingState own_state;
  Trace trace;
  std::unique_ptr<TraceRecorder> recorder;
  bool started = false;
  LegId legs_seen = 0;

  void start(py::handle row, py::handle state, bool record) {
    OneCall one = read_one_call(row);
    const CallSpec& spec = one.spec();
    if (spec.answer_count != 0 || spec.digits.size != 0 ||
        spec.hangup_after || spec.seed) {
      throw py::type_error(
          "a live call takes to, from_, at and presence only: the host reports answers, digits "
          "and hang-ups as they happen (answered(), busy(), digit(), caller_hung_up())");
    }
    Scenario s;
    build_scenario(one.chunk, spec, *engine, s);
    const Engine& e = *engine->engine;
    from = s.from;
    to = s.to;
    at = s.at;
    presence.assign(e.user_count(), Presence::available);
    for (const auto& [ext, p] : s.presence) presence[*e.find_user(ext)] = p;
    state_owner = py::reinterpret_borrow<py::object>(state);
    own_state = RoutingState{};
    RoutingState* st = state.is_none() ? &own_state : &state.cast<RoutingState&>();

    trace = Trace{};
    trace.call.from = from;
    trace.call.to = to;
    trace.call.at = detail::format_instant(at, e.timezone());
    recorder = record ? std::make_unique<TraceRecorder>(trace) : nullptr;

    // The same reading of `from` as the simulator: an extension, a device id, else a number.
    Caller caller = Caller::external(from);
    if (auto u = e.find_user(from)) {
      caller = Caller::from_user(*u);
    } else if (auto d = e.find_device(from)) {
      caller = Caller::from_device(*d);
    }
    CallSetup setup;
    setup.caller = caller;
    setup.to = to;
    setup.at = at;
    setup.presence = presence;
    setup.state = st;
    setup.trace = recorder.get();
    legs_seen = 0;
    session.start(setup);
    started = true;
  }

  void need_call() const {
    if (!started) throw Error("the session has no call: call start() first");
  }

  py::dict leg_dict(LegId id) {
    const Leg& l = session.leg(id);
    py::dict d;
    d["id"] = l.id;
    d["kind"] = l.kind == Leg::Kind::user ? "user" : "external";
    d["target"] = std::string(l.target);
    d["dial"] = std::string(l.dial);
    d["caller_id"] = std::string(l.caller_id);
    d["user"] = l.user == kNoUser ? py::object(py::none())
                                  : py::object(py::str(std::string(engine->engine->extension(l.user))));
    return d;
  }

  py::object next_action() {
    need_call();
    std::optional<Action> a = session.next_action();
    if (!a) return py::none();
    py::dict d;
    d["kind"] = std::string(kind_name(a->kind));
    py::list legs;
    for (LegId id : a->legs) {
      legs_seen = std::max(legs_seen, id + 1);
      legs.append(leg_dict(id));
    }
    d["legs"] = legs;
    d["timeout"] = a->timeout;
    d["reason"] = a->kind == Action::Kind::stop ? py::object(py::str(std::string(to_string(a->reason))))
                                                : py::object(py::none());
    d["audio"] = text_or_none(a->audio);
    d["text"] = text_or_none(a->text);
    d["seconds"] = a->seconds;
    d["user"] = a->user == kNoUser ? py::object(py::none())
                                   : py::object(py::str(std::string(engine->engine->extension(a->user))));
    d["t"] = session.now();
    return d;
  }

  // A leg is known once an action named it, or while it rings (a host may look at ringing()
  // before fetching the actions that started those legs).
  void check_leg(LegId leg) const {
    auto ringing = session.ringing();
    bool rings = std::find(ringing.begin(), ringing.end(), leg) != ringing.end();
    if (leg >= legs_seen && !rings) throw Error(fmt::format("leg {}: no action of this call named it", leg));
  }

  void check_time(std::uint32_t t) const {
    need_call();
    if (t < session.now()) {
      throw Error(fmt::format("t = {} s is before the session's now ({} s): time never goes back",
                              t, session.now()));
    }
  }

  void set_presence(const std::string& ext, const std::string& state) {
    need_call();  // start() resets presence: a change before it would be lost
    const Engine& e = *engine->engine;
    auto u = e.find_user(ext);
    if (!u) fail(engine->build.check().extension(ext, "extension"));
    auto p = detail::scripted_presence(state);
    if (!p) fail(detail::unknown_state(state, ext, "state"));
    if (presence.size() < e.user_count()) presence.resize(e.user_count(), Presence::available);
    presence[*u] = *p;
  }

  [[noreturn]] static void fail(const std::optional<detail::TargetProblem>& problem) {
    throw Error(problem ? problem->text() : "unknown extension");
  }

  py::tuple outcome() const {
    need_call();
    CallOutcome o = session.outcome();
    py::object reason = o.disposition == Disposition::rejected
                            ? py::object(py::str(std::string(to_string(o.reason))))
                            : py::object(py::none());
    return py::make_tuple(std::string(to_string(o.disposition)), text_or_none(o.by),
                          text_or_none(o.user), reason, o.t);
  }

  py::tuple trace_now() {
    need_call();
    if (!recorder) throw Error("start the call with trace=True to record its trace");
    Trace t = trace;
    CallOutcome o = session.outcome();
    t.result.disposition = o.disposition;
    t.result.by = o.by;
    t.result.user = o.user;
    if (o.disposition == Disposition::rejected) t.result.reason = to_string(o.reason);
    t.result.t = o.t;
    py::list labels;
    for (const TraceEvent& e : t.events) labels.append(e.label);
    return py::make_tuple(t.to_json(-1), t.to_text(), labels);
  }
};

}  // namespace

void bind_session(py::module_& m) {
  py::class_<SessionHandle>(m, "Session")
      .def(py::init<std::shared_ptr<EngineHandle>>())
      .def("start", &SessionHandle::start, py::arg("row"), py::arg("state") = py::none(),
           py::arg("trace") = false)
      .def("next_action", &SessionHandle::next_action)
      .def("wake_in", [](const SessionHandle& s) -> std::optional<std::uint32_t> {
        s.need_call();
        return s.session.wake_in();
      })
      .def("now", [](const SessionHandle& s) {
        s.need_call();
        return s.session.now();
      })
      .def("answered", [](SessionHandle& s, LegId leg, std::uint32_t t) {
        s.check_time(t);
        s.check_leg(leg);
        s.session.answered(leg, t);
      })
      .def("busy", [](SessionHandle& s, LegId leg, std::uint32_t t) {
        s.check_time(t);
        s.check_leg(leg);
        s.session.busy(leg, t);
      })
      .def("digit", [](SessionHandle& s, const std::string& d, std::uint32_t t) {
        s.check_time(t);
        if (!is_dtmf_key(d)) {
          throw Error(fmt::format("digit: `{}` is not one phone key (0-9, *, #)", d));
        }
        s.session.digit(d[0], t);
      })
      .def("caller_hung_up", [](SessionHandle& s, std::uint32_t t) {
        s.check_time(t);
        s.session.caller_hung_up(t);
      })
      .def("advance_to", [](SessionHandle& s, std::uint32_t t) {
        s.check_time(t);
        s.session.advance_to(t);
      })
      .def("ended", [](const SessionHandle& s) { return s.started && s.session.ended(); })
      .def("outcome", &SessionHandle::outcome)
      .def("ringing", [](const SessionHandle& s) {
        s.need_call();
        auto r = s.session.ringing();
        return std::vector<LegId>(r.begin(), r.end());
      })
      .def("leg", [](SessionHandle& s, LegId id) {
        s.need_call();
        s.check_leg(id);
        return s.leg_dict(id);
      })
      .def("set_presence", &SessionHandle::set_presence)
      .def("trace", &SessionHandle::trace_now);

  m.def("trace_text", [](const std::string& json, const std::vector<std::string>& labels) {
    Trace trace = Trace::from_json(json);
    if (labels.size() != trace.events.size()) {
      throw py::value_error(fmt::format("trace_text: {} labels for {} events", labels.size(),
                                        trace.events.size()));
    }
    for (std::size_t i = 0; i < labels.size(); ++i) trace.events[i].label = labels[i];
    return trace.to_text();
  }, py::arg("json"), py::arg("labels"),
  "The text timeline (`callplan simulate`'s output) of a JSON trace whose events have these "
  "labels. Raises callplan.Error when `json` is not a trace.");
  m.def("describe_event", [](const std::string& json) {
    return describe(TraceEvent::from_json(json).what);
  }, py::arg("json"),
  "What a trace event (its JSON object) says in the text timeline. Raises callplan.Error "
  "when `json` is not a trace event.");
}

}  // namespace callplan::python
