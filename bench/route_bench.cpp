// Routing benchmarks: the SPEC section 2 example plan, routed by the engine (through the
// simulator's trace-free fast path) and by a hand-written baseline of the same decision.
//
//   cmake --preset release && cmake --build --preset release --target route_bench
//   build/release/bench/route_bench --benchmark_counters_tabular=true
//
// The tenant is generated in-process: N users (each with one device), the numbers, schedules
// and the `main` plan of SPEC 2 (time condition office hours; transfer 001 for 30 s; memory
// hunt Sales 001, 002, 003, 0612345678 at 15 s; voicemail 001). Only the first three users
// are in the plan; the others make the tenant big, which must not make routing slower.
//
// Counters: `calls/s` (items per second), `allocs/call` (heap allocations per routed call in
// steady state, counted by the global operator new below: the target is 0).
// Targets and results: docs/performance.md.
#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "callplan/check.hpp"
#include "callplan/engine.hpp"
#include "callplan/load.hpp"
#include "callplan/simulate.hpp"

// ---------------------------------------------------------------------------------------------
// Counting heap allocations. Every form of operator new funnels into counted_alloc.

namespace {
std::atomic<std::uint64_t> g_allocations{0};

void* counted_alloc(std::size_t size, std::size_t align) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;
  void* p = align > alignof(std::max_align_t) ? std::aligned_alloc(align, (size + align - 1) / align * align)
                                              : std::malloc(size);
  return p;
}
}  // namespace

void* operator new(std::size_t n) {
  if (void* p = counted_alloc(n, 0)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = counted_alloc(n, 0)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a) {
  if (void* p = counted_alloc(n, static_cast<std::size_t>(a))) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
  if (void* p = counted_alloc(n, static_cast<std::size_t>(a))) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n, 0); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n, 0); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

using callplan::Disposition;

// ---------------------------------------------------------------------------------------------
// The tenant

std::string extension_of(std::size_t i) {
  // 001, 002, 003 are the plan's people; the rest get 6-digit extensions.
  return i < 3 ? fmt::format("{:03}", i + 1) : fmt::format("{}", 100000 + i);
}

// The plan's part of the tenant, as written in SPEC 2. The filler users are added to the model
// below rather than written as YAML: the loader refuses files with millions of nodes (its
// guard against alias bombs), and what is measured here is routing, not loading.
constexpr const char* kGoldenTenantYaml = R"(version: 1
tenant: {name: Bench BV, login: bench, timezone: Europe/Amsterdam, country: NL}
numbers:
  - {number: "+31881234567", plan: main}
schedules:
  office_hours:
    weekly:
      - {days: mon-fri, from: "08:30", to: "17:30"}
    except: [holidays]
  holidays:
    dates: [2026-12-25, 2026-12-26]
    yearly: ["12-25", easter+1]
plans:
  - id: main
    steps:
      - time_condition:
          schedule: office_hours
          else:
            - announcement: {audio: closed.wav}
            - voicemail: {user: "001"}
      - transfer: {to: "001", follow_personal_plan: false, timeout: 30, label: Reception}
      - ring_group:
          strategy: memory_hunt
          members: ["001", "002", "003", "0612345678"]
          timeout: 15
          label: Sales
      - voicemail: {user: "001"}
users:
  - {extension: "001", first_name: Anna, last_name: Bench, email: a@bench.example, voicemail: true}
  - {extension: "002", first_name: Bram, last_name: Bench, email: b@bench.example}
  - {extension: "003", first_name: Carla, last_name: Bench, email: c@bench.example}
devices:
  - {id: d0, name: Phone 0, user: "001", sip: {password: pw-0}}
  - {id: d1, name: Phone 1, user: "002", sip: {password: pw-1}}
  - {id: d2, name: Phone 2, user: "003", sip: {password: pw-2}}
)";

