// The PostgreSQL backend's public entry point (issue 14): opening a hub's database on a
// PostgreSQL 15 server by libpq URI. Not yet selectable from the CLI: the search and analysis
// roles are not implemented on it (store/README.md says what is).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "store/store.h"

namespace tansiq::store {

struct PostgresOptions {
  // A libpq URI or connection string: "postgresql://user@host:port/db?...", multi-host lists
  // with target_session_attrs=read-write included.
  std::string uri;
  const Clock* clock = nullptr;  // nullptr: SystemClock()
  std::size_t max_batch = 1024;  // jobs per group commit
  bool create = true;            // migrate an empty database
};

// Connects, migrates the schema (versioned; once across nodes that start together) and starts
// the writer. kUnavailable when the server cannot be reached.
Result<std::unique_ptr<Store>> OpenPostgres(const PostgresOptions& options);

// Whether `db` names a PostgreSQL database rather than a SQLite file.
bool IsPostgresUri(std::string_view db);

}  // namespace tansiq::store
