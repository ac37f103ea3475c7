// Builders and rapidcheck generators of tenants and worlds for the routing property tests.
//
// Generated tenants must pass the checker, because the engine refuses to compile a tenant with
// errors. The rules that keep them clean, and why:
//  - every user has exactly one device (CP215, CP214);
//  - a step that always ends the call (voicemail, hangup, goto, a transfer that follows the
//    personal plan) is only ever the last step of its list (CP402), and a time condition that
//    is not last never has both branches ending that way;
//  - unconditional plan edges (goto, followed transfer, outside any branch) only go "forward"
//    in plan order, so unconditional cycles (CP400) cannot form; edges inside time-condition
//    branches and menu options may go anywhere, so conditional loops (CP401, a warning) do;
//  - voicemail only for users with voicemail on (CP217); ring groups and menus are never
//    empty (CP407, CP409); schedules are never empty or always open (CP302, CP303).
#include "support/tenant_gen.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

namespace callplan::testgen {

// --- builders ---------------------------------------------------------------------------------

namespace {
template <class T>
Located<T> given(T value) {
  return Located<T>{std::move(value), kNoSource};
}

Step make_step(Step::Body body) {
  Step s;
  s.body = std::move(body);
  return s;
}
}  // namespace

User make_user(std::string extension, bool voicemail, std::string plan) {
  User u;
  u.extension = given(std::move(extension));
  u.first_name = "User";
  u.last_name = u.extension.value;
  u.email = given("u" + u.extension.value + "@acme.example");
  u.voicemail = given(voicemail);
  u.plan = given(std::move(plan));
  return u;
}

Device make_device(std::string id, std::string user_extension) {
  Device d;
  d.id = given(std::move(id));
  d.name = "Phone " + d.id.value;
  d.user = given(std::move(user_extension));
  d.sip.username = given("acme-" + d.id.value);
  d.sip.password = given(std::string("secret"));
  return d;
}

Number make_number(std::string number, std::string plan) {
  Number n;
  n.number = given(std::move(number));
  n.plan = given(std::move(plan));
  return n;
}

Plan make_plan(std::string id, StepList steps) {
  Plan p;
  p.id = given(std::move(id));
  p.steps = std::move(steps);
  return p;
}

Step transfer_step(std::string to, bool follow_personal_plan, std::uint32_t timeout,
                   std::string caller_id) {
  Transfer t;
  t.to = given(std::move(to));
  t.follow_personal_plan = given(follow_personal_plan);
  t.timeout = given(timeout);
  if (!caller_id.empty()) t.caller_id = given(std::move(caller_id));
  return make_step(std::move(t));
}

Step ring_group_step(Strategy strategy, std::vector<std::string> members, std::uint32_t timeout,
                     std::uint32_t max_duration) {
  RingGroup g;
  g.strategy = given(strategy);
  for (std::string& m : members) g.members.push_back(given(std::move(m)));
  g.timeout = given(timeout);
  g.max_duration = given(max_duration);
  return make_step(std::move(g));
}

Step condition_step(std::string schedule, std::optional<StepList> then_steps,
                    std::optional<StepList> else_steps) {
  TimeCondition c;
  c.schedule = given(std::move(schedule));
  c.then_steps = std::move(then_steps);
  c.else_steps = std::move(else_steps);
  return make_step(std::move(c));
}

Step voicemail_step(std::string user) {
  Voicemail v;
  v.user = given(std::move(user));
  return make_step(std::move(v));
}

Step announcement_step(std::string audio) {
  Announcement a;
  a.audio = given(std::move(audio));
  return make_step(std::move(a));
}

Step menu_step(std::string prompt, std::vector<std::pair<std::string, StepList>> options,
               std::uint32_t timeout, std::uint32_t retries, std::optional<StepList> invalid) {
  Menu m;
  m.prompt = given(std::move(prompt));
  for (auto& [digit, steps] : options) m.options.push_back({given(digit), std::move(steps)});
  m.timeout = given(timeout);
  m.retries = given(retries);
  m.invalid = std::move(invalid);
  return make_step(std::move(m));
}

Step goto_step(std::string plan) {
  Goto g;
  g.plan = given(std::move(plan));
  return make_step(std::move(g));
}

Step hangup_step() { return make_step(Hangup{}); }

Tenant tenant_with_users(const std::vector<std::string>& extensions) {
  Tenant t;
  t.version = given(1);
  t.info.name = given(std::string("Acme BV"));
  t.info.login = given(std::string("acme"));
  t.info.timezone = given(std::string("Europe/Amsterdam"));
  for (const std::string& e : extensions) {
    t.users.push_back(make_user(e));
    t.devices.push_back(make_device("dev-" + e, e));
  }
  return t;
}

Schedule weekly_schedule(std::string name, WeekdaySet days, MinuteOfDay from, MinuteOfDay to) {
  Schedule s;
  s.name = given(std::move(name));
  s.weekly.push_back(WeeklyWindow{days, from, to, kNoSource});
  return s;
}

// --- generators -------------------------------------------------------------------------------

namespace {

const std::vector<std::string> kExternals = {"+31612345001", "+31612345002"};
const std::vector<std::string> kZones = {"Europe/Amsterdam", "UTC", "America/New_York"};
const std::vector<std::uint32_t> kTimeouts = {5, 10, 15, 20, 30};

bool ends_call(const Step& s) {
  if (std::holds_alternative<Voicemail>(s.body) || std::holds_alternative<Hangup>(s.body) ||
      std::holds_alternative<Goto>(s.body))
    return true;
  if (const auto* t = std::get_if<Transfer>(&s.body)) return t->follow_personal_plan.value;
  return false;
}

bool list_ends_call(const StepList& l) { return !l.empty() && ends_call(l.back()); }

template <class T>
T pick(const std::vector<T>& v) {
  return *rc::gen::elementOf(v);
}

// What a step generator may use. Plan index `plan` (0-based in tenant.plans) decides which
// unconditional edges are allowed (forward only).
struct Context {
  const Tenant* tenant = nullptr;
  std::size_t plan = 0;
  std::vector<std::string> plan_ids;
  std::vector<std::string> schedules;
};

// The plan index a followed transfer to `extension` enters; plan_ids.size() for the default
// personal plan (a leaf that enters nothing).
std::size_t personal_plan_index(const Context& cx, const std::string& extension) {
  for (const User& u : cx.tenant->users) {
    if (u.extension.value != extension || u.plan.value.empty()) continue;
    auto it = std::find(cx.plan_ids.begin(), cx.plan_ids.end(), u.plan.value);
    return static_cast<std::size_t>(it - cx.plan_ids.begin());
  }
  return cx.plan_ids.size();
}

StepList gen_steps(const Context& cx, int depth, bool conditional, bool allow_terminal_end);

std::string gen_extension(const Context& cx) {
  return pick(cx.tenant->users).extension.value;
}

std::string gen_member(const Context& cx) {
  if (*rc::gen::inRange(0, 5) == 0) return pick(kExternals);
  return gen_extension(cx);
}

// One step that does not end the call.
Step gen_open_step(const Context& cx, int depth) {
  const int kinds = depth > 0 ? 5 : 3;
  switch (*rc::gen::inRange(0, kinds)) {
    case 0: {  // transfer that rings and goes on
      if (*rc::gen::inRange(0, 4) != 0) return transfer_step(gen_extension(cx), false, pick(kTimeouts));
      // An external number, showing the caller (the default, or said) or a tenant number.
      std::vector<std::string> caller_ids = {"", "caller"};
      for (const Number& n : cx.tenant->numbers) caller_ids.push_back(n.number.value);
      return transfer_step(pick(kExternals), false, pick(kTimeouts), pick(caller_ids));
    }
    case 1: {
      static const std::vector<Strategy> kStrategies = {
          Strategy::ring_all, Strategy::memory_hunt, Strategy::cascade, Strategy::round_robin};
      std::vector<std::string> members;
      const int n = *rc::gen::inRange(1, 5);
      for (int i = 0; i < n; ++i) members.push_back(gen_member(cx));
      std::uint32_t max = 0;
      if (*rc::gen::inRange(0, 3) == 0) max = pick(std::vector<std::uint32_t>{10, 20, 25, 40, 60});
      return ring_group_step(pick(kStrategies), members, pick(kTimeouts), max);
    }
    case 2:
      return announcement_step(fmt::format("a{}.wav", *rc::gen::inRange(0, 3)));
    case 3: {
      if (cx.schedules.empty()) return announcement_step("no-schedule.wav");
      std::optional<StepList> then_steps, else_steps;
      const int shape = *rc::gen::inRange(0, 3);  // then only, else only, both
      if (shape != 1) then_steps = gen_steps(cx, depth - 1, true, true);
      if (shape != 0) else_steps = gen_steps(cx, depth - 1, true, true);
      return condition_step(pick(cx.schedules), then_steps, else_steps);
    }
    default: {
      static const std::vector<std::string> kDigits = {"1", "2", "3", "9", "*", "#"};
      std::vector<std::pair<std::string, StepList>> options;
      const int n = *rc::gen::inRange(1, 4);
      std::vector<std::string> used;
      for (int i = 0; i < n; ++i) {
        std::string d = pick(kDigits);
        if (std::find(used.begin(), used.end(), d) != used.end()) continue;
        used.push_back(d);
        options.emplace_back(d, gen_steps(cx, depth - 1, true, true));
      }
      std::optional<StepList> invalid;
      if (*rc::gen::inRange(0, 2) == 0) invalid = gen_steps(cx, depth - 1, true, true);
      return menu_step("menu.wav", std::move(options),
                       static_cast<std::uint32_t>(*rc::gen::inRange(1, 11)),
                       static_cast<std::uint32_t>(*rc::gen::inRange(0, 3)), std::move(invalid));
    }
  }
}

// A step that ends the call, or nullopt when none is allowed here.
std::optional<Step> gen_terminal_step(const Context& cx, bool conditional) {
  std::vector<std::string> voicemail_users;
  for (const User& u : cx.tenant->users)
    if (u.voicemail.value) voicemail_users.push_back(u.extension.value);
  switch (*rc::gen::inRange(0, 4)) {
    case 0:
      if (!voicemail_users.empty()) return voicemail_step(pick(voicemail_users));
      return hangup_step();
    case 1:
      return hangup_step();
    case 2: {  // goto
      std::vector<std::string> targets;
      for (std::size_t i = 0; i < cx.plan_ids.size(); ++i)
        if (conditional || i > cx.plan) targets.push_back(cx.plan_ids[i]);
      if (targets.empty()) return hangup_step();
      return goto_step(pick(targets));
    }
    default: {  // transfer into a personal plan
      std::vector<std::string> targets;
      for (const User& u : cx.tenant->users) {
        const std::size_t p = personal_plan_index(cx, u.extension.value);
        if (conditional || p > cx.plan) targets.push_back(u.extension.value);
      }
      if (targets.empty()) return std::nullopt;
      return transfer_step(pick(targets), true);
    }
  }
}

StepList gen_steps(const Context& cx, int depth, bool conditional, bool allow_terminal_end) {
  StepList steps;
  const int n = *rc::gen::inRange(depth > 0 && !conditional ? 1 : 0, 4);
  for (int i = 0; i < n; ++i) {
    Step s = gen_open_step(cx, depth);
    // A time condition in the middle must not end the call on both branches (CP402).
    if (auto* c = std::get_if<TimeCondition>(&s.body);
        c && c->then_steps && c->else_steps && list_ends_call(*c->then_steps) &&
        list_ends_call(*c->else_steps)) {
      c->else_steps->pop_back();
    }
    steps.push_back(std::move(s));
  }
  if (allow_terminal_end && *rc::gen::inRange(0, 2) == 0) {
    if (auto t = gen_terminal_step(cx, conditional)) steps.push_back(std::move(*t));
  }
  return steps;
}

Schedule gen_schedule(const std::string& name) {
  if (name == "night") {
    Schedule s = weekly_schedule(name, 0x7F, static_cast<MinuteOfDay>(*rc::gen::inRange(20, 24) * 60),
                                 static_cast<MinuteOfDay>(*rc::gen::inRange(5, 9) * 60));
    return s;
  }
  if (name == "holidays") {
    Schedule s;
    s.name = given(name);
    const int n = *rc::gen::inRange(1, 4);
    for (int i = 0; i < n; ++i) {
      LocalDate d{2026, static_cast<std::uint8_t>(*rc::gen::inRange(1, 13)),
                  static_cast<std::uint8_t>(*rc::gen::inRange(1, 29))};
      s.dates.push_back(given(d));
    }
    return s;
  }
  // office: some weekdays, daytime hours (never all week round the clock).
  WeekdaySet days = static_cast<WeekdaySet>(*rc::gen::inRange(1, 128));
  const int from = *rc::gen::inRange(6 * 2, 12 * 2) * 30;
  const int to = *rc::gen::inRange(13 * 2, 21 * 2) * 30;
  return weekly_schedule(name, days, static_cast<MinuteOfDay>(from), static_cast<MinuteOfDay>(to));
}

Tenant build_tenant() {
  const int users = *rc::gen::inRange(2, 9);
  std::vector<std::string> extensions;
  for (int i = 0; i < users; ++i) extensions.push_back(fmt::format("1{:02}", i + 1));
  Tenant t = tenant_with_users(extensions);
  t.info.timezone = given(pick(kZones));

  const int plans = *rc::gen::inRange(1, 5);
  std::vector<std::string> plan_ids;
  for (int i = 0; i < plans; ++i) plan_ids.push_back(fmt::format("p{}", i));

  const int numbers = *rc::gen::inRange(0, 4);
  for (int i = 0; i < numbers; ++i) {
    t.numbers.push_back(make_number(fmt::format("+3188123456{}", i), pick(plan_ids)));
  }
  bool any_voicemail = false;
  for (User& u : t.users) {
    u.voicemail = given(*rc::gen::inRange(0, 2) == 0);
    any_voicemail = any_voicemail || u.voicemail.value;
    if (*rc::gen::inRange(0, 10) < 3) u.plan = given(pick(plan_ids));
    // Most users show a tenant number outside; some show nothing (`anonymous`).
    if (!t.numbers.empty() && *rc::gen::inRange(0, 4) != 0) {
      u.caller_id = given(pick(t.numbers).number.value);
    }
  }
  (void)any_voicemail;

  std::vector<std::string> schedule_names;
  for (const char* name : {"office", "night", "holidays"}) {
    if (*rc::gen::inRange(0, 2) == 0) continue;
    t.schedules.push_back(gen_schedule(name));
    schedule_names.push_back(name);
  }
  // Office hours minus the holidays, as real tenants write them.
  auto office = std::find_if(t.schedules.begin(), t.schedules.end(),
                             [](const Schedule& s) { return s.name.value == "office"; });
  bool has_holidays = std::find(schedule_names.begin(), schedule_names.end(), "holidays") !=
                      schedule_names.end();
  if (office != t.schedules.end() && has_holidays && *rc::gen::inRange(0, 2) == 0) {
    office->except.push_back(given(std::string("holidays")));
  }

  Context cx;
  cx.tenant = &t;
  cx.plan_ids = plan_ids;
  cx.schedules = schedule_names;
  for (int i = 0; i < plans; ++i) {
    cx.plan = static_cast<std::size_t>(i);
    t.plans.push_back(make_plan(plan_ids[static_cast<std::size_t>(i)],
                                gen_steps(cx, 2, false, true)));
  }
  return t;
}

reference::Scenario build_call(const Tenant& t) {
  reference::Scenario c;
  const bool internal = t.numbers.empty() || *rc::gen::inRange(0, 2) == 0;
  if (internal) {
    c.from = pick(t.users).extension.value;
  } else {
    c.from = *rc::gen::inRange(0, 3) == 0 ? std::string("anonymous") : std::string("+31201234567");
  }
  const int where = *rc::gen::inRange(0, 10);
  if (internal && where == 0) {
    c.to = pick(kExternals);  // outbound
  } else if (internal && where == 1) {
    c.to = "999";  // 2-6 digits that no user has (extensions are 101-108)
  } else if (!t.numbers.empty() && (!internal || where < 6)) {
    c.to = pick(t.numbers).number.value;
  } else {
    c.to = pick(t.users).extension.value;
  }
  // A year of instants; minutes near the usual schedule edges are as likely as any other.
  const int day = *rc::gen::inRange(0, 365);
  const int minute = *rc::gen::inRange(0, 24 * 60);
  const int second = *rc::gen::inRange(0, 4) == 0 ? *rc::gen::inRange(0, 60) : 0;
  c.at = Instant{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}} +
         std::chrono::days{day} + std::chrono::minutes{minute} + std::chrono::seconds{second};

