// Errors are never silent: a second process on the same directory, a damaged file and a file
// from a newer callplan refuse to open with a clear message; a full disk keeps the changes and
// writes them when space is back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>

#include "state/sqlite_store.hpp"
#include "state_test_support.hpp"

namespace callplan::state {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing::at;
using testing::registration;
using testing::t0;
using testing::TempDir;

StoreError open_error(const std::filesystem::path& dir) {
  try {
    SqliteStore::open(dir);
  } catch (const StoreError& e) {
    return e;
  }
  ADD_FAILURE() << "open of " << dir << " succeeded";
  return StoreError(StoreErrorKind::io, "");
}

TEST(StateErrors, ASecondStoreOnTheSameDirectoryIsRefusedNamingItAndTheHolder) {
  TempDir dir;
  auto first = SqliteStore::open(dir.path());
  const StoreError e = open_error(dir.path());
  EXPECT_EQ(e.kind(), StoreErrorKind::locked);
  EXPECT_STREQ(e.code(), "state-locked");
  EXPECT_THAT(std::string(e.what()), HasSubstr(dir.path().string()));
  EXPECT_THAT(std::string(e.what()), HasSubstr("pid " + std::to_string(getpid())));
  // The first store is unharmed, and the directory is free again once it is closed.
  first->put_registration(registration(1));
  ASSERT_TRUE(first->flush(5s));
  first.reset();
  auto again = SqliteStore::open(dir.path());
  EXPECT_EQ(again->load(at(t0)).registrations.size(), 1u);
}

TEST(StateErrors, AGarbageFileIsReportedAndLeftAsItIs) {
  TempDir dir;
  const auto db = dir.path() / "state.db";
  std::string garbage(8192, '\0');
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 131 + 7);
  std::ofstream(db, std::ios::binary) << garbage;
  const StoreError e = open_error(dir.path());
  EXPECT_EQ(e.kind(), StoreErrorKind::corrupt);
  EXPECT_STREQ(e.code(), "state-corrupt");
  EXPECT_THAT(std::string(e.what()), HasSubstr(db.string()));
  EXPECT_EQ(std::filesystem::file_size(db), garbage.size());  // never silently re-created
}

TEST(StateErrors, ADamagedPageIsFoundByTheCheckAtOpen) {
  TempDir dir;
  {
    auto store = SqliteStore::open(dir.path());
    for (int i = 0; i < 2000; ++i) store->put_registration(registration(i));
    ASSERT_TRUE(store->flush(10s));
  }
  // Checkpoint the WAL into the main file, then overwrite the middle of it.
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir.path() / "state.db").c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  const auto db = dir.path() / "state.db";
  const auto size = std::filesystem::file_size(db);
  ASSERT_GT(size, 8 * 4096u);
  {
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2 / 4096 * 4096));
    const std::string junk(3 * 4096, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  const StoreError e = open_error(dir.path());
  EXPECT_EQ(e.kind(), StoreErrorKind::corrupt);
  EXPECT_THAT(std::string(e.what()), HasSubstr("damaged"));
  EXPECT_EQ(std::filesystem::file_size(db), size);
}

TEST(StateErrors, AFileFromANewerCallplanIsRefused) {
  TempDir dir;
  { SqliteStore::open(dir.path()); }
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir.path() / "state.db").c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  const StoreError e = open_error(dir.path());
  EXPECT_EQ(e.kind(), StoreErrorKind::too_new);
  EXPECT_STREQ(e.code(), "state-too-new");
  EXPECT_THAT(std::string(e.what()), HasSubstr("schema version 99"));
  EXPECT_THAT(std::string(e.what()), HasSubstr("state.db"));
}

TEST(StateErrors, AFullDiskKeepsTheChangesAndWritesThemWhenSpaceIsBack) {
  TempDir dir;
  std::atomic<bool> disk_full{false};
  std::mutex log_mutex;
  std::vector<std::string> log;
  SqliteStoreOptions options;
  // PRAGMA max_page_count caps the file at its current size: the next batch that needs a new
  // page fails with SQLITE_FULL, exactly as a full file system does.
  options.before_batch = [&](sqlite3* db) {
    sqlite3_exec(db, disk_full ? "PRAGMA max_page_count = 1" : "PRAGMA max_page_count = 1000000",
                 nullptr, nullptr, nullptr);
  };
  options.log = [&](std::string_view line) {
    std::lock_guard lock(log_mutex);
    log.emplace_back(line);
  };
  {
    auto store = SqliteStore::open(dir.path(), options);
    store->put_registration(registration(0));
    ASSERT_TRUE(store->flush(5s));

    disk_full = true;
    for (int i = 1; i <= 500; ++i) store->put_registration(registration(i));
    EXPECT_FALSE(store->flush(600ms));  // not written: the disk is full
    auto c = store->counters();
    EXPECT_GE(c.write_failures[static_cast<std::size_t>(WriteFailureKind::disk_full)], 2u);
    EXPECT_EQ(c.pending, 500u);
    {
      std::lock_guard lock(log_mutex);
      // Logged once for the kind, not once per attempt.
      ASSERT_EQ(log.size(), 1u);
      EXPECT_THAT(log[0], HasSubstr("disk full"));
      EXPECT_THAT(log[0], HasSubstr("kept and retried"));
    }
    for (int i = 501; i <= 600; ++i) store->put_registration(registration(i));  // still taken

    disk_full = false;
    ASSERT_TRUE(store->flush(10s));
    c = store->counters();
    EXPECT_EQ(c.pending, 0u);
    EXPECT_EQ(c.changes_written, 601u);
    std::lock_guard lock(log_mutex);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_THAT(log[1], HasSubstr("works again"));
  }
  auto store = SqliteStore::open(dir.path());
  EXPECT_EQ(store->load(at(t0)).registrations.size(), 601u);  // nothing lost
}

TEST(StateErrors, StoppingWhileTheDiskIsFullSaysHowManyChangesWereNotWritten) {
  TempDir dir;
  std::mutex log_mutex;
  std::vector<std::string> log;
  SqliteStoreOptions options;
  options.before_batch = [](sqlite3* db) {
    sqlite3_exec(db, "PRAGMA max_page_count = 1", nullptr, nullptr, nullptr);
  };
  options.log = [&](std::string_view line) {
    std::lock_guard lock(log_mutex);
    log.emplace_back(line);
  };
  {
    auto store = SqliteStore::open(dir.path(), options);
    for (int i = 0; i < 300; ++i) store->put_registration(registration(i));
  }  // the destructor retries for a while, then gives up loudly
  std::lock_guard lock(log_mutex);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_THAT(log[0], HasSubstr("disk full"));
  EXPECT_THAT(log[1], HasSubstr("stopping with 300 changes not written"));
  EXPECT_THAT(log[1], HasSubstr("state.db"));
}

TEST(StateErrors, AStateDirectoryThatIsAFileIsAnIoError) {
  TempDir dir;
  const auto not_a_dir = dir.path() / "state";
  std::ofstream(not_a_dir) << "a file where the directory should be\n";
  const StoreError e = open_error(not_a_dir);
  EXPECT_EQ(e.kind(), StoreErrorKind::io);
  EXPECT_STREQ(e.code(), "state-io");
  EXPECT_THAT(std::string(e.what()), HasSubstr(not_a_dir.string()));
}

}  // namespace
}  // namespace callplan::state
