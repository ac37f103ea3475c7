// state/sqlite_db.hpp — thin RAII over the sqlite3 C API: a connection and a prepared
// statement, with errors turned into SqliteError (which keeps SQLite's extended result code,
// so the writer can tell a full disk from an I/O error).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace callplan::state {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& message);
  int code() const noexcept { return code_; }  // extended result code
  int primary_code() const noexcept { return code_ & 0xff; }

 private:
  int code_;
};

class SqliteDb {
 public:
  // Opens (creating when `create`) the database at `path`.
  SqliteDb(const std::filesystem::path& path, bool create);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  sqlite3* handle() const noexcept { return db_; }
  const std::filesystem::path& path() const noexcept { return path_; }
  // Runs one or more statements that return nothing of interest.
  void exec(std::string_view sql);
  // The first column of the first row of `sql` as an integer / text (nullopt: no row).
  std::optional<std::int64_t> query_int(std::string_view sql);
  std::optional<std::string> query_text(std::string_view sql);
  [[noreturn]] void fail(int code, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

class Statement {
 public:
  Statement(SqliteDb& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds are 1-based like SQLite's.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind_null(int index);
  // Steps once: true when a row is ready, false when done.
  bool step();
  void reset();  // also clears the bindings
  // Runs to completion and resets (for INSERT/UPDATE/DELETE).
  void run();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  // The same without a copy: valid until the next step() or reset of this statement.
  std::string_view column_view(int index) const;
  bool column_is_null(int index) const;

 private:
  SqliteDb& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace callplan::state
