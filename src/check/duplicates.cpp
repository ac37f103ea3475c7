// CP200-CP205: two elements with the same identity; CP206: a ring-group member listed twice.
// The second one is reported, with a note at the first ("first defined here"), because the
// first one is the one every reference resolves to.
#include <map>
#include <string>

#include <fmt/format.h>

#include "check/rules.hpp"

namespace callplan::check_detail {

namespace {

// Remembers the first place of every key and reports each later one.
class FirstSeen {
 public:
  FirstSeen(Context& cx, std::string_view code, std::string_view what)
      : cx_(cx), code_(code), what_(what) {}

  // `shown` is the key as the user wrote it (numbers are compared canonically).
  void add(const std::string& key, std::string_view shown, SourceId where, SourceId fallback) {
    if (key.empty()) return;
    auto [it, inserted] = first_.emplace(key, std::pair{where, fallback});
    if (inserted) return;
    Issue& issue = cx_.report(code_, fmt::format("duplicate {} `{}`", what_, shown), where,
                              fallback);
    cx_.note(issue, "first defined here", it->second.first, it->second.second);
  }

 private:
  Context& cx_;
  std::string_view code_;
  std::string_view what_;
  std::map<std::string, std::pair<SourceId, SourceId>> first_;
};

void duplicate_extensions(Context& cx) {
  FirstSeen seen(cx, "CP200", "extension");
  for (const User& u : cx.tenant().users) {
    seen.add(u.extension.value, u.extension.value, u.extension.where, u.where);
  }
}

void duplicate_devices(Context& cx) {
  FirstSeen seen(cx, "CP201", "device id");
  for (const Device& d : cx.tenant().devices) seen.add(d.id.value, d.id.value, d.id.where, d.where);
}

void duplicate_sip_usernames(Context& cx) {
  // A default username ("<login>-<id>") has no place of its own: point at the device.
  FirstSeen seen(cx, "CP202", "SIP username");
  for (const Device& d : cx.tenant().devices) {
    seen.add(d.sip.username.value, d.sip.username.value, d.sip.username.where, d.id.where);
  }
}

void duplicate_numbers(Context& cx) {
  FirstSeen seen(cx, "CP203", "number");
  for (const Number& n : cx.tenant().numbers) {
    seen.add(cx.canonical_number(n.number.value), n.number.value, n.number.where, n.where);
  }
}

void duplicate_plans(Context& cx) {
  FirstSeen seen(cx, "CP204", "plan id");
  for (const Plan& p : cx.tenant().plans) seen.add(p.id.value, p.id.value, p.id.where, p.where);
}

void duplicate_schedules(Context& cx) {
  FirstSeen seen(cx, "CP205", "schedule name");
  for (const Schedule& s : cx.tenant().schedules) {
    if (!s.is_inline) seen.add(s.name.value, s.name.value, s.name.where, s.where);
  }
}

void duplicate_members(Context& cx) {
  for_each_step(cx.tenant(), [&cx](const Step& step, const std::string& path, bool) {
    const auto* group = std::get_if<RingGroup>(&step.body);
    if (group == nullptr) return;
    std::map<std::string, SourceId> first;
    for (const Located<std::string>& m : group->members) {
      std::string key = is_extension(m.value) ? m.value : cx.canonical_number(m.value);
      auto [it, inserted] = first.emplace(key, m.where);
      if (inserted) continue;
      Issue& issue = cx.report(
          "CP206", fmt::format("ring group {} lists member `{}` twice", path, m.value), m.where,
          step.where);
      cx.note(issue, "first listed here", it->second, step.where);
      issue.hints.push_back("a member rings once; remove the second entry");
    }
  });
}

}  // namespace

void check_duplicates(Context& cx) {
  duplicate_extensions(cx);
  duplicate_devices(cx);
  duplicate_sip_usernames(cx);
  duplicate_numbers(cx);
  duplicate_plans(cx);
  duplicate_schedules(cx);
  duplicate_members(cx);
}

}  // namespace callplan::check_detail