  static const std::vector<reference::Presence> kAway = {
      reference::Presence::offline, reference::Presence::busy, reference::Presence::dnd};
  for (const User& u : t.users) {
    if (*rc::gen::inRange(0, 4) == 0) c.presence[u.extension.value] = pick(kAway);
  }
  std::vector<std::string> targets = kExternals;
  for (const User& u : t.users) targets.push_back(u.extension.value);
  for (const std::string& x : targets) {
    const int roll = *rc::gen::inRange(0, 20);
    if (roll < 8) continue;
    if (roll < 11) {
      c.answers[x] = reference::Answer::reject_busy();
    } else if (roll < 15) {
      c.answers[x] = reference::Answer::after(
          static_cast<std::uint32_t>(*rc::gen::inRange(0, 13) * 5));  // on ring boundaries
    } else {
      c.answers[x] = reference::Answer::after(static_cast<std::uint32_t>(*rc::gen::inRange(0, 61)));
    }
  }
  static const std::string kDigits = "1239*#0_";  // `_`: nothing pressed for that prompt
  const int digits = *rc::gen::inRange(0, 5);
  for (int i = 0; i < digits; ++i) {
    c.digits += kDigits[static_cast<std::size_t>(*rc::gen::inRange(0, 8))];
  }
  if (*rc::gen::inRange(0, 4) == 0) {
    c.hangup_after = static_cast<std::uint32_t>(*rc::gen::inRange(1, 121));
  }
  return c;
}

}  // namespace

