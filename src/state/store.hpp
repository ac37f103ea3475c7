// state/store.hpp — the one store interface (DESIGN 1.1): what `callplan serve` keeps across
// a restart. The SQLite store (sqlite_store.hpp) is the embedded default; a cluster store
// (Redis, SPEC 12) implements the same interface.
//
// Two kinds of calls:
//  - load(): once, at start, before serving: everything the server needs in memory, as plain
//    structs (records.hpp).
//  - change calls (put_*, remove_*, append_*): enqueued and written later by the store's own
//    writer, in batches. They never wait on a disk (or a network): the SIP event loop calls
//    them. Changes are applied in the order they were enqueued.
// Thread safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "state/records.hpp"

namespace callplan::state {

// Why a store could not be opened. Each has a stable code (docs/state.md).
enum class StoreErrorKind : std::uint8_t {
  locked,      // "state-locked": another process holds the state directory
  corrupt,     // "state-corrupt": the database file is damaged or not a database
  too_new,     // "state-too-new": written by a newer callplan (schema version unknown here)
  io,          // "state-io": the directory or file cannot be created, opened or read
};

const char* store_error_code(StoreErrorKind kind);

class StoreError : public std::runtime_error {
 public:
  StoreError(StoreErrorKind kind, const std::string& message);
  StoreErrorKind kind() const noexcept { return kind_; }
  const char* code() const noexcept { return store_error_code(kind_); }

 private:
  StoreErrorKind kind_;
};

// Why a write of queued changes failed. A failed batch is kept and retried; nothing is dropped.
enum class WriteFailureKind : std::uint8_t { disk_full, io_error, busy, other };
inline constexpr std::size_t write_failure_kinds = 4;
const char* write_failure_name(WriteFailureKind kind);

// Counters for metrics and tests. Monotonic except `pending`.
struct StoreCounters {
  std::uint64_t changes_enqueued = 0;
  std::uint64_t changes_written = 0;   // committed to the store
  std::uint64_t batches_written = 0;   // transactions committed
  std::uint64_t pending = 0;           // enqueued, not yet committed
  std::uint64_t write_failures[write_failure_kinds] = {};  // by WriteFailureKind
  std::uint64_t write_failures_total() const;
};

class Store {
 public:
  virtual ~Store() = default;
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Everything kept, without registrations that expired before `now` and without TCP/TLS
  // registrations (they end with their connection); those are removed from the store too.
  // Blocking: call once at start, before serving.
  Snapshot load(WallClock now);
  // The same, but the registrations go to `reader` as they are read (the snapshot's
  // `registrations` stay empty): what a start with many phones uses.
  struct RegistrationReader {
    std::function<void(std::size_t rows)> expect;  // first: at most this many rows come
    std::function<void(const RegistrationRow&)> row;
  };
  virtual Snapshot load(WallClock now, const RegistrationReader& reader) = 0;

  // Adds or replaces the registration (company, username, contact).
  virtual void put_registration(Registration registration) = 0;
  virtual void remove_registration(std::string company, std::string username,
                                   std::string contact) = 0;
  virtual void put_round_robin(RoundRobinPosition position) = 0;
  virtual void put_message_waiting(MessageWaiting lamp) = 0;
  virtual void append_call_record(CallRecord record) = 0;
  virtual void put_panel_account(PanelAccount account) = 0;
  virtual void remove_panel_account(std::string login) = 0;

  // The latest `limit` call records of `company` (every company when empty), newest first.
  // Blocking: for the panel and tools, never for the SIP event loop.
  virtual std::vector<CallRecord> recent_call_records(const std::string& company,
                                                      std::size_t limit) = 0;

  // Waits until every change enqueued before the call is written, up to `timeout`. False when
  // the time ran out (the store is failing to write, see counters(); the changes stay queued
  // and are retried). For shutdown and tests.
  virtual bool flush(std::chrono::milliseconds timeout) = 0;

  virtual StoreCounters counters() const = 0;
};

}  // namespace callplan::state
