// The program every packaging consumer builds (find_package, add_subdirectory, pkg-config):
// load a small tenant from memory and print how many users it has.
#include <callplan/callplan.hpp>
#include <fmt/core.h>

int main() {
  const callplan::LoadResult r = callplan::load_string(R"(version: 1
tenant: {name: Consumer BV, login: consumer, timezone: Europe/Amsterdam}
numbers: [{number: "+31881234567", plan: main}]
users:
  - {extension: "001", first_name: Anna, last_name: Jansen, email: anna@consumer.example}
  - {extension: "002", first_name: Bram, last_name: Smit, email: bram@consumer.example}
  - {extension: "003", first_name: Cor, last_name: Bos, email: cor@consumer.example}
devices:
  - {id: d1, name: Desk 1, user: "001", sip: {password: one-secret}}
  - {id: d2, name: Desk 2, user: "002", sip: {password: two-secret}}
  - {id: d3, name: Desk 3, user: "003", sip: {password: three-secret}}
plans: [{id: main, steps: [{ring_group: {strategy: ring_all, members: ["001", "002", "003"]}}]}]
)", "consumer.yaml");
  for (const callplan::Issue& issue : r.issues) fmt::print("{}\n", callplan::to_string(issue));
  fmt::print("callplan {}: {} users\n", callplan::kVersion, r.tenant.users.size());
  return callplan::has_errors(r.issues) ? 1 : 0;
}