rc::Gen<Tenant> gen_tenant() {
  return rc::gen::exec([] { return build_tenant(); });
}

rc::Gen<std::vector<Call>> gen_calls(const Tenant& tenant) {
  return rc::gen::exec([tenant] {
    std::vector<Call> calls;
    const int n = *rc::gen::inRange(1, 4);
    for (int i = 0; i < n; ++i) calls.push_back(build_call(tenant));
    return calls;
  });
}

rc::Gen<GeneratedCase> gen_case() {
  return rc::gen::exec([] {
    GeneratedCase c;
    c.tenant = *gen_tenant();
    c.calls = *gen_calls(c.tenant);
    return c;
  });
}

// --- describe ---------------------------------------------------------------------------------

namespace {

std::string join(const std::vector<Located<std::string>>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + fmt::format("\"{}\"", s.value);
  return out;
}

void describe_steps(const StepList& steps, int indent, std::string& out) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  for (const Step& s : steps) {
    if (const auto* t = std::get_if<Transfer>(&s.body)) {
      out += fmt::format(
          "{}- transfer: {{to: \"{}\", follow_personal_plan: {}, timeout: {}, caller_id: {}}}\n",
          pad, t->to.value, t->follow_personal_plan.value, t->timeout.value, t->caller_id.value);
    } else if (const auto* g = std::get_if<RingGroup>(&s.body)) {
      out += fmt::format("{}- ring_group: {{strategy: {}, members: [{}], timeout: {}{}}}\n", pad,
                         to_string(g->strategy.value), join(g->members), g->timeout.value,
                         g->max_duration.value
                             ? fmt::format(", max_duration: {}", g->max_duration.value)
                             : std::string());
    } else if (const auto* c = std::get_if<TimeCondition>(&s.body)) {
      out += fmt::format("{}- time_condition:\n{}    schedule: {}\n", pad, pad, c->schedule.value);
      if (c->then_steps) {
        out += pad + "    then:\n";
        describe_steps(*c->then_steps, indent + 6, out);
      }
      if (c->else_steps) {
        out += pad + "    else:\n";
        describe_steps(*c->else_steps, indent + 6, out);
      }
    } else if (const auto* v = std::get_if<Voicemail>(&s.body)) {
      out += fmt::format("{}- voicemail: {{user: \"{}\"}}\n", pad, v->user.value);
    } else if (const auto* a = std::get_if<Announcement>(&s.body)) {
      out += fmt::format("{}- announcement: {{audio: {}}}\n", pad, a->audio.value);
    } else if (const auto* m = std::get_if<Menu>(&s.body)) {
      out += fmt::format("{}- menu:\n{}    prompt: {}\n{}    timeout: {}\n{}    retries: {}\n"
                         "{}    options:\n",
                         pad, pad, m->prompt.value, pad, m->timeout.value, pad,
                         m->retries.value, pad);
      for (const MenuOption& o : m->options) {
        out += fmt::format("{}      \"{}\":\n", pad, o.digit.value);
        describe_steps(o.steps, indent + 8, out);
      }
      if (m->invalid) {
        out += pad + "    invalid:\n";
        describe_steps(*m->invalid, indent + 6, out);
      }
    } else if (const auto* g2 = std::get_if<Goto>(&s.body)) {
      out += fmt::format("{}- goto: {{plan: {}}}\n", pad, g2->plan.value);
    } else {
      out += pad + "- hangup: {}\n";
    }
  }
}

}  // namespace

