// Routing benchmarks: the SPEC section 2 example plan, routed by the engine (through the
// simulator's trace-free fast path) and by a hand-written baseline of the same decision.
//
//   cmake --preset release && cmake --build --preset release --target route_bench
//   build/release/bench/route_bench --benchmark_counters_tabular=true --benchmark_min_time=1
//       --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
//       --benchmark_report_aggregates_only=true                   (one command line)
//
// The tenant is generated in-process: N users (each with one device), the numbers, schedules
// and the `main` plan of SPEC 2 (time condition office hours; transfer 001 for 30 s; memory
// hunt Sales 001, 002, 003, 0612345678 at 15 s; voicemail 001). Only the first three users
// are in the plan; the others make the tenant big, which must not make routing slower.
//
// Per iteration both sides take one callplan::Scenario (the timed mix cycles through the 8 of
// scenario_specs()) and return who answers when:
//   - BM_Route_Golden: Simulator::run(), i.e. the caller and every presence entry looked up in
//     the engine's tables, a CallSession started (dialled number looked up, plan entered), the
//     time condition evaluated (UTC offset, weekly mask, holiday dates and yearly days), the
//     timeline walked step by step with its actions queued and the scripted answers scheduled
//     on the virtual clock, until the call ends.
//   - BM_Route_Golden_Baseline: GoldenRouter::route(), the same decision hand-written for this
//     one plan from the same Scenario; what it does per call is listed above the class.
// Both must agree on every timed scenario and on the extra ones of agreement_specs() (summer
// time, Easter Monday, callers who are members, an unknown number), and their UTC offsets must
// agree hour by hour from 1996 to 2199, or the benchmark reports an error instead of figures.
//
// Counters: `calls/s` (items per second), `allocs/call` (heap allocations per routed call in
// steady state, counted by the global operator new below: the target is 0).
// Targets and results: docs/performance.md ("Routing").
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
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

// The deletes are never inlined: GCC would otherwise see free() of a pointer from operator new
// at -O3 and warn (-Wmismatched-new-delete), though both sides are ours and use malloc/free.
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
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

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
// The timed instants are in the weeks from 2026-11-30 to 2026-12-27 (Europe/Amsterdam at
// +01:00); the agreement checks below also cover summer time and Easter.

constexpr std::int64_t kCet = 3600;
constexpr std::int64_t kCest = 7200;

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// UTC seconds of a local wall-clock time at a known offset.
constexpr std::int64_t local_instant(std::int64_t y, unsigned m, unsigned d, unsigned hh,
                                     unsigned mm, std::int64_t offset = kCet) {
  return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 - offset;
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
  const char* from = "+31201234567";
  const char* to = "+31881234567";
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
  s.from = spec.from;
  s.to = spec.to;
  s.at = callplan::Instant{std::chrono::seconds{spec.at}};
  for (const auto& [ext, state] : spec.presence) s.presence.emplace_back(ext, state);
  for (const Answer& a : spec.answers) s.answers.push_back({a.target, a.busy, a.after});
  return s;
}

// ---------------------------------------------------------------------------------------------
// The baseline: the same decision hand-written in plain C++ for exactly this plan, from the same
// per-call input the engine gets (a callplan::Scenario: caller and dialled number as strings,
// the instant in UTC, presence as (extension, state) pairs, scripted answers by target), doing
// what a careful engineer writing a router for this one plan would do per call:
//
//   1. find the dialled number in a hash map of the tenant's numbers (unknown: rejected);
//   2. find the caller in hash maps of the tenant's extensions and device ids (N entries each,
//      like the engine's), since a caller is never rung in their own group;
//   3. convert the instant to Europe/Amsterdam local time with a precomputed table of UTC
//      offsets (the EU rule, built at startup; one binary search per call);
//   4. test office hours (Mon-Fri 08:30-17:30 local) and, only when open, the holidays: the two
//      dates, "12-25" every year and Easter Monday (from a per-year Easter table built at
//      startup; computed on the spot outside it);
//   5. resolve each presence entry's extension to a user through the extension hash map and
//      mark the members it concerns;
//   6. match each scripted answer to a member (extension, or the mobile number written or in
//      E.164);
//   7. decide who answers when: transfer 001 for 30 s, then the memory hunt of 001, 002, 003 and
//      the mobile at 15 s per stage, else voicemail.
//
// What it leaves out, being written for one plan: the generic timeline walk, the action queue
// a live host needs, and strategies and steps this plan does not use.

