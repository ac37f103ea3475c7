// CP404-CP409: steps that are legal but do not do what they seem to (ignored or odd time-outs,
// a memory hunt of one) or cannot work at all (empty ring group, plan or menu).
#include <set>
#include <string>

#include <fmt/format.h>

#include "check/rules.hpp"

namespace callplan::check_detail {

namespace {

// CP405. One ring is 5 s (SPEC 1): the hint proposes the nearest whole number of rings.
void check_whole_rings(Context& cx, const Located<std::uint32_t>& seconds, std::string_view what,
                       SourceId fallback) {
  if (!seconds.given() || seconds.value == 0 || seconds.value % kSecondsPerRing == 0) return;
  std::uint32_t rings = (seconds.value + kSecondsPerRing / 2) / kSecondsPerRing;
  if (rings == 0) rings = 1;
  Issue& issue = cx.report(
      "CP405", fmt::format("{} is {} s, not a whole number of rings (one ring is 5 s)", what,
                           seconds.value),
      seconds.where, fallback);
  issue.hints.push_back(fmt::format("use {} ({} ring{})", rings * kSecondsPerRing, rings,
                                    rings == 1 ? "" : "s"));
}

void check_transfer(Context& cx, const Transfer& t, const std::string& path, SourceId where) {
  bool follows = is_extension(t.to.value) && t.follow_personal_plan.value;
  if (follows && t.timeout.given()) {
    Issue& issue = cx.report(
        "CP404",
        fmt::format("time-out of transfer {} is ignored: it follows the personal plan of user {}",
                    path, t.to.value),
        t.timeout.where, where);
    issue.hints.push_back(fmt::format(
        "set `follow_personal_plan: false` to ring user {} for {} s and then go on, or remove "
        "the time-out",
        t.to.value, t.timeout.value));
    return;  // an ignored time-out is not worth a second warning
  }
  check_whole_rings(cx, t.timeout, fmt::format("time-out of transfer {}", path), where);
}

void check_ring_group(Context& cx, const RingGroup& g, const std::string& path, SourceId where) {
  if (g.members.empty()) {
    Issue& issue = cx.report(
        "CP407", fmt::format("ring group {} has no members, so it never rings", path), where);
    issue.hints.push_back("add extensions or external numbers under `members`");
    return;
  }
  std::set<std::string> distinct;
  for (const Located<std::string>& m : g.members) distinct.insert(m.value);
  if (g.strategy.value == Strategy::memory_hunt && distinct.size() == 1) {
    Issue& issue = cx.report(
        "CP406", fmt::format("memory hunt {} has one member, so it rings like a transfer", path),
        g.strategy.where, where);
    issue.hints.push_back("add members, or use a `transfer` to that member");
  }
  check_whole_rings(cx, g.timeout, fmt::format("time-out of ring group {}", path), where);
  check_whole_rings(cx, g.max_duration, fmt::format("max_duration of ring group {}", path),
                    where);
}

void check_menu(Context& cx, const Menu& m, const std::string& path, SourceId where) {
  if (!m.options.empty()) return;
  Issue& issue = cx.report(
      "CP409", fmt::format("menu {} has no options, so no digit leads anywhere", path), where);
  issue.hints.push_back("add `options`, e.g. \"1\": [steps], or replace the menu with an "
                        "announcement");
}

}  // namespace

void check_steps(Context& cx) {
  for (const Plan& p : cx.tenant().plans) {
    if (!p.steps.empty()) continue;
    Issue& issue = cx.report(
        "CP408", fmt::format("plan `{}` has no steps: every call to it ends unanswered", p.id.value),
        p.id.where, p.where);
    issue.hints.push_back("add steps, e.g. a `transfer` or a `voicemail`");
  }
  for_each_step(cx.tenant(), [&cx](const Step& step, const std::string& path, bool) {
    if (const auto* t = std::get_if<Transfer>(&step.body)) {
      check_transfer(cx, *t, path, step.where);
    } else if (const auto* g = std::get_if<RingGroup>(&step.body)) {
      check_ring_group(cx, *g, path, step.where);
    } else if (const auto* m = std::get_if<Menu>(&step.body)) {
      check_menu(cx, *m, path, step.where);
    }
  });
}

}  // namespace callplan::check_detail
