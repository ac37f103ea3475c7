// state/sqlite_store.hpp — the embedded default store: one SQLite file (DIR/state.db) in WAL
// mode, written by a dedicated writer thread that gathers the queued changes for a short
// window and commits them as one transaction (docs/state.md: durability).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "state/change_queue.hpp"
#include "state/dir_lock.hpp"
#include "state/sqlite_db.hpp"
#include "state/store.hpp"

struct sqlite3;

namespace callplan::state {

struct SqliteStoreOptions {
  // How long the writer gathers changes after the first one arrives before committing. With
  // the commit itself this bounds how old the newest change can be when a kill -9 comes:
  // SPEC 11 allows 100 ms.
  std::chrono::milliseconds batch_window{20};
  // synchronous=FULL (an fsync per batch: the batch also survives a power loss) instead of
  // NORMAL (survives the process dying, kill -9 included; see docs/state.md for why NORMAL
  // is the default).
  bool sync_every_batch = false;
  // Where failures are reported (once per kind until a write succeeds again). Default: stderr.
  std::function<void(std::string_view)> log;
  // Called on the writer thread with the connection before each batch. Tests use it to
  // simulate a slow or full disk (PRAGMA max_page_count); nothing else should.
  std::function<void(sqlite3*)> before_batch;
};

class SqliteStore final : public Store {
 public:
  // Opens DIR/state.db, creating DIR and the file when missing: locks DIR, checks the file
  // (PRAGMA quick_check), migrates the schema forward, starts the writer. Throws StoreError
  // (locked, corrupt, too_new, io) with a message naming the directory or file.
  static std::unique_ptr<SqliteStore> open(const std::filesystem::path& dir,
                                           SqliteStoreOptions options = {});
  ~SqliteStore() override;  // writes what is queued (bounded wait), then stops the writer

  using Store::load;
  Snapshot load(WallClock now, const RegistrationReader& reader) override;
  void put_registration(Registration registration) override;
  void remove_registration(std::string company, std::string username,
                           std::string contact) override;
  void put_round_robin(RoundRobinPosition position) override;
  void put_message_waiting(MessageWaiting lamp) override;
  void append_call_record(CallRecord record) override;
  void put_panel_account(PanelAccount account) override;
  void remove_panel_account(std::string login) override;
  std::vector<CallRecord> recent_call_records(const std::string& company,
                                              std::size_t limit) override;
  bool flush(std::chrono::milliseconds timeout) override;
  StoreCounters counters() const override;

  const std::filesystem::path& database_path() const noexcept { return db_->path(); }

 private:
  struct Statements;
  SqliteStore(const std::filesystem::path& dir, SqliteStoreOptions options);
  void enqueue(Change change);
  void writer_loop();
  // One transaction for the whole batch; false (rolled back, counted, logged) on failure.
  bool write_batch(const std::vector<Change>& batch);
  void apply(const Change& change);
  void report_failure(WriteFailureKind kind, std::string_view message);
  void log(std::string_view line) const;

  SqliteStoreOptions options_;
  DirLock lock_;
  std::unique_ptr<SqliteDb> db_;
  std::unique_ptr<Statements> statements_;
  std::mutex db_mutex_;  // the connection: the writer, and load()/recent_call_records()
  ChangeQueue queue_;
  std::atomic<std::uint64_t> batches_written_{0};
  std::array<std::atomic<std::uint64_t>, write_failure_kinds> failures_{};
  std::array<bool, write_failure_kinds> failure_logged_{};  // writer thread only
  std::uint64_t failing_since_ = 0;                          // writer thread only
  std::thread writer_;
};

}  // namespace callplan::state