constexpr std::uint32_t kNobody = 0xFFFFFFFFu;

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// Howard Hinnant's civil_from_days.
constexpr Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const auto d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const auto m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

// Monday = 0.
constexpr unsigned weekday_of(std::int64_t day) {
  return static_cast<unsigned>(day + 3 - floor_div(day + 3, 7) * 7);
}

// Western Easter Sunday (anonymous Gregorian computus), as a day number; years >= 1583.
constexpr std::int64_t easter_sunday(std::int64_t y) {
  const std::int64_t a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  const std::int64_t f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const std::int64_t i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const std::int64_t m = (a + 11 * h + 22 * l) / 451, n = h + l - 7 * m + 114;
  return days_from_civil(y, static_cast<unsigned>(n / 31), static_cast<unsigned>(n % 31 + 1));
}
static_assert(easter_sunday(2026) == days_from_civil(2026, 4, 5));

// Europe/Amsterdam's UTC offset, as a hand-written router for a Dutch tenant would carry it:
// the EU rule (since 1996 CEST from the last Sunday of March to the last Sunday of October,
// both at 01:00 UTC) unrolled into a sorted table of transitions at startup.
class AmsterdamOffsets {
 public:
  AmsterdamOffsets() {
    begins_.push_back(std::numeric_limits<std::int64_t>::min());
    offsets_.push_back(3600);
    for (std::int64_t y = 1996; y < 2200; ++y) {
      begins_.push_back(last_sunday(y, 3, 31) * 86400 + 3600);
      offsets_.push_back(7200);
      begins_.push_back(last_sunday(y, 10, 31) * 86400 + 3600);
      offsets_.push_back(3600);
    }
  }
  std::int32_t offset_at(std::int64_t utc) const {
    const auto after = std::upper_bound(begins_.begin(), begins_.end(), utc);
    return offsets_[static_cast<std::size_t>(after - begins_.begin()) - 1];
  }

 private:
  static std::int64_t last_sunday(std::int64_t y, unsigned m, unsigned last_day) {
    const std::int64_t day = days_from_civil(y, m, last_day);
    return day - (weekday_of(day) + 1) % 7;
  }
  std::vector<std::int64_t> begins_;
  std::vector<std::int32_t> offsets_;
};

struct Outcome {
  Disposition disposition = Disposition::unanswered;
  int by = -1;  // member index (0..3 = 001, 002, 003, 0612345678)
  std::uint32_t t = 0;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

constexpr std::uint32_t kTransferTimeout = 30;
constexpr std::uint32_t kHuntTimeout = 15;
constexpr std::string_view kMobileWritten = "0612345678";
constexpr std::string_view kMobileE164 = "+31612345678";

class GoldenRouter {
 public:
  explicit GoldenRouter(std::size_t users) {
    numbers_.emplace("+31881234567", 0);
    users_.reserve(users);
    devices_.reserve(users);
    for (std::size_t i = 0; i < users; ++i) {
      users_.emplace(extension_of(i), static_cast<std::uint32_t>(i));
      devices_.emplace(fmt::format("d{}", i), static_cast<std::uint32_t>(i));
    }
    for (std::int64_t y = kFirstEasterYear; y < kFirstEasterYear + kEasterYears; ++y) {
      easter_monday_[static_cast<std::size_t>(y - kFirstEasterYear)] = easter_sunday(y) + 1;
    }
    holidays_ = {days_from_civil(2026, 12, 25), days_from_civil(2026, 12, 26)};
  }

  std::int32_t utc_offset(std::int64_t utc) const { return zone_.offset_at(utc); }

  // Not inlined into the timing loop, like the engine, which lives in another translation unit.
  [[gnu::noinline]] Outcome route(const callplan::Scenario& s) const {
    if (numbers_.find(s.to) == numbers_.end()) return {Disposition::rejected, -1, 0};
    std::uint32_t caller = kNobody;
    if (auto u = users_.find(s.from); u != users_.end()) {
      caller = u->second;
    } else if (auto d = devices_.find(s.from); d != devices_.end()) {
      caller = d->second;
    }
    if (!office_open(s.at.time_since_epoch().count())) return {Disposition::voicemail, -1, 0};

    // Members 001, 002, 003 are users 0, 1, 2; the mobile is always tried.
    std::array<bool, 4> available{true, true, true, true};
    for (const auto& [extension, state] : s.presence) {
      auto u = users_.find(extension);
      if (u == users_.end()) throw std::runtime_error("presence for an unknown extension");
      if (u->second < 3) available[u->second] = state == callplan::Presence::available;
    }
    if (caller < 3) available[caller] = false;
    if (caller == kNobody && (s.from == kMobileE164 || s.from == kMobileWritten)) available[3] = false;

    std::array<std::int32_t, 4> answer_after{-1, -1, -1, -1};  // -1 never, -2 busy
    for (const callplan::ScriptedAnswer& a : s.answers) {
      const int m = member_of(a.target);
      if (m >= 0 && answer_after[m] == -1) {
        answer_after[m] = a.busy ? -2 : static_cast<std::int32_t>(a.after_seconds);
      }
    }
    return decide(available, answer_after);
  }

