#include "panel/model_json.hpp"

#include <variant>

#include <fmt/format.h>

#include "model/phone_models.hpp"

namespace callplan::panel {
namespace {

using nlohmann::json;

std::string_view role_name(Role r) { return r == Role::admin ? "admin" : "user"; }

struct Places {
  const SourceMap& sources;
  const std::filesystem::path& root;
};

json steps_json(const StepList& steps, const Places& sources);

json place(SourceId where, const Places& places) {
  const Location at = places.sources.location(where);
  if (at.file.empty()) return nullptr;
  return {{"file", std::filesystem::path(at.file).lexically_relative(places.root).string()}, {"line", at.line}, {"column", at.column}};
}

json step_body(const Step::Body& body, const Places& sources) {
  return std::visit(
      [&](const auto& b) -> json {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, Transfer>) {
          return {{"to", b.to.value},
                  {"follow_personal_plan", b.follow_personal_plan.value},
                  {"timeout", b.timeout.value}};
        } else if constexpr (std::is_same_v<T, RingGroup>) {
          json members = json::array();
          for (const auto& m : b.members) members.push_back(m.value);
          return {{"strategy", to_string(b.strategy.value)},
                  {"members", members},
                  {"timeout", b.timeout.value},
                  {"max_duration", b.max_duration.value}};
        } else if constexpr (std::is_same_v<T, TimeCondition>) {
          json out = {{"schedule", b.schedule.value}};
          if (b.then_steps) out["then"] = steps_json(*b.then_steps, sources);
          if (b.else_steps) out["else"] = steps_json(*b.else_steps, sources);
          return out;
        } else if constexpr (std::is_same_v<T, Voicemail>) {
          return {{"user", b.user.value}};
        } else if constexpr (std::is_same_v<T, Announcement>) {
          return {{"audio", b.audio.value}, {"text", b.text.value}};
        } else if constexpr (std::is_same_v<T, Menu>) {
          json options = json::array();
          for (const MenuOption& o : b.options)
            options.push_back({{"digit", o.digit.value}, {"steps", steps_json(o.steps, sources)}});
          json out = {{"prompt", b.prompt.value},
                      {"options", options},
                      {"timeout", b.timeout.value},
                      {"retries", b.retries.value}};
          if (b.invalid) out["invalid"] = steps_json(*b.invalid, sources);
          return out;
        } else if constexpr (std::is_same_v<T, Goto>) {
          return {{"plan", b.plan.value}};
        } else {
          return json::object();
        }
      },
      body);
}

json steps_json(const StepList& steps, const Places& sources) {
  json out = json::array();
  for (const Step& s : steps)
    out.push_back({{"kind", step_kind_name(s)},
                   {"label", s.label},
                   {"at", place(s.where, sources)},
                   {"fields", step_body(s.body, sources)}});
  return out;
}

// ---- schedules, as the schedules screen edits them ----------------------------------------------

constexpr const char* kDayNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr const char* kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};

std::string hhmm(MinuteOfDay m) { return fmt::format("{:02}:{:02}", m / 60, m % 60); }
std::string date_text(const LocalDate& d) {
  return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
}

json yearly_json(const YearlyDay& y) {
  switch (y.kind) {
    case YearlyDay::Kind::fixed: return fmt::format("{:02}-{:02}", y.month, y.day);
    case YearlyDay::Kind::easter:
      return y.easter_offset == 0 ? std::string("easter") : fmt::format("easter{:+}", y.easter_offset);
    case YearlyDay::Kind::nth_weekday:
      return {{"month", kMonthNames[(y.month + 11) % 12]},
              {"weekday", kDayNames[static_cast<int>(y.weekday)]},
              {"nth", y.nth}};
  }
  return nullptr;
}

// The addresses of the time conditions that test schedule `name` ("main/0/then/2").
void conditions_on(const StepList& steps, const std::string& name, const std::string& address,
                   json& out) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::string here = fmt::format("{}/{}", address, i);
    if (const auto* c = std::get_if<TimeCondition>(&steps[i].body)) {
      if (c->schedule.value == name) out.push_back(here);
      if (c->then_steps) conditions_on(*c->then_steps, name, here + "/then", out);
      if (c->else_steps) conditions_on(*c->else_steps, name, here + "/else", out);
    } else if (const auto* m = std::get_if<Menu>(&steps[i].body)) {
      for (const MenuOption& o : m->options) conditions_on(o.steps, name, here + "/" + o.digit.value, out);
      if (m->invalid) conditions_on(*m->invalid, name, here + "/invalid", out);
    }
  }
}

