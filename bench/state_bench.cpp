// The state store (src/state, docs/state.md): what an enqueue costs the SIP event loop, how
// many changes per second the writer thread commits (next to a hand-written baseline: the raw
// sqlite3 insert loop, one transaction, same table and settings), and how long opening a
// store with 100,000 stored registrations takes (SPEC 11 / issue 13: ready in under 2 s).
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "state/sqlite_store.hpp"

namespace {

using namespace callplan::state;
using namespace std::chrono_literals;

const WallClock far_future = WallClock(std::chrono::hours(24 * 365 * 80));

Registration registration(int i) {
  Registration r;
  r.company = "acme";
  r.username = "dev" + std::to_string(i);
  r.contact = "sip:dev" + std::to_string(i) + "@192.0.2.10:5062;transport=udp";
  r.source_address = "192.0.2.10";
  r.source_port = static_cast<std::uint16_t>(5062 + i % 1000);
  r.expires = far_future;
  r.call_id = "3848276298220188511@" + std::to_string(i);
  r.cseq = 2;
  return r;
}

std::filesystem::path fresh_dir(const char* name) {
  std::string pattern = std::filesystem::temp_directory_path() / (std::string(name) + "-XXXXXX");
  if (!mkdtemp(pattern.data())) std::abort();
  return pattern;
}

// What put_registration costs the calling thread (the writer drains in the background).
void BM_State_Enqueue(benchmark::State& state) {
  const auto dir = fresh_dir("callplan-bench-enqueue");
  {
    auto store = SqliteStore::open(dir);
    const Registration r = registration(1);
    for (auto _ : state) store->put_registration(r);
    state.SetItemsProcessed(state.iterations());
    store->flush(60s);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_State_Enqueue);

// Registrations per second through the writer: enqueue a burst, wait until committed.
void BM_State_WriterThroughput(benchmark::State& state) {
  const int burst = static_cast<int>(state.range(0));
  const auto dir = fresh_dir("callplan-bench-writer");
  {
    auto store = SqliteStore::open(dir);
    int next = 0;
    for (auto _ : state) {
      for (int i = 0; i < burst; ++i) store->put_registration(registration(next++ % 100000));
      if (!store->flush(60s)) state.SkipWithError("flush timed out");
    }
    state.SetItemsProcessed(state.iterations() * burst);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_State_WriterThroughput)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Baseline: the same rows inserted by hand with a prepared statement in one transaction, same
// schema, WAL and synchronous=NORMAL. The writer's overhead is the gap to this.
void BM_State_RawSqliteInsertBaseline(benchmark::State& state) {
  const int burst = static_cast<int>(state.range(0));
  const auto dir = fresh_dir("callplan-bench-raw");
  { SqliteStore::open(dir); }  // creates the schema
  sqlite3* db = nullptr;
  sqlite3_open((dir / "state.db").c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", nullptr, nullptr,
               nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT OR REPLACE INTO registrations (company, username, contact, "
                     "source_address, source_port, transport, expires_ms, call_id, cseq, "
                     "q_millis, instance, reg_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                     -1, &insert, nullptr);
  int next = 0;
  for (auto _ : state) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (int i = 0; i < burst; ++i) {
      const Registration r = registration(next++ % 100000);
      sqlite3_bind_text(insert, 1, r.company.data(), static_cast<int>(r.company.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 2, r.username.data(), static_cast<int>(r.username.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 3, r.contact.data(), static_cast<int>(r.contact.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 4, r.source_address.data(),
                        static_cast<int>(r.source_address.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert, 5, r.source_port);
      sqlite3_bind_text(insert, 6, "udp", 3, SQLITE_STATIC);
      sqlite3_bind_int64(insert, 7,
                         std::chrono::duration_cast<std::chrono::milliseconds>(
                             r.expires.time_since_epoch()).count());
      sqlite3_bind_text(insert, 8, r.call_id.data(), static_cast<int>(r.call_id.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert, 9, r.cseq);
      sqlite3_bind_int64(insert, 10, r.q_millis);
      sqlite3_bind_text(insert, 11, "", 0, SQLITE_STATIC);
      sqlite3_bind_int64(insert, 12, 0);
      sqlite3_step(insert);
      sqlite3_reset(insert);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  state.SetItemsProcessed(state.iterations() * burst);
  sqlite3_finalize(insert);
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_State_RawSqliteInsertBaseline)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// A restart: open (lock, quick_check, migrate check) and load a store holding N registrations.
void BM_State_OpenAndLoad(benchmark::State& state) {
  const int count = static_cast<int>(state.range(0));
  const auto dir = fresh_dir("callplan-bench-open");
  {
    auto store = SqliteStore::open(dir);
    for (int i = 0; i < count; ++i) store->put_registration(registration(i));
    if (!store->flush(120s)) state.SkipWithError("filling the store timed out");
  }
  for (auto _ : state) {
    auto store = SqliteStore::open(dir);
    const Snapshot s = store->load(std::chrono::system_clock::now());
    if (s.registrations.size() != static_cast<std::size_t>(count)) {
      state.SkipWithError("wrong registration count");
    }
    benchmark::DoNotOptimize(s);
  }
  state.counters["registrations"] = count;
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_State_OpenAndLoad)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
BENCHMARK_MAIN();