 private:
  static constexpr std::int64_t kFirstEasterYear = 1970;
  static constexpr std::int64_t kEasterYears = 230;

  bool office_open(std::int64_t utc) const {
    const std::int64_t local = utc + zone_.offset_at(utc);
    const std::int64_t day = floor_div(local, 86400);
    const std::int64_t second = local - day * 86400;
    if (weekday_of(day) >= 5 || second < 8 * 3600 + 30 * 60 || second >= 17 * 3600 + 30 * 60) {
      return false;
    }
    return !holiday(day);
  }

  bool holiday(std::int64_t day) const {
    if (day == holidays_[0] || day == holidays_[1]) return true;
    const Civil c = civil_from_days(day);
    if (c.month == 12 && c.day == 25) return true;
    const std::int64_t y = c.year - kFirstEasterYear;
    const std::int64_t monday = y >= 0 && y < kEasterYears ? easter_monday_[static_cast<std::size_t>(y)]
                                                           : easter_sunday(c.year) + 1;
    return day == monday;
  }

  static int member_of(std::string_view target) {
    if (target == "001") return 0;
    if (target == "002") return 1;
    if (target == "003") return 2;
    if (target == kMobileWritten || target == kMobileE164) return 3;
    return -1;
  }

  static Outcome decide(const std::array<bool, 4>& available,
                        const std::array<std::int32_t, 4>& answer_after) {
    std::uint32_t t = 0;
    // transfer 001 for 30 s, not following the personal plan
    if (available[0]) {
      if (answer_after[0] >= 0 && static_cast<std::uint32_t>(answer_after[0]) <= kTransferTimeout)
        return {Disposition::answered, 0, static_cast<std::uint32_t>(answer_after[0])};
      if (answer_after[0] != -2) t = kTransferTimeout;  // a busy leg ends the step at once
    }
    // memory hunt: each available member joins T after the previous one; legs keep ringing
    std::array<std::uint32_t, 4> start{};
    std::array<bool, 4> rung{};
    std::uint32_t next = t;
    int ringing = 0;  // legs still ringing
    for (int m = 0; m < 4; ++m) {
      if (!available[m]) continue;  // skipped at once
      start[m] = next;
      rung[m] = true;
      if (answer_after[m] == -2 && ringing == 0) continue;  // busy, nobody else: step ends now
      if (answer_after[m] != -2) ++ringing;
      next += kHuntTimeout;
    }
    const std::uint32_t end = next;
    Outcome best{Disposition::voicemail, -1, end};
    for (int m = 0; m < 4; ++m) {
      if (!rung[m] || answer_after[m] < 0) continue;
      std::uint32_t when = start[m] + static_cast<std::uint32_t>(answer_after[m]);
      if (when <= end && (best.by < 0 || when < best.t)) best = {Disposition::answered, m, when};
    }
    return best;
  }

