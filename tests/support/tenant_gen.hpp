// tests/support/tenant_gen.hpp — build tenants in C++ and generate random ones (rapidcheck).
//
// The builders (make_user, ring_group_step, ...) give tests a terse way to write a Tenant
// without YAML. The generators produce small tenants that pass the checker (2-8 users with
// devices, 0-3 numbers, 1-4 plans with steps of every kind except `random` ring groups,
// named schedules, transfers and gotos that may loop only conditionally) and worlds to call
// them in (presence, scripted answers, digits, instants, hang-ups; calls to the tenant's
// numbers, to extensions, outbound and to an extension nobody has).
//
//   rc::check([](const callplan::testgen::GeneratedCase& c) { ... });
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <rapidcheck.h>

#include "callplan/model.hpp"
#include "support/reference_router.hpp"

namespace callplan::testgen {

// --- builders ---------------------------------------------------------------------------------

User make_user(std::string extension, bool voicemail = false, std::string plan = "");
Device make_device(std::string id, std::string user_extension);
Number make_number(std::string number, std::string plan);
Plan make_plan(std::string id, StepList steps);

// `caller_id` (external targets only): empty for the default (`caller`), else as written.
Step transfer_step(std::string to, bool follow_personal_plan, std::uint32_t timeout = 30,
                   std::string caller_id = "");
Step ring_group_step(Strategy strategy, std::vector<std::string> members,
                     std::uint32_t timeout = 30, std::uint32_t max_duration = 0);
Step condition_step(std::string schedule, std::optional<StepList> then_steps,
                    std::optional<StepList> else_steps);
Step voicemail_step(std::string user);
Step announcement_step(std::string audio);
Step menu_step(std::string prompt, std::vector<std::pair<std::string, StepList>> options,
               std::uint32_t timeout = 5, std::uint32_t retries = 2,
               std::optional<StepList> invalid = std::nullopt);
Step goto_step(std::string plan);
Step hangup_step();

// A tenant "acme" in Europe/Amsterdam whose users (one device each, "dev-<ext>") have the
// given extensions; no numbers, plans or schedules yet.
Tenant tenant_with_users(const std::vector<std::string>& extensions);

// A weekly schedule: `days` bit i = Weekday(i), from/to in minutes.
Schedule weekly_schedule(std::string name, WeekdaySet days, MinuteOfDay from, MinuteOfDay to);

// --- generators -------------------------------------------------------------------------------

// One generated call, in the reference router's vocabulary (the property test translates it).
using Call = reference::Scenario;

struct GeneratedCase {
  Tenant tenant;
  std::vector<Call> calls;  // routed one after the other, sharing round-robin state
};

// A checked-clean tenant (see the file comment).
rc::Gen<Tenant> gen_tenant();
// 1-3 calls into `tenant`.
rc::Gen<std::vector<Call>> gen_calls(const Tenant& tenant);
rc::Gen<GeneratedCase> gen_case();

// A readable dump of a tenant (YAML-like) for counterexamples.
std::string describe(const Tenant& tenant);
std::string describe(const Call& call);

// How rapidcheck prints a case (found by argument-dependent lookup).
void showValue(const GeneratedCase& c, std::ostream& os);

}  // namespace callplan::testgen

namespace rc {
template <>
struct Arbitrary<callplan::testgen::GeneratedCase> {
  static Gen<callplan::testgen::GeneratedCase> arbitrary() {
    return callplan::testgen::gen_case();
  }
};
}  // namespace rc
