#include "state/schema.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

#include "state/sqlite_db.hpp"
#include "state/store.hpp"

namespace callplan::state {
namespace {

// steps[i] takes the schema from version i to i+1. Never edit a released step: add one.
// Times are Unix milliseconds (wall clock), so they mean the same after a reboot.
constexpr std::array<std::string_view, schema_version> steps = {
    // 0 -> 1: the first schema.
    R"sql(
CREATE TABLE registrations (
  company TEXT NOT NULL, username TEXT NOT NULL, contact TEXT NOT NULL,
  source_address TEXT NOT NULL, source_port INTEGER NOT NULL, transport TEXT NOT NULL,
  expires_ms INTEGER NOT NULL, call_id TEXT NOT NULL, cseq INTEGER NOT NULL,
  q_millis INTEGER NOT NULL, instance TEXT NOT NULL, reg_id INTEGER NOT NULL,
  PRIMARY KEY (company, username, contact)) WITHOUT ROWID;
CREATE TABLE round_robin (
  company TEXT NOT NULL, ring_group TEXT NOT NULL, position INTEGER NOT NULL,
  PRIMARY KEY (company, ring_group)) WITHOUT ROWID;
CREATE TABLE message_waiting (
  company TEXT NOT NULL, mailbox TEXT NOT NULL,
  new_messages INTEGER NOT NULL, old_messages INTEGER NOT NULL,
  PRIMARY KEY (company, mailbox)) WITHOUT ROWID;
CREATE TABLE call_records (
  id INTEGER PRIMARY KEY, company TEXT NOT NULL, call_id TEXT NOT NULL,
  caller TEXT NOT NULL, callee TEXT NOT NULL, started_ms INTEGER NOT NULL,
  answered_ms INTEGER, ended_ms INTEGER NOT NULL, disposition TEXT NOT NULL,
  answered_by TEXT NOT NULL);
CREATE TABLE panel_accounts (
  login TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL) WITHOUT ROWID;
)sql",
    // 1 -> 2: the start-up sweep of expired registrations and the panel's per-company call
    // list read by index instead of scanning.
    R"sql(
CREATE INDEX registrations_by_expiry ON registrations (expires_ms);
CREATE INDEX call_records_by_company ON call_records (company, id);
)sql",
    // 2 -> 3: round robin is kept as the member after whom the next call starts (what the
    // engine's RoutingState holds), not as an index. No server wrote version 2 positions
    // (the store was not yet wired into `callplan serve`), and an index cannot be turned
    // into a member name, so the old column is replaced, not converted.
    R"sql(
DROP TABLE round_robin;
CREATE TABLE round_robin (
  company TEXT NOT NULL, ring_group TEXT NOT NULL, member TEXT NOT NULL,
  PRIMARY KEY (company, ring_group)) WITHOUT ROWID;
)sql",
    // 3 -> 4: no expiry index on registrations. Every REGISTER rewrites its row's expiry, so
    // the index doubled the writer's work per REGISTER (5.5 against 2.9 us of CPU per row in
    // 30-row batches), for the one query that used it: the start-up sweep, which scans the
    // table in well under the time load() then takes to read every row anyway.
    R"sql(
DROP INDEX IF EXISTS registrations_by_expiry;
)sql",
};

}  // namespace

void migrate(SqliteDb& db) {
  const std::int64_t found = db.query_int("PRAGMA user_version").value_or(0);
  if (found > schema_version) {
    throw StoreError(StoreErrorKind::too_new,
                     fmt::format("{}: schema version {} is newer than this callplan knows "
                                 "(up to {}); run a newer callplan or use another state "
                                 "directory",
                                 db.path().string(), found, schema_version));
  }
  if (found < 0) {
    throw StoreError(StoreErrorKind::corrupt,
                     fmt::format("{}: invalid schema version {}", db.path().string(), found));
  }
  for (std::int64_t v = found; v < schema_version; ++v) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(steps[static_cast<std::size_t>(v)]);
      db.exec(fmt::format("PRAGMA user_version = {}", v + 1));
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
  }
}

}  // namespace callplan::state