  std::unordered_map<std::string, int> numbers_;
  std::unordered_map<std::string, std::uint32_t> users_;    // extension -> user
  std::unordered_map<std::string, std::uint32_t> devices_;  // device id -> its user
  AmsterdamOffsets zone_;
  std::array<std::int64_t, kEasterYears> easter_monday_{};
  std::array<std::int64_t, 2> holidays_{};
};

const GoldenRouter& golden_router(std::size_t users) {
  static std::map<std::size_t, std::unique_ptr<GoldenRouter>> cache;
  auto& router = cache[users];
  if (!router) router = std::make_unique<GoldenRouter>(users);
  return *router;
}

Outcome from_engine(const callplan::CallOutcome& o) {
  static const std::array<std::string_view, 4> members{"001", "002", "003", "0612345678"};
  Outcome out{o.disposition, -1, o.t};
  for (int m = 0; m < 4; ++m)
    if (o.by == members[m]) out.by = m;
  return out;
}

// Scenarios that are not timed but must be decided alike too: summer time, Easter Monday, a
// caller who is a member, an unknown number.
std::vector<ScenarioSpec> agreement_specs() {
  using P = callplan::Presence;
  std::vector<ScenarioSpec> specs = scenario_specs();
  specs.push_back({"summer, open at 08:45 CEST", local_instant(2027, 6, 1, 8, 45, kCest), {}, {{"002", false, 3}}});
  specs.push_back({"summer, closed at 17:45 CEST", local_instant(2027, 6, 1, 17, 45, kCest), {}, {}});
  specs.push_back({"easter monday 2027", local_instant(2027, 3, 29, 10, 0, kCest), {}, {{"001", false, 1}}});
  specs.push_back({"day after easter monday", local_instant(2027, 3, 30, 10, 0, kCest), {{"001", P::dnd}}, {{"0612345678", false, 40}}});
  specs.push_back({"member 002 calls the main line", local_instant(2026, 11, 30, 10, 0), {}, {{"002", false, 1}, {"003", false, 20}}, "002"});
  specs.push_back({"the mobile calls the main line", local_instant(2026, 11, 30, 10, 0), {{"001", P::busy}}, {{"0612345678", false, 1}}, "+31612345678"});
  specs.push_back({"device d2 (003) calls", local_instant(2026, 11, 30, 10, 0), {}, {{"003", false, 1}}, "d2"});
  specs.push_back({"an unknown number", local_instant(2026, 11, 30, 10, 0), {}, {}});
  specs.back().to = "+31881239999";
  specs.push_back({"christmas 2031 on a thursday", local_instant(2031, 12, 25, 10, 0), {}, {{"001", false, 1}}});
  return specs;
}

// The engine and the baseline must agree on every scenario, or the comparison means nothing.
// Their time zone tables are compared too, hour by hour over two centuries.
void verify(const std::shared_ptr<const callplan::Engine>& engine, const GoldenRouter& router,
            benchmark::State& state) {
  static bool done = false;
  if (done) return;
  const auto fail = [&](const std::string& why) { state.SkipWithError(why.c_str()); };
  const callplan::ScheduleIndex office = *engine->schedules().find("office_hours");
  for (std::int64_t t = local_instant(1996, 1, 1, 0, 0); t < local_instant(2199, 12, 1, 0, 0); t += 3593) {
    const auto at = callplan::Instant{std::chrono::seconds{t}};
    if (engine->schedules().utc_offset(office, at).count() != router.utc_offset(t)) {
      return fail(fmt::format("baseline's UTC offset differs from the engine's at {}", t));
    }
  }
  callplan::Simulator simulator(engine);
  std::vector<ScenarioSpec> specs = agreement_specs();
  for (const ScenarioSpec& spec : specs) {
    callplan::RoutingState routing;
    const callplan::Scenario scenario = to_scenario(spec);
    Outcome e = from_engine(simulator.run(scenario, routing));
    Outcome b = router.route(scenario);
    if (!(e == b)) {
      return fail(fmt::format("engine and baseline disagree on '{}': engine {} by {} at {}, "
                              "baseline {} by {} at {}",
                              spec.name, callplan::to_string(e.disposition), e.by, e.t,
                              callplan::to_string(b.disposition), b.by, b.t));
    }
  }
  done = true;
}

// ---------------------------------------------------------------------------------------------
// Benchmarks

void BM_Route_Golden(benchmark::State& state) {
  const auto users = static_cast<std::size_t>(state.range(0));
  auto engine = golden_engine(users);
  verify(engine, golden_router(users), state);
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
  // The same scenarios as BM_Route_Golden; the extension and device maps have `users` entries.
  const auto users = static_cast<std::size_t>(state.range(0));
  const GoldenRouter& router = golden_router(users);
  verify(golden_engine(users), router, state);
  std::vector<callplan::Scenario> scenarios;
  for (const ScenarioSpec& spec : scenario_specs()) scenarios.push_back(to_scenario(spec));
  for (const auto& s : scenarios) benchmark::DoNotOptimize(router.route(s));  // warm up
  std::size_t i = 0;
  const std::uint64_t allocations_before = g_allocations.load(std::memory_order_relaxed);
  for (auto _ : state) {
    Outcome outcome = router.route(scenarios[i]);
    benchmark::DoNotOptimize(outcome);
    if (++i == scenarios.size()) i = 0;
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
