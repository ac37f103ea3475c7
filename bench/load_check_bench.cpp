// Load and check benchmarks, sweeping tenant size (1k, 10k, 100k users).
//
//   cmake --preset release && cmake --build --preset release --target load_check_bench
//   build/release/bench/load_check_bench --benchmark_filter=Tenant
//
// Tenants come from bench/gen_tenant.py (deterministic, seed 1). They are generated once into
// $TMPDIR/callplan-bench/ (reused by later runs when already there), or read from
// $CALLPLAN_BENCH_DIR/tenant-<users>.yaml when that variable is set (e.g. on a machine
// without Python). The generator is found next to this source file (its path is known at
// compile time) or through $CALLPLAN_GEN_TENANT.
//
// Baselines (DESIGN.md: always a hand-written baseline of the same decision):
//   BM_Baseline_ReadFile   reading the bytes: the floor for any loader;
//   BM_Baseline_YamlParse  yaml-cpp parsing the same file into a node tree, without building
//                          the model: BM_Load_Tenant minus this is the loader's own overhead.
// Figures and the command that produced them: docs/performance.md.
#include <benchmark/benchmark.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "callplan/check.hpp"
#include "callplan/diagnostics.hpp"
#include "callplan/load.hpp"

namespace {

namespace fs = std::filesystem;

constexpr int kSeed = 1;

fs::path generator_path() {
  if (const char* env = std::getenv("CALLPLAN_GEN_TENANT")) return env;
  // __FILE__ is this source file's absolute path (Ninja and Make pass absolute paths).
  return fs::path(__FILE__).parent_path() / "gen_tenant.py";
}

fs::path cache_dir() {
  if (const char* env = std::getenv("CALLPLAN_BENCH_DIR")) return env;
  return fs::temp_directory_path() / "callplan-bench";
}

// The tenant file for `users`, generated on first use. Throws when it cannot be produced.
const std::string& tenant_path(int users) {
  static std::map<int, std::string> paths;
  auto found = paths.find(users);
  if (found != paths.end()) return found->second;

  const fs::path dir = cache_dir();
  const fs::path file = dir / fmt::format("tenant-{}-seed{}.yaml", users, kSeed);
  const fs::path fixed = dir / fmt::format("tenant-{}.yaml", users);  // hand-provided files
  fs::path chosen = fs::exists(fixed) ? fixed : file;
  if (!fs::exists(chosen)) {
    fs::create_directories(dir);
    // Write to a temporary name first, so an interrupted run never leaves half a tenant.
    const fs::path partial = fs::path(file).concat(".partial");
    const std::string cmd =
        fmt::format("/usr/bin/python3 '{}' --users {} --seed {} -o '{}'", generator_path().string(),
                    users, kSeed, partial.string());
    if (std::system(cmd.c_str()) != 0) {
      throw std::runtime_error("could not generate the tenant: " + cmd);
    }
    fs::rename(partial, file);
  }
  return paths.emplace(users, chosen.string()).first->second;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Resolves the tenant for the benchmark's size, or marks the benchmark as failed.
bool prepare(benchmark::State& state, std::string& path) {
  try {
    path = tenant_path(static_cast<int>(state.range(0)));
    return true;
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return false;
  }
}

// Runs `stage` once, untimed. A benchmark of a tenant with problems would time error paths,
// not the real work, so any issue (or a callplan::Error, e.g. a file over a size limit) marks
// the benchmark as failed with the reason.
template <class Stage>
bool require_clean(benchmark::State& state, Stage stage) {
  callplan::Issues issues;
  try {
    issues = stage();
  } catch (const std::exception& e) {
    state.SkipWithError(fmt::format("the generated tenant is refused: {}", e.what()).c_str());
    return false;
  }
  if (issues.empty()) return true;
  const std::string first = callplan::to_string(issues.front());
  state.SkipWithError(
      fmt::format("the generated tenant has {} issues, first: {}", issues.size(), first).c_str());
  return false;
}

void set_counters(benchmark::State& state, const std::string& path) {
  state.counters["users"] = static_cast<double>(state.range(0));
  const auto bytes = static_cast<std::int64_t>(fs::file_size(path));
  state.SetBytesProcessed(state.iterations() * bytes);
}

// --- baselines -------------------------------------------------------------------------------

void BM_Baseline_ReadFile(benchmark::State& state) {
  std::string path;
  if (!prepare(state, path)) return;
  for (auto _ : state) {
    std::string text = read_file(path);
    benchmark::DoNotOptimize(text.data());
  }
  set_counters(state, path);
}

void BM_Baseline_YamlParse(benchmark::State& state) {
  std::string path;
  if (!prepare(state, path)) return;
  for (auto _ : state) {
    YAML::Node root = YAML::LoadFile(path);
    benchmark::DoNotOptimize(root["users"].size());
  }
  set_counters(state, path);
}

// --- the library -----------------------------------------------------------------------------

void BM_Load_Tenant(benchmark::State& state) {
  std::string path;
  if (!prepare(state, path)) return;
  if (!require_clean(state, [&] { return callplan::load_file(path).issues; })) return;
  for (auto _ : state) {
    callplan::LoadResult r = callplan::load_file(path);
    benchmark::DoNotOptimize(r.tenant.users.data());
  }
  set_counters(state, path);
}

void BM_Check_Tenant(benchmark::State& state) {
  std::string path;
  if (!prepare(state, path)) return;
  callplan::LoadResult loaded;
  if (!require_clean(state, [&] { return (loaded = callplan::load_file(path)).issues; })) return;
  if (!require_clean(state, [&] { return callplan::check(loaded.tenant); })) return;
  for (auto _ : state) {
    callplan::Issues issues = callplan::check(loaded.tenant);
    benchmark::DoNotOptimize(issues.data());
  }
  set_counters(state, path);
}

void BM_LoadCheck_Tenant(benchmark::State& state) {
  std::string path;
  if (!prepare(state, path)) return;
  if (!require_clean(state, [&] { return callplan::load_and_check(path).issues; })) return;
  for (auto _ : state) {
    callplan::CheckedTenant r = callplan::load_and_check(path);
    benchmark::DoNotOptimize(r.issues.data());
  }
  set_counters(state, path);
}

void tenant_sizes(benchmark::internal::Benchmark* b) {
  b->ArgName("users")->Arg(1'000)->Arg(10'000)->Arg(100'000);
  b->Unit(benchmark::kMillisecond);
}

}  // namespace

BENCHMARK(BM_Baseline_ReadFile)->Apply(tenant_sizes);
BENCHMARK(BM_Baseline_YamlParse)->Apply(tenant_sizes);
BENCHMARK(BM_Load_Tenant)->Apply(tenant_sizes);
BENCHMARK(BM_Check_Tenant)->Apply(tenant_sizes);
BENCHMARK(BM_LoadCheck_Tenant)->Apply(tenant_sizes);

BENCHMARK_MAIN();
