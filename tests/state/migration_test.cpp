// The schema migrates forward step by step: a version 1 file (fixtures/v1.sql) opened by the
// current program is brought to the current version with its contents intact.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "state/schema.hpp"
#include "state/sqlite_store.hpp"
#include "state_test_support.hpp"

namespace callplan::state {
namespace {

using testing::at;
using testing::t0;
using testing::TempDir;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::int64_t query(const std::filesystem::path& db, const char* sql) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(raw, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
  std::int64_t value = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
  return value;
}

TEST(StateMigration, AVersion1FileIsMigratedToTheCurrentVersionWithItsContents) {
  TempDir dir;
  const auto db = dir.path() / "state.db";
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    const std::string sql = read_file(std::filesystem::path(CALLPLAN_STATE_FIXTURES) / "v1.sql");
    ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(raw);
    sqlite3_close(raw);
  }
  ASSERT_EQ(query(db, "PRAGMA user_version"), 1);
  ASSERT_EQ(query(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = "
                      "'registrations_by_expiry'"),
            0);
  {
    auto store = SqliteStore::open(dir.path());
    const Snapshot s = store->load(at(t0));
    ASSERT_EQ(s.registrations.size(), 1u);  // the TCP one ended with its connection
    EXPECT_EQ(s.registrations[0].contact, "sip:201@198.51.100.7:5060");
    EXPECT_EQ(s.registrations[0].cseq, 42u);
    EXPECT_EQ(s.connection_registrations_dropped, 1u);
    // Version 1 and 2 kept an index no server wrote; version 3 keeps the member (schema.cpp).
    EXPECT_TRUE(s.round_robin.empty());
    EXPECT_EQ(s.message_waiting, (std::vector<MessageWaiting>{{"acme", "201", 2, 5}}));
    ASSERT_EQ(s.panel_accounts.size(), 1u);
    EXPECT_EQ(s.panel_accounts[0].login, "admin");
    const auto calls = store->recent_call_records("acme", 10);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].disposition, "no-answer");
    EXPECT_FALSE(calls[0].answered.has_value());
  }
  EXPECT_EQ(query(db, "PRAGMA user_version"), schema_version);
  // Version 2 added both indexes, version 4 dropped the expiry one again (schema.cpp).
  EXPECT_EQ(query(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = "
                      "'call_records_by_company'"),
            1);
  EXPECT_EQ(query(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = "
                      "'registrations_by_expiry'"),
            0);
  // Opening again at the current version changes nothing.
  { auto store = SqliteStore::open(dir.path()); }
  EXPECT_EQ(query(db, "PRAGMA user_version"), schema_version);
}

TEST(StateMigration, ANewFileStartsAtTheCurrentVersionInWalMode) {
  TempDir dir;
  { auto store = SqliteStore::open(dir.path()); }
  const auto db = dir.path() / "state.db";
  EXPECT_EQ(query(db, "PRAGMA user_version"), schema_version);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
}

}  // namespace
}  // namespace callplan::state