std::string describe(const Tenant& t) {
  std::string out = fmt::format("tenant: {{timezone: {}}}\nnumbers:\n", t.info.timezone.value);
  for (const Number& n : t.numbers)
    out += fmt::format("  - {{number: \"{}\", plan: {}}}\n", n.number.value, n.plan.value);
  out += "users:\n";
  for (const User& u : t.users) {
    out += fmt::format("  - {{extension: \"{}\", voicemail: {}{}{}}}\n", u.extension.value,
                       u.voicemail.value,
                       u.plan.value.empty() ? std::string() : ", plan: " + u.plan.value,
                       u.caller_id.value.empty()
                           ? std::string()
                           : ", caller_id: \"" + u.caller_id.value + "\"");
  }
  out += "schedules:\n";
  for (const Schedule& s : t.schedules) {
    out += fmt::format("  {}:", s.name.value);
    for (const WeeklyWindow& w : s.weekly)
      out += fmt::format(" weekly(days=0x{:02x} {:02}:{:02}-{:02}:{:02})", w.days, w.from / 60,
                         w.from % 60, w.to / 60, w.to % 60);
    for (const auto& d : s.dates)
      out += fmt::format(" date({}-{:02}-{:02})", d.value.year, d.value.month, d.value.day);
    if (!s.except.empty()) out += " except [" + join(s.except) + "]";
    out += "\n";
  }
  out += "plans:\n";
  for (const Plan& p : t.plans) {
    out += fmt::format("  - id: {}\n    steps:\n", p.id.value);
    describe_steps(p.steps, 6, out);
  }
  return out;
}

std::string describe(const Call& c) {
  std::string out = fmt::format("call from {} to {} at {}s since epoch", c.from, c.to,
                                c.at.time_since_epoch().count());
  for (const auto& [x, p] : c.presence) out += fmt::format(" presence {}={}", x, to_string(p));
  for (const auto& [x, a] : c.answers) {
    out += a.busy ? fmt::format(" answer {}=busy", x) : fmt::format(" answer {}@{}", x, a.seconds);
  }
  if (!c.digits.empty()) out += " digits " + c.digits;
  if (c.hangup_after) out += fmt::format(" hangup-after {}", *c.hangup_after);
  return out;
}

void showValue(const GeneratedCase& c, std::ostream& os) {
  os << describe(c.tenant);
  for (const Call& call : c.calls) os << describe(call) << "\n";
}

}  // namespace callplan::testgen
