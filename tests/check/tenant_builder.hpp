// Builds Tenant structs in C++ for checker tests, without the loader. Every value the builder
// writes gets its own place (a new line of "tenant.yaml"), so a test can assert that an issue
// points at exactly the right element: EXPECT_EQ(issue.location, b.loc(user.extension.where)).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "callplan/model.hpp"

namespace callplan::testing {

constexpr WeekdaySet kMonFri = 0b0011111;
constexpr WeekdaySet kAllWeek = 0b1111111;

inline MinuteOfDay hhmm(int h, int m) { return static_cast<MinuteOfDay>(h * 60 + m); }

class TenantBuilder {
 public:
  TenantBuilder() {
    file_ = t.sources.add_file("tenant.yaml", "");
    // References returned by the adders stay valid as long as a test adds fewer elements.
    t.numbers.reserve(kCapacity);
    t.users.reserve(kCapacity);
    t.devices.reserve(kCapacity);
    t.schedules.reserve(kCapacity);
    t.plans.reserve(kCapacity);
    t.version = given(1);
    t.info.where = here();
    t.info.name = text("Acme BV");
    t.info.login = text("acme");
    t.info.timezone = text("Europe/Amsterdam");
    t.info.country = text("NL");
  }

  // A small tenant without any problem: the starting point of most tests.
  static TenantBuilder acme() {
    TenantBuilder b;
    b.number("+31881234567", "main");
    b.user("001").voicemail = b.given(true);
    b.t.users.back().caller_id = b.text("+31881234567");
    b.user("002");
    Schedule& office = b.schedule("office_hours");
    office.weekly.push_back(b.window(kMonFri, hhmm(8, 30), hhmm(17, 30)));
    StepList closed;
    closed.push_back(b.voicemail("001"));
    StepList steps;
    steps.push_back(b.time_condition("office_hours", std::nullopt, std::move(closed)));
    steps.push_back(b.ring_group(Strategy::ring_all, {"001", "002"}, 20));
    steps.push_back(b.voicemail("001"));
    b.plan("main", std::move(steps));
    return b;
  }

  SourceId here() { return t.sources.add(file_, line_++, 3); }
  Location loc(SourceId id) const { return t.sources.location(id); }
  Located<std::string> text(std::string v) { return {std::move(v), here()}; }
  template <class T>
  Located<T> given(T v) {
    return {std::move(v), here()};
  }

  Number& number(std::string number, std::string plan) {
    Number n;
    n.where = here();
    n.number = text(std::move(number));
    n.plan = text(std::move(plan));
    t.numbers.push_back(std::move(n));
    return t.numbers.back();
  }

  // A user; with a linked device "phone-<ext>" unless `with_device` is false.
  User& user(std::string extension, bool with_device = true) {
    User u;
    u.where = here();
    u.extension = text(extension);
    u.first_name = "User";
    u.last_name = extension;
    u.email = text(extension + "@acme.example");
    if (with_device) device("phone-" + extension, extension);
    t.users.push_back(std::move(u));
    return t.users.back();
  }

  Device& device(std::string id, std::string user) {
    Device d;
    d.where = here();
    d.id = text(id);
    d.name = id;
    if (!user.empty()) d.user = text(std::move(user));
    d.sip.username = {"acme-" + id, kNoSource};
    d.sip.password = text("secret");
    t.devices.push_back(std::move(d));
    return t.devices.back();
  }

  Schedule& schedule(std::string name) {
    Schedule s;
    s.where = here();
    s.name = text(std::move(name));
    t.schedules.push_back(std::move(s));
    return t.schedules.back();
  }

  WeeklyWindow window(WeekdaySet days, MinuteOfDay from, MinuteOfDay to) {
    return WeeklyWindow{days, from, to, here()};
  }

  Plan& plan(std::string id, StepList steps = {}) {
    Plan p;
    p.where = here();
    p.id = text(std::move(id));
    p.steps = std::move(steps);
    t.plans.push_back(std::move(p));
    return t.plans.back();
  }

  Step step(Step::Body body) {
    Step s;
    s.where = here();
    s.body = std::move(body);
    return s;
  }

  Step transfer(std::string to, std::optional<bool> follow = std::nullopt,
                std::optional<std::uint32_t> timeout = std::nullopt) {
    Step s = step(Hangup{});
    Transfer tr;
    tr.to = text(std::move(to));
    if (follow) tr.follow_personal_plan = given(*follow);
    if (timeout) tr.timeout = given(*timeout);
    s.body = std::move(tr);
    return s;
  }

  Step ring_group(Strategy strategy, std::vector<std::string> members,
                  std::optional<std::uint32_t> timeout = std::nullopt) {
    Step s = step(Hangup{});
    RingGroup g;
    g.strategy = given(strategy);
    for (std::string& m : members) g.members.push_back(text(std::move(m)));
    if (timeout) g.timeout = given(*timeout);
    s.body = std::move(g);
    return s;
  }

  Step voicemail(std::string user) {
    Step s = step(Hangup{});
    s.body = Voicemail{text(std::move(user))};
    return s;
  }

  Step go_to(std::string plan) {
    Step s = step(Hangup{});
    s.body = Goto{text(std::move(plan))};
    return s;
  }

  Step hangup() { return step(Hangup{}); }

  Step announcement(std::string audio) {
    Step s = step(Hangup{});
    Announcement a;
    a.audio = text(std::move(audio));
    s.body = std::move(a);
    return s;
  }

  Step time_condition(std::string schedule, std::optional<StepList> then_steps,
                      std::optional<StepList> else_steps) {
    Step s = step(Hangup{});
    TimeCondition tc;
    tc.schedule = text(std::move(schedule));
    if (then_steps) tc.then_where = here();
    if (else_steps) tc.else_where = here();
    tc.then_steps = std::move(then_steps);
    tc.else_steps = std::move(else_steps);
    s.body = std::move(tc);
    return s;
  }

  Step menu(std::vector<std::pair<std::string, StepList>> options) {
    Step s = step(Hangup{});
    Menu m;
    m.prompt = text("menu.wav");
    for (auto& [digit, steps] : options) m.options.push_back(MenuOption{text(digit), std::move(steps)});
    s.body = std::move(m);
    return s;
  }

  Tenant t;

 private:
  static constexpr std::size_t kCapacity = 64;
  std::uint32_t file_ = 0;
  std::uint32_t line_ = 1;
};

// Single-step lists, for branches: one({b.hangup()}).
inline StepList steps_of(std::vector<Step> steps) { return StepList(std::move(steps)); }

}  // namespace callplan::testing
