// Private to the PostgreSQL backend: the row readers of the objects role (heads and versions)
// and the per-reader head lookup that policy::IsVisible runs on — the same semantics as the
// SQLite backend's (sqlite/internal/sqlite_store.h: HeadCache), one query per object looked up.
// Named apart from SQLite's: both live in store::internal, and one name with two definitions
// breaks the one-definition rule (the linker kept one Lookup for both backends).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "policy/policy.h"
#include "store/postgres/pg.h"
#include "store/store.h"

namespace tansiq::store::internal {

// The releasability columns, in this order, of `objects` and `versions`.
inline constexpr const char* kPgHeadColumns =
    "originator, parties, red, recipients, federable, gates";

// Reads the releasability columns of row `i` starting at `col` (kPgHeadColumns' order).
policy::ObjectHead HeadAt(const pg::Rows& r, int i, int col);

// Reads a version from columns 0-8: seq, id, type, spec_version, version, date_added, refs,
// json, version_text.
VersionRow VersionAt(const pg::Rows& r, int i);

// The head of `id` from `objects` (nullopt: not held).
Result<std::optional<ObjectHead>> ReadHead(pg::Connection& db, std::string_view id);

// A policy::HeadLookup over one connection, memoised for one call: the heads policy::IsVisible
// asks for, as `reader` may know them. A head held only in collections the reader may not
// access (another party's private collection) reads as one nobody may read; a deleted object
// (tombstone) as policy::ObjectHead::deleted; an object never held as nullopt. A failed read
// hides the object (fail closed) and is kept in status(), so the caller fails the whole call
// rather than answer from a partial view (a page would skip rows for good). Not thread-safe.
class PgHeadCache {
 public:
  PgHeadCache(pg::Connection& db, const policy::Reader& reader) : db_(db), reader_(reader) {}
  std::optional<policy::ObjectHead> Lookup(std::string_view id);
  // A head read by the caller's own query from a collection the reader may access.
  void Put(std::string id, policy::ObjectHead head) { cache_.emplace(std::move(id), head); }
  const Status& status() const { return status_; }

 private:
  pg::Connection& db_;
  const policy::Reader& reader_;
  Status status_;
  std::unordered_map<std::string, std::optional<policy::ObjectHead>> cache_;
};

}  // namespace tansiq::store::internal
