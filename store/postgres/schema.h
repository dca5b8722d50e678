// Versioned schema migrations of the PostgreSQL backend: table tansiq_schema holds the applied
// version; each step is SQL text, appended, never edited.
#pragma once

#include "base/status.h"
#include "store/postgres/pg.h"

namespace tansiq::store::pg {

// Applies every migration not yet applied, in one transaction under an advisory lock, so
// several nodes starting at once migrate once. kUnavailable when the database is newer.
Status Migrate(Connection& db);
Result<int> SchemaVersion(Connection& db);
int LatestSchemaVersion();

}  // namespace tansiq::store::pg
