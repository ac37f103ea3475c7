// RoutingItems and ChangeReach: the closed part of a tenant one call can consult, as canonical text. Source
// positions are left out (moving text is no routing change); every value the compiler reads
// is written, and a few it does not (device names, e-mail), which only costs a routed call.
#include "diff/reach.hpp"

#include <set>
#include <variant>

#include <fmt/format.h>

#include "model/overloaded.hpp"

namespace callplan::diff_detail {
namespace {

void put(std::string& out, std::string_view name, std::string_view value) {
  // Length-prefixed, so that no value can imitate a separator.
  fmt::format_to(std::back_inserter(out), "{}={}:{};", name, value.size(), value);
}

std::string seconds_text(const PromptSeconds& s) { return s ? fmt::format("{}", *s) : "-"; }

class StepWriter {
 public:
  StepWriter(std::string& out, std::vector<std::string>& refs, const Engine& engine)
      : out_(out), refs_(refs), engine_(engine) {}

  void list(const StepList& steps) {
    out_ += "[";
    for (const Step& s : steps) step(s);
    out_ += "]";
  }

 private:
  // A target may be a user or, written any way, a number.
  void target(std::string_view name, const std::string& value) {
    put(out_, name, value);
    refs_.push_back("user:" + value);
    refs_.push_back("number:" + engine_.normalise_number(value));
  }

  void step(const Step& s) {
    out_ += "{";
    put(out_, "label", s.label);
    std::visit(
        detail::Overloaded{
            [&](const Transfer& t) {
              out_ += "transfer;";
              target("to", t.to.value);
              put(out_, "follow", t.follow_personal_plan.value ? "1" : "0");
              put(out_, "timeout", fmt::format("{}", t.timeout.value));
              put(out_, "caller_id", t.caller_id.value);  // shown, not routed to
            },
            [&](const RingGroup& g) {
              out_ += "ring_group;";
              put(out_, "strategy", to_string(g.strategy.value));
              for (const auto& m : g.members) target("member", m.value);
              put(out_, "timeout", fmt::format("{}", g.timeout.value));
              put(out_, "max", fmt::format("{}", g.max_duration.value));
              put(out_, "caller_id", g.caller_id.value);
            },
            [&](const TimeCondition& c) {
              out_ += "time_condition;";
              put(out_, "schedule", c.schedule.value);
              refs_.push_back("schedule:" + c.schedule.value);
              out_ += c.then_steps ? "then" : "no-then";
              if (c.then_steps) list(*c.then_steps);
              out_ += c.else_steps ? "else" : "no-else";
              if (c.else_steps) list(*c.else_steps);
            },
            [&](const Voicemail& v) {
              out_ += "voicemail;";
              put(out_, "user", v.user.value);
              refs_.push_back("user:" + v.user.value);
            },
            [&](const Announcement& a) {
              out_ += "announcement;";
              put(out_, "audio", a.audio.value);
              put(out_, "text", a.text.value);
              put(out_, "seconds", seconds_text(a.seconds));
            },
            [&](const Menu& m) {
              out_ += "menu;";
              put(out_, "prompt", m.prompt.value);
              put(out_, "prompt_text", m.prompt_text.value);
              put(out_, "seconds", seconds_text(m.seconds));
              put(out_, "timeout", fmt::format("{}", m.timeout.value));
              put(out_, "retries", fmt::format("{}", m.retries.value));
              for (const MenuOption& o : m.options) {
                put(out_, "digit", o.digit.value);
                list(o.steps);
              }
              out_ += m.invalid ? "invalid" : "no-invalid";
              if (m.invalid) list(*m.invalid);
            },
            [&](const Goto& g) {
              out_ += "goto;";
              put(out_, "plan", g.plan.value);
              refs_.push_back("plan:" + g.plan.value);
            },
            [&](const Hangup&) { out_ += "hangup;"; },
        },
        s.body);
    out_ += "}";
  }