callplan::Tenant golden_tenant(std::size_t users) {
  callplan::LoadResult loaded = callplan::load_string(kGoldenTenantYaml, "bench.yaml");
  for (const callplan::Issue& i : loaded.issues) {
    std::fprintf(stderr, "route_bench: %s\n", callplan::to_string(i).c_str());
  }
  if (callplan::has_errors(loaded.issues)) std::abort();
  callplan::Tenant tenant = std::move(loaded.tenant);
  // Filler users 100003.. with one device each; a Located value with where = kNoSource is a
  // default, which the checker accepts like a written one.
  for (std::size_t i = 3; i < users; ++i) {
    callplan::User u;
    u.extension.value = extension_of(i);
    u.first_name = fmt::format("U{}", i);
    u.last_name = "Bench";
    u.email.value = fmt::format("u{}@bench.example", i);
    tenant.users.push_back(std::move(u));
    callplan::Device d;
    d.id.value = fmt::format("d{}", i);
    d.name = fmt::format("Phone {}", i);
    d.user.value = extension_of(i);
    d.sip.username.value = fmt::format("bench-d{}", i);
    d.sip.password.value = fmt::format("pw-{}", i);
    tenant.devices.push_back(std::move(d));
  }
  return tenant;
}

std::shared_ptr<const callplan::Engine> golden_engine(std::size_t users) {
  static std::map<std::size_t, std::shared_ptr<const callplan::Engine>> cache;
  auto& engine = cache[users];
  if (!engine) {
    callplan::Tenant tenant = golden_tenant(users);
    callplan::Issues issues = callplan::check(tenant);
    for (const callplan::Issue& i : issues) {
      if (i.severity == callplan::Severity::error) {
        std::fprintf(stderr, "route_bench: generated tenant: %s\n", callplan::to_string(i).c_str());
      }
    }
    engine = callplan::Engine::compile(tenant, issues);  // throws on errors
  }
  return engine;
}

// ---------------------------------------------------------------------------------------------
// The scenarios: a mix of open and closed, and of who answers.
//
// All instants are in the weeks from 2026-11-30 to 2026-12-27, when Europe/Amsterdam is at
// +01:00 throughout (no DST change): the baseline relies on that.

constexpr std::int64_t kOffsetSeconds = 3600;  // CET

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr std::int64_t local_instant(std::int64_t y, unsigned m, unsigned d, unsigned hh,
                                     unsigned mm) {
  return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 - kOffsetSeconds;
}

struct Answer {
  const char* target;
  bool busy;
  std::uint32_t after;
};

struct ScenarioSpec {
  const char* name;
  std::int64_t at;  // seconds since the epoch, UTC
  std::vector<std::pair<const char*, callplan::Presence>> presence;
  std::vector<Answer> answers;
};

std::vector<ScenarioSpec> scenario_specs() {
  using P = callplan::Presence;
  const std::int64_t monday_10 = local_instant(2026, 11, 30, 10, 0);
  const std::int64_t tuesday_9 = local_instant(2026, 12, 1, 9, 0);
  return {
      {"open, reception answers", monday_10, {}, {{"001", false, 10}}},
      {"open, nobody answers", tuesday_9, {}, {}},
      {"open, reception busy, 002 answers", monday_10, {{"001", P::busy}}, {{"002", false, 20}}},
      {"open, reception rejects, mobile answers", tuesday_9, {}, {{"001", true, 0}, {"0612345678", false, 5}}},
      {"open, 003 answers late in the hunt", monday_10, {{"002", P::offline}}, {{"003", false, 25}}},
      {"closed, evening", local_instant(2026, 11, 30, 18, 0), {}, {{"001", false, 5}}},
      {"closed, weekend", local_instant(2026, 12, 5, 11, 0), {}, {}},
      {"closed, christmas", local_instant(2026, 12, 25, 10, 0), {}, {{"001", false, 5}}},
  };
}

callplan::Scenario to_scenario(const ScenarioSpec& spec) {
  callplan::Scenario s;
  s.from = "+31201234567";
  s.to = "+31881234567";
  s.at = callplan::Instant{std::chrono::seconds{spec.at}};
  for (const auto& [ext, state] : spec.presence) s.presence.emplace_back(ext, state);
  for (const Answer& a : spec.answers) s.answers.push_back({a.target, a.busy, a.after});
  return s;
}

// ---------------------------------------------------------------------------------------------
// The baseline: the same decision in plain C++, for exactly this plan.