json schedule_json(const Tenant& t, const Schedule& s, const Places& places) {
  json weekly = json::array();
  for (const WeeklyWindow& w : s.weekly) {
    json days = json::array();
    for (int d = 0; d < 7; ++d)
      if (w.days & (1u << d)) days.push_back(kDayNames[d]);
    weekly.push_back({{"days", days}, {"from", hhmm(w.from)}, {"to", hhmm(w.to)}});
  }
  json dates = json::array();
  for (const auto& d : s.dates) dates.push_back(date_text(d.value));
  json ranges = json::array();
  for (const DateRange& r : s.ranges)
    ranges.push_back({{"from", date_text(r.from.date) + "T" + hhmm(r.from.minute)},
                      {"to", date_text(r.to.date) + "T" + hhmm(r.to.minute)}});
  json yearly = json::array();
  for (const YearlyDay& y : s.yearly) yearly.push_back(yearly_json(y));
  json except = json::array();
  for (const auto& e : s.except) except.push_back(e.value);
  // Who names it: a schedule in use cannot be removed (schedule_changes.hpp).
  json used_by = json::array();
  for (const Plan& p : t.plans) conditions_on(p.steps, s.name.value, p.id.value, used_by);
  json excepted_by = json::array();
  for (const Schedule& other : t.schedules)
    for (const auto& e : other.except)
      if (e.value == s.name.value && !other.is_inline) excepted_by.push_back(other.name.value);
  return {{"name", s.name.value},   {"at", place(s.where, places)}, {"timezone", s.timezone.value},
          {"weekly", weekly},       {"dates", dates},              {"ranges", ranges},
          {"yearly", yearly},       {"except", except},            {"used_by", used_by},
          {"excepted_by", excepted_by}};
}

}  // namespace

json user_json(const User& u) {
  return {{"extension", u.extension.value}, {"first_name", u.first_name},
          {"last_name", u.last_name},       {"email", u.email.value},
          {"role", role_name(u.role.value)}, {"caller_id", u.caller_id.value},
          {"voicemail", u.voicemail.value},  {"plan", u.plan.value},
          {"avatar", u.avatar}};
}

json model_json(const Tenant& t, const std::filesystem::path& root) {
  const Places places{t.sources, root};
  json users = json::array();
  for (const User& u : t.users) users.push_back(user_json(u));
  json devices = json::array();
  for (const Device& d : t.devices)
    devices.push_back({{"id", d.id.value},
                       {"name", d.name},
                       {"user", d.user.value},
                       {"brand", brand_word(d.brand.value)},
                       {"model", d.model},
                       {"sip_username", d.sip.username.value},
                       {"can_register", d.sip.can_register()}});
  json numbers = json::array();
  for (const Number& n : t.numbers)
    numbers.push_back({{"number", n.number.value}, {"plan", n.plan.value}, {"label", n.label}});
  json schedules = json::array();
  for (const Schedule& s : t.schedules)
    if (!s.is_inline) schedules.push_back(schedule_json(t, s, places));
  json plans = json::array();
  for (const Plan& p : t.plans)
    plans.push_back({{"id", p.id.value},
                     {"label", p.label},
                     {"at", place(p.where, places)},
                     {"steps", steps_json(p.steps, places)}});
  return {{"tenant",
           {{"name", t.info.name.value},
            {"login", t.info.login.value},
            {"timezone", t.info.timezone.value},
            {"country", t.info.country.value}}},
          {"numbers", numbers},
          {"users", users},
          {"devices", devices},
          {"schedules", schedules},
          {"plans", plans}};
}

json issue_json(const Issue& i) {
  return {{"severity", i.severity == Severity::error ? "error"
                       : i.severity == Severity::warning ? "warning" : "note"},
          {"code", i.code},
          {"message", i.message},
          {"file", i.location.file},
          {"line", i.location.line},
          {"column", i.location.column}};
}

json issues_json(const Issues& issues) {
  json out = json::array();
  for (const Issue& i : issues) out.push_back(issue_json(i));
  return out;
}

json personal_plan_json(const Tenant& tenant, const User& user) {
  if (user.plan.value.empty()) return {{"kind", "default"}};
  const Plan* plan = nullptr;
  for (const Plan& p : tenant.plans)
    if (p.id.value == user.plan.value) plan = &p;
  if (!plan || user.plan.value != "personal-" + user.extension.value)
    return {{"kind", "shared"}, {"plan", user.plan.value}};
  json out = {{"kind", "own"}, {"ring_seconds", 0}, {"forward_to", ""}, {"forward_seconds", 0},
              {"voicemail", false}};
  // The shape set_personal_plan writes; a hand-edited plan shows what of it is recognised.
  for (const Step& s : plan->steps) {
    if (const auto* t = std::get_if<Transfer>(&s.body)) {
      if (t->to.value == user.extension.value) out["ring_seconds"] = t->timeout.value;
      else {
        out["forward_to"] = t->to.value;
        out["forward_seconds"] = t->timeout.value;
      }
    } else if (std::get_if<Voicemail>(&s.body)) {
      out["voicemail"] = true;
    }
  }
  return out;
}

}  // namespace callplan::panel
