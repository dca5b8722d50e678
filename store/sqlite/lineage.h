// SQL of what the SQLite backend remembers beyond live objects (issue 16): tombstones of
// deleted objects, and which derived objects (analysis) come from which source. SqliteWriteTxn
// and the read-side head lookup delegate here. Not part of the Store API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"
#include "store/sqlite/db.h"

namespace tansiq::store::sqlite {

// Records that the hub deleted `id`, originated by `originator` (replaces an older record).
Status PutTombstone(Connection& db, std::string_view id, policy::PartyIndex originator,
                    std::int64_t at);
// The object is stored again: no longer deleted.
Status ClearTombstone(Connection& db, std::string_view id);
// The originator of deleted object `id`; nullopt when the hub never deleted it (or holds it).
Result<std::optional<policy::PartyIndex>> Tombstone(Connection& db, std::string_view id);

// Records that `id` was derived from `source`.
Status PutDerived(Connection& db, std::string_view source, std::string_view id);
Status DropDerived(Connection& db, std::string_view source, std::string_view id);

// A derived object of a source, with the version of it the hub holds (nullopt: none).
struct DerivedRow {
  std::string id;
  std::optional<std::int64_t> latest_version;
};
Result<std::vector<DerivedRow>> DerivedFrom(Connection& db, std::string_view source);
// Every source that has derived objects recorded (the start-up reconciliation).
Result<std::vector<std::string>> DerivedSources(Connection& db);

}  // namespace tansiq::store::sqlite
