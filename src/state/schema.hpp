// state/schema.hpp — the SQLite store's schema and its forward migrations. The version is
// kept in `PRAGMA user_version`: 0 is an empty file, each migration step takes version N to
// N+1 inside one transaction, so a crash mid-migration leaves the old version intact.
#pragma once

#include <cstdint>

namespace callplan::state {

class SqliteDb;

// The schema version this program writes.
inline constexpr std::int64_t schema_version = 4;

// Brings the database to schema_version, one step at a time. Throws StoreError(too_new) when
// the file is newer than this program; SqliteError when a step fails.
void migrate(SqliteDb& db);

}  // namespace callplan::state
