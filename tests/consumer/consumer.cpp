// The program every packaging consumer builds (find_package, add_subdirectory, pkg-config; a
// static and a shared callplan): load a small tenant from memory, compile it, and print how
// many users it has. Through the umbrella header alone, and with no
// dependency of its own: callplan's dependencies are its private business.
#include <callplan/callplan.hpp>

#include <iostream>

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
  for (const callplan::Issue& issue : r.issues) std::cout << callplan::to_string(issue) << '\n';
  if (callplan::has_errors(r.issues)) return 1;
  try {
    // The engine and an exception thrown across the library boundary (a shared build exports
    // the public classes, their type information included).
    const auto engine = callplan::Engine::compile(r.tenant);
    (void)engine->extension(static_cast<callplan::UserIndex>(engine->user_count()));
    std::cout << "no error for a user index out of range\n";
    return 1;
  } catch (const callplan::Error&) {
  }
  std::cout << "callplan " << callplan::kVersion << ": " << r.tenant.users.size() << " users\n";
  return 0;
}