  std::string& out_;
  std::vector<std::string>& refs_;
  const Engine& engine_;
};

void write_schedule(std::string& out, const Schedule& s) {
  put(out, "timezone", s.timezone.value);
  for (const WeeklyWindow& w : s.weekly) {
    out += fmt::format("weekly={},{},{};", w.days, w.from, w.to);
  }
  for (const auto& d : s.dates) {
    out += fmt::format("date={}-{}-{};", d.value.year, d.value.month, d.value.day);
  }
  for (const DateRange& r : s.ranges) {
    out += fmt::format("range={}-{}-{}T{},{}-{}-{}T{};", r.from.date.year, r.from.date.month,
                       r.from.date.day, r.from.minute, r.to.date.year, r.to.date.month,
                       r.to.date.day, r.to.minute);
  }
  for (const YearlyDay& y : s.yearly) {
    out += fmt::format("yearly={},{},{},{},{},{};", static_cast<int>(y.kind), y.month, y.day,
                       y.easter_offset, static_cast<int>(y.weekday), y.nth);
  }
  for (const auto& e : s.except) put(out, "except", e.value);
}

}  // namespace

RoutingItems::RoutingItems(const Tenant& tenant, const Engine& engine)
    : tenant_(tenant), engine_(engine) {
  for (const User& u : tenant.users) users_.try_emplace(u.extension.value, &u);
  for (const Device& d : tenant.devices) devices_[d.user.value].push_back(&d);
  for (const Plan& p : tenant.plans) plans_.try_emplace(p.id.value, &p);
  for (const Schedule& s : tenant.schedules) schedules_.try_emplace(s.name.value, &s);
  for (const Number& n : tenant.numbers) {
    numbers_.try_emplace(engine.normalise_number(n.number.value), &n);
  }
}

std::string RoutingItems::describe(const std::string& key, std::vector<std::string>& refs) const {
  std::string out;
  auto colon = key.find(':');
  std::string kind = key.substr(0, colon);
  std::string name = key.substr(colon + 1);
  if (kind == "caller") {
    // A calling colleague counts by extension (never rung in their own call) and the caller
    // ID they show: not their devices or plans.
    auto it = users_.find(name);
    if (it == users_.end()) return "absent";
    put(out, "caller_id", it->second->caller_id.value);
  } else if (kind == "user") {
    auto it = users_.find(name);
    if (it == users_.end()) return "absent";
    const User& u = *it->second;
    put(out, "first", u.first_name);
    put(out, "last", u.last_name);
    put(out, "caller_id", u.caller_id.value);
    put(out, "voicemail", u.voicemail.value ? "1" : "0");
    put(out, "plan", u.plan.value);
    put(out, "role", u.role.value == Role::admin ? "admin" : "user");
    if (!u.plan.value.empty()) refs.push_back("plan:" + u.plan.value);
    if (auto d = devices_.find(name); d != devices_.end()) {
      for (const Device* device : d->second) {
        put(out, "device", device->id.value);
        put(out, "sip", device->sip.username.value);
        put(out, "registers", device->sip.can_register() ? "1" : "0");
      }
    }
  } else if (kind == "plan") {
    auto it = plans_.find(name);
    if (it == plans_.end()) return "absent";
    put(out, "label", it->second->label);
    StepWriter(out, refs, engine_).list(it->second->steps);
  } else if (kind == "schedule") {
    auto it = schedules_.find(name);
    if (it == schedules_.end()) return "absent";
    write_schedule(out, *it->second);
    for (const auto& e : it->second->except) refs.push_back("schedule:" + e.value);
  } else if (kind == "number") {
    auto it = numbers_.find(name);
    if (it == numbers_.end()) return "absent";
    put(out, "written", it->second->number.value);
    put(out, "plan", it->second->plan.value);
    put(out, "label", it->second->label);
    refs.push_back("plan:" + it->second->plan.value);
  }
  return out;
}

const RoutingItems::Item& RoutingItems::item(const std::string& key) {
  auto it = memo_.find(key);
  if (it == memo_.end()) {
    std::vector<std::string> refs;
    std::string text = describe(key, refs);
    it = memo_.emplace(key, Item{std::move(text), std::move(refs)}).first;
  }
  return it->second;
}

const std::string& RoutingItems::text(const std::string& key) { return item(key).first; }

const std::vector<std::string>& RoutingItems::refs(const std::string& key) {
  return item(key).second;
}

std::vector<std::string> RoutingItems::keys() const {
  std::vector<std::string> out;
  for (const auto& [ext, user] : users_) {
    out.push_back("user:" + ext);
    out.push_back("caller:" + ext);
  }
  for (const auto& [id, plan] : plans_) out.push_back("plan:" + id);
  for (const auto& [name, schedule] : schedules_) out.push_back("schedule:" + name);
  for (const auto& [e164, number] : numbers_) out.push_back("number:" + e164);
  return out;
}

std::string RoutingItems::settings() const {
  std::string out;
  const TenantInfo& info = tenant_.info;
  put(out, "timezone", info.timezone.value);
  put(out, "country", info.country.value);
  put(out, "language", info.language.value);
  put(out, "name", info.name.value);
  put(out, "login", info.login.value);
  return out;
}

ChangeReach::ChangeReach(const Tenant& before, const Engine& before_engine, const Tenant& after,
                         const Engine& after_engine) {
  RoutingItems old_items(before, before_engine);
  RoutingItems new_items(after, after_engine);
  if (old_items.settings() != new_items.settings()) {
    everything_ = true;
    return;
  }
  std::set<std::string> keys;
  for (auto* items : {&old_items, &new_items}) {
    for (std::string& k : items->keys()) keys.insert(std::move(k));
  }
  // Who refers to whom, in either version, walked backwards from the changed items.
  std::map<std::string, std::vector<std::string>> referred_by;
  std::vector<std::string> todo;
  for (const std::string& key : keys) {
    if (old_items.text(key) != new_items.text(key)) todo.push_back(key);
    for (auto* items : {&old_items, &new_items}) {
      for (const std::string& ref : items->refs(key)) referred_by[ref].push_back(key);
    }
  }
  while (!todo.empty()) {
    std::string key = std::move(todo.back());
    todo.pop_back();
    if (!tainted_.insert(key).second) continue;
    if (auto it = referred_by.find(key); it != referred_by.end()) {
      for (const std::string& by : it->second) {
        if (!tainted_.count(by)) todo.push_back(by);
      }
    }
  }
}

bool ChangeReach::reaches(const std::string& dial, const std::string& caller) const {
  // An item absent from both versions (a number nobody has) is the same in both.
  return everything_ || tainted_.count("caller:" + caller) || tainted_.count("user:" + dial) ||
         tainted_.count("number:" + dial);
}

}  // namespace callplan::diff_detail
