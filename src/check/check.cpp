// check() and load_and_check(): run every rule family and put the issues in a stable order.
#include "callplan/check.hpp"

#include <algorithm>
#include <tuple>

#include "callplan/prompts.hpp"
#include "check/rules.hpp"

namespace callplan {

namespace {

// By place, then code, then message: the same tenant always gives the same output, whatever
// order the rules ran in.
void sort_issues(Issues& issues) {
  std::stable_sort(issues.begin(), issues.end(), [](const Issue& a, const Issue& b) {
    return std::tie(a.location.file, a.location.line, a.location.column, a.code, a.message) <
           std::tie(b.location.file, b.location.line, b.location.column, b.code, b.message);
  });
}

}  // namespace

Issues check(const Tenant& tenant) {
  check_detail::Context cx(tenant);
  check_detail::check_duplicates(cx);
  check_detail::check_references(cx);
  check_detail::check_devices(cx);
  check_detail::check_schedules(cx);
  check_detail::check_steps(cx);
  check_detail::check_reachability(cx);
  check_detail::check_loops(cx);
  check_detail::check_provisioning(cx);
  check_detail::check_provisioning_keys(cx);
  check_detail::check_voicemail_pins(cx);
  Issues issues = cx.take_issues();
  sort_issues(issues);
  return issues;
}

CheckedTenant load_and_check(const std::string& path, const LoadAndCheckOptions& options) {
  LoadResult loaded = load_file(path);  // throws callplan::Error when unreadable
  Issues issues = std::move(loaded.issues);
  Issues found = check(loaded.tenant);
  issues.insert(issues.end(), std::make_move_iterator(found.begin()),
                std::make_move_iterator(found.end()));
  if (options.prompts != nullptr && *options.prompts) {
    Issues measured = measure_prompts(loaded.tenant, *options.prompts);
    issues.insert(issues.end(), std::make_move_iterator(measured.begin()),
                  std::make_move_iterator(measured.end()));
  }
  sort_issues(issues);
  return CheckedTenant{std::move(loaded.tenant), std::move(issues)};
}

}  // namespace callplan
