// CP214-CP216: only a user-device combination can call and be called (SPEC 1).
//
// A user without a device is one problem with one fix (link a device), so it is reported once:
// where it bites — at every ring-group member or transfer that targets the user (CP214, with a
// note at the user) — or, when nothing targets the user, at the user itself (CP215).
#include <set>
#include <string>

#include <fmt/format.h>

#include "check/rules.hpp"

namespace callplan::check_detail {

namespace {

void report_target_without_device(Context& cx, const Located<std::string>& target,
                                  const User& user, std::string_view what, SourceId fallback) {
  Issue& issue = cx.report(
      "CP214", fmt::format("{} targets user {}, who has no linked device, so it never rings",
                           what, target.value),
      target.where, fallback);
  cx.note(issue, fmt::format("user {} is defined here", user.extension.value),
          user.extension.where, user.where);
  issue.hints.push_back(
      fmt::format("add a device with `user: \"{}\"` under `devices:`", user.extension.value));
}

// Targets of ringing steps whose user exists but has no device; returns the users targeted.
std::set<std::string> targets_without_device(Context& cx) {
  std::set<std::string> targeted;
  auto visit_target = [&](const Located<std::string>& target, std::string_view what,
                          SourceId fallback) {
    if (!is_extension(target.value)) return;  // external numbers ring through the trunk
    const User* user = cx.find_user(target.value);
    if (user == nullptr || cx.device_count(target.value) > 0) return;  // CP210 / fine
    targeted.insert(target.value);
    report_target_without_device(cx, target, *user, what, fallback);
  };
  for_each_step(cx.tenant(), [&](const Step& step, const std::string& path, bool) {
    if (const auto* t = std::get_if<Transfer>(&step.body)) {
      // Following the personal plan hands the call over; a personal plan of the user's own
      // may send it anywhere, so only the default personal plan (ring the devices) needs one.
      const User* user = cx.find_user(t->to.value);
      bool rings_devices =
          !t->follow_personal_plan.value || (user != nullptr && user->plan.value.empty());
      if (rings_devices) visit_target(t->to, fmt::format("transfer {}", path), step.where);
    } else if (const auto* g = std::get_if<RingGroup>(&step.body)) {
      for (const Located<std::string>& m : g->members) {
        visit_target(m, fmt::format("ring group {}", path), step.where);
      }
    }
  });
  return targeted;
}

}  // namespace

void check_devices(Context& cx) {
  std::set<std::string> targeted = targets_without_device(cx);
  for (const User& u : cx.tenant().users) {
    if (u.extension.value.empty() || cx.device_count(u.extension.value) > 0) continue;
    if (targeted.count(u.extension.value) > 0) continue;
    if (cx.find_user(u.extension.value) != &u) continue;  // a duplicate: CP200 says it
    Issue& issue = cx.report(
        "CP215", fmt::format("user {} has no linked device, so it cannot call or be called",
                             u.extension.value),
        u.extension.where, u.where);
    issue.hints.push_back(
        fmt::format("add a device with `user: \"{}\"` under `devices:`", u.extension.value));
  }
  for (const Device& d : cx.tenant().devices) {
    if (!d.user.value.empty()) continue;
    Issue& issue = cx.report(
        "CP216", fmt::format("device `{}` has no linked user, so it cannot call or be called",
                             d.id.value),
        d.id.where, d.where);
    issue.hints.push_back("link it to a user with `user: \"<extension>\"`");
  }
}

}  // namespace callplan::check_detail
