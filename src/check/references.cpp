// CP210-CP213, CP217, CP218: references between elements. Names are resolved here (the loader
// keeps them as written); every unknown name gets a "did you mean" hint against the names that
// do exist.
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "check/rules.hpp"
#include "diagnostics/make_issue.hpp"

namespace callplan::check_detail {

namespace {

void hint(Issue& issue, std::string text) {
  if (!text.empty()) issue.hints.push_back(std::move(text));
}

// CP210. Returns the user, or nullptr after reporting.
const User* resolve_user(Context& cx, const Located<std::string>& ext, std::string_view role,
                         SourceId fallback) {
  if (const User* u = cx.find_user(ext.value)) return u;
  Issue& issue = cx.report("CP210", fmt::format("{} `{}` is not the extension of any user", role,
                                                ext.value),
                           ext.where, fallback);
  hint(issue, detail::did_you_mean(ext.value, cx.extensions()));
  return nullptr;
}

void resolve_plan(Context& cx, const Located<std::string>& id, std::string_view role,
                  SourceId fallback) {
  if (id.value.empty() || cx.find_plan(id.value) != nullptr) return;
  Issue& issue = cx.report("CP211", fmt::format("{} `{}` does not exist", role, id.value),
                           id.where, fallback);
  hint(issue, detail::did_you_mean(id.value, cx.plan_ids()));
}

void resolve_schedule(Context& cx, const Located<std::string>& name, std::string_view role,
                      SourceId fallback) {
  if (name.value.empty() || cx.find_schedule(name.value) != nullptr) return;
  Issue& issue = cx.report("CP212", fmt::format("{} `{}` does not exist", role, name.value),
                           name.where, fallback);
  hint(issue, detail::did_you_mean(name.value, cx.schedule_names()));
}

// CP213: caller IDs must be numbers the tenant owns; anything else would be spoofing.
void check_caller_id(Context& cx, const Located<std::string>& caller_id, std::string_view whose,
                     SourceId fallback) {
  if (cx.is_tenant_number(caller_id.value)) return;
  Issue& issue = cx.report(
      "CP213", fmt::format("{} caller ID `{}` is not one of the tenant's numbers", whose,
                           caller_id.value),
      caller_id.where, fallback);
  std::vector<std::string_view> numbers;
  for (const Number& n : cx.tenant().numbers) numbers.push_back(n.number.value);
  std::string guess = detail::did_you_mean(caller_id.value, numbers);
  if (!guess.empty()) {
    hint(issue, std::move(guess));
  } else if (!numbers.empty()) {
    hint(issue, fmt::format("use one of: {}", fmt::join(numbers, ", ")));
  } else {
    hint(issue, "add the number under `numbers:` first");
  }
}

// CP217: a voicemail step for a user whose personal voicemail is off would fail at call time.
void check_voicemail_enabled(Context& cx, const Voicemail& vm, const User& user,
                             SourceId fallback) {
  if (user.voicemail.value) return;
  Issue& issue = cx.report(
      "CP217", fmt::format("voicemail step for user {}, whose voicemail is off", vm.user.value),
      vm.user.where, fallback);
  cx.note(issue, fmt::format("user {} is defined here", user.extension.value),
          user.extension.where, user.where);
  hint(issue, fmt::format("set `voicemail: true` on user {}", user.extension.value));
}

void check_step_references(Context& cx, const Step& step, const std::string& path) {
  if (const auto* t = std::get_if<Transfer>(&step.body)) {
    if (is_extension(t->to.value)) {
      resolve_user(cx, t->to, fmt::format("transfer {} target", path), step.where);
    }
    // `caller` (the default) shows the caller's own number; anything else must be ours.
    if (t->caller_id.given() && t->caller_id.value != "caller") {
      check_caller_id(cx, t->caller_id, fmt::format("transfer {}", path), step.where);
    }
  } else if (const auto* g = std::get_if<RingGroup>(&step.body)) {
    for (const Located<std::string>& m : g->members) {
      if (is_extension(m.value)) {
        resolve_user(cx, m, fmt::format("ring group {} member", path), step.where);
      }
    }
    if (g->caller_id.given()) {
      Issue& issue = cx.report(
          "CP218",
          fmt::format("ring group {} cannot choose the caller ID its external members see",
                      path),
          g->caller_id.where, step.where);
      hint(issue, "external members always see the original caller; use a `transfer` with "
                  "`caller_id` to show one of the tenant's numbers");
    }
  } else if (const auto* tc = std::get_if<TimeCondition>(&step.body)) {
    resolve_schedule(cx, tc->schedule, fmt::format("time condition {}: schedule", path),
                     step.where);
  } else if (const auto* vm = std::get_if<Voicemail>(&step.body)) {
    if (const User* u = resolve_user(cx, vm->user, fmt::format("voicemail {} user", path),
                                     step.where)) {
      check_voicemail_enabled(cx, *vm, *u, step.where);
    }
  } else if (const auto* go = std::get_if<Goto>(&step.body)) {
    resolve_plan(cx, go->plan, fmt::format("goto {}: plan", path), step.where);
  }
}

}  // namespace

void check_references(Context& cx) {
  const Tenant& t = cx.tenant();
  for (const Number& n : t.numbers) {
    resolve_plan(cx, n.plan, fmt::format("number {}: plan", n.number.value), n.where);
  }
  for (const User& u : t.users) {
    resolve_plan(cx, u.plan, fmt::format("user {}: personal plan", u.extension.value), u.where);
    if (!u.caller_id.value.empty()) {
      check_caller_id(cx, u.caller_id, fmt::format("user {}", u.extension.value), u.where);
    }
  }
  for (const Device& d : t.devices) {
    if (!d.user.value.empty()) {
      resolve_user(cx, d.user, fmt::format("device `{}`: user", d.id.value), d.where);
    }
  }
  for (const Schedule& s : t.schedules) {
    for (const Located<std::string>& e : s.except) {
      resolve_schedule(cx, e, fmt::format("schedule `{}`: except", s.name.value), s.where);
    }
  }
  for_each_step(t, [&cx](const Step& step, const std::string& path, bool) {
    check_step_references(cx, step, path);
  });
}

}  // namespace callplan::check_detail
