// Versioned schema migrations of the SQLite backend, applied in order at open.
#pragma once

#include "base/status.h"
#include "store/sqlite/db.h"

namespace tansiq::store::sqlite {

// Brings the database to the newest schema version inside one transaction.
Status Migrate(Connection& db);
// The schema version this build migrates to, and the one `db` has.
int LatestSchemaVersion();
Result<int> SchemaVersion(Connection& db);

}  // namespace tansiq::store::sqlite