struct Outcome {
  Disposition disposition = Disposition::unanswered;
  int by = -1;  // member index (0..3 = 001, 002, 003, 0612345678)
  std::uint32_t t = 0;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

// Open intervals of the office-hours schedule, precomputed for the benchmark weeks: Mon-Fri
// 08:30-17:30 local, minus 25 and 26 December. A call checks them with a binary search.
struct OfficeHours {
  std::vector<std::pair<std::int64_t, std::int64_t>> open;

  OfficeHours() {
    const std::int64_t first = days_from_civil(2026, 11, 30);  // a Monday
    for (std::int64_t day = first; day < first + 28; ++day) {
      const std::int64_t weekday = (day + 3) % 7;  // 1970-01-01 was a Thursday: 0 = Monday
      const bool holiday = day == days_from_civil(2026, 12, 25) || day == days_from_civil(2026, 12, 26);
      if (weekday >= 5 || holiday) continue;
      open.emplace_back(day * 86400 + 8 * 3600 + 30 * 60 - kOffsetSeconds,
                        day * 86400 + 17 * 3600 + 30 * 60 - kOffsetSeconds);
    }
  }

  bool matches(std::int64_t at) const {
    std::size_t lo = 0, hi = open.size();
    while (lo < hi) {  // first interval whose end is after `at`
      std::size_t mid = (lo + hi) / 2;
      if (open[mid].second <= at) lo = mid + 1; else hi = mid;
    }
    return lo < open.size() && open[lo].first <= at;
  }
};

// One call for the baseline: presence and answers already resolved to member indexes.
struct BaselineCall {
  std::int64_t at = 0;
  std::array<bool, 4> available{true, true, true, true};  // 0612345678 is always tried
  std::array<std::int32_t, 4> answer_after{-1, -1, -1, -1};  // -1 never, -2 busy
};

constexpr std::uint32_t kTransferTimeout = 30;
constexpr std::uint32_t kHuntTimeout = 15;

Outcome baseline_route(const OfficeHours& hours, const BaselineCall& c) {
  if (!hours.matches(c.at)) return {Disposition::voicemail, -1, 0};
  std::uint32_t t = 0;
  // transfer 001 for 30 s, not following the personal plan
  if (c.available[0]) {
    if (c.answer_after[0] >= 0 && static_cast<std::uint32_t>(c.answer_after[0]) <= kTransferTimeout)
      return {Disposition::answered, 0, static_cast<std::uint32_t>(c.answer_after[0])};
    if (c.answer_after[0] != -2) t = kTransferTimeout;  // a busy leg ends the step at once
  }
  // memory hunt: each available member joins T after the previous one; legs keep ringing
  std::array<std::uint32_t, 4> start{};
  std::array<bool, 4> rung{};
  std::uint32_t next = t;
  int ringing = 0;  // legs still ringing
  for (int m = 0; m < 4; ++m) {
    if (!c.available[m]) continue;  // skipped at once
    start[m] = next;
    rung[m] = true;
    if (c.answer_after[m] == -2 && ringing == 0) continue;  // busy, nobody else: step ends now
    if (c.answer_after[m] != -2) ++ringing;
    next += kHuntTimeout;
  }
  const std::uint32_t end = next;
  Outcome best{Disposition::voicemail, -1, end};
  for (int m = 0; m < 4; ++m) {
    if (!rung[m] || c.answer_after[m] < 0) continue;
    std::uint32_t when = start[m] + static_cast<std::uint32_t>(c.answer_after[m]);
    if (when <= end && (best.by < 0 || when < best.t)) best = {Disposition::answered, m, when};
  }
  return best;
}

BaselineCall to_baseline(const ScenarioSpec& spec) {
  static const std::array<std::string_view, 4> members{"001", "002", "003", "0612345678"};
  auto index = [](std::string_view target) {
    for (int m = 0; m < 4; ++m)
      if (members[m] == target) return m;
    return -1;
  };
  BaselineCall c;
  c.at = spec.at;
  for (const auto& [ext, state] : spec.presence)
    if (int m = index(ext); m >= 0) c.available[m] = state == callplan::Presence::available;
  for (const Answer& a : spec.answers)
    if (int m = index(a.target); m >= 0) c.answer_after[m] = a.busy ? -2 : static_cast<std::int32_t>(a.after);
  return c;
}

Outcome from_engine(const callplan::CallOutcome& o) {
  static const std::array<std::string_view, 4> members{"001", "002", "003", "0612345678"};
  Outcome out{o.disposition, -1, o.t};
  for (int m = 0; m < 4; ++m)
    if (o.by == members[m]) out.by = m;
  return out;
}

// The engine and the baseline must agree on every scenario, or the comparison means nothing.
void verify(const std::shared_ptr<const callplan::Engine>& engine, benchmark::State& state) {
  static bool done = false;
  if (done) return;
  OfficeHours hours;
  callplan::Simulator simulator(engine);
  for (const ScenarioSpec& spec : scenario_specs()) {
    callplan::RoutingState routing;
    Outcome e = from_engine(simulator.run(to_scenario(spec), routing));
    Outcome b = baseline_route(hours, to_baseline(spec));
    if (!(e == b)) {
      state.SkipWithError(fmt::format("engine and baseline disagree on '{}': engine {} by {} at {}, "
                                      "baseline {} by {} at {}",
                                      spec.name, callplan::to_string(e.disposition), e.by, e.t,
                                      callplan::to_string(b.disposition), b.by, b.t)
                              .c_str());
      return;
    }
  }
  done = true;
}

// ---------------------------------------------------------------------------------------------
// Benchmarks

void BM_Route_Golden(benchmark::State& state) {
  auto engine = golden_engine(static_cast<std::size_t>(state.range(0)));
  verify(engine, state);
  std::vector<callplan::Scenario> scenarios;
  for (const ScenarioSpec& spec : scenario_specs()) scenarios.push_back(to_scenario(spec));
  callplan::Simulator simulator(engine);
  callplan::RoutingState routing;
  for (const auto& s : scenarios) benchmark::DoNotOptimize(simulator.run(s, routing));  // warm up

  std::size_t i = 0;
  const std::uint64_t allocations_before = g_allocations.load(std::memory_order_relaxed);
  for (auto _ : state) {
    callplan::CallOutcome outcome = simulator.run(scenarios[i], routing);
    benchmark::DoNotOptimize(outcome);
    if (++i == scenarios.size()) i = 0;
  }
  const std::uint64_t allocations = g_allocations.load(std::memory_order_relaxed) - allocations_before;
  state.SetItemsProcessed(state.iterations());
  state.counters["allocs/call"] =
      benchmark::Counter(static_cast<double>(allocations) / static_cast<double>(state.iterations()));
  state.counters["users"] = static_cast<double>(engine->user_count());
}

void BM_Route_Golden_Baseline(benchmark::State& state) {
  // The tenant size does not matter to the baseline; the argument keeps the tables aligned.
  OfficeHours hours;
  std::vector<BaselineCall> calls;
  for (const ScenarioSpec& spec : scenario_specs()) calls.push_back(to_baseline(spec));
  std::size_t i = 0;
  const std::uint64_t allocations_before = g_allocations.load(std::memory_order_relaxed);
  for (auto _ : state) {
    Outcome outcome = baseline_route(hours, calls[i]);
    benchmark::DoNotOptimize(outcome);
    if (++i == calls.size()) i = 0;
  }
  const std::uint64_t allocations = g_allocations.load(std::memory_order_relaxed) - allocations_before;
  state.SetItemsProcessed(state.iterations());
  state.counters["allocs/call"] =
      benchmark::Counter(static_cast<double>(allocations) / static_cast<double>(state.iterations()));
  state.counters["users"] = static_cast<double>(state.range(0));
}

void tenant_sizes(benchmark::internal::Benchmark* b) {
  b->ArgName("users")->Arg(1'000)->Arg(10'000)->Arg(100'000);
}

BENCHMARK(BM_Route_Golden)->Apply(tenant_sizes);
BENCHMARK(BM_Route_Golden_Baseline)->Apply(tenant_sizes);

}  // namespace

BENCHMARK_MAIN();
