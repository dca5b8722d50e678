// Private to the PostgreSQL backend: the SQL of the TAXII filters over versions (match[id],
// match[type], match[spec_version], match[version]) shared by ListVersions and DeleteVersions.
// Lists are bound as one array parameter each, so the statement text (the prepared-statement
// cache's key) depends only on which filters are present, never on the values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/postgres/pg.h"
#include "store/store.h"

namespace tansiq::store::internal {

// Appends " AND <column> = ANY($n::text[])" binding `values`; nothing when empty.
void AppendAny(std::string& sql, std::vector<pg::Param>& params, std::string_view column,
               const std::vector<std::string>& values);

// Appends the version-selection clause (TAXII match[version]) over the rows aliased `alias`:
// the first or last version of the row's object in its collection (among `spec_versions`
// when given), the listed versions, or any.
void AppendVersionClause(std::string& sql, std::vector<pg::Param>& params, std::string_view alias,
                         VersionFilter::Which which, const std::vector<Micros>& versions,
                         bool also_first, bool also_last,
                         const std::vector<std::string>& spec_versions);

}  // namespace tansiq::store::internal
