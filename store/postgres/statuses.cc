// TAXII status resources in the PostgreSQL backend (table `statuses`).
#include "store/postgres/internal/postgres_store.h"

namespace tansiq::store::internal {

Status PgWriteTxn::PutStatus(const StatusRecord& r) {
  return db_
      .Query(
          "INSERT INTO statuses(id, owner_user, created, json) VALUES($1, $2, $3, $4) "
          "ON CONFLICT(id) DO UPDATE SET owner_user = excluded.owner_user, "
          "created = excluded.created, json = excluded.json",
          {r.id, r.owner_user, r.created, r.json})
      .status();
}

Result<std::optional<StatusRecord>> PgStore::GetStatus(std::string_view id) {
  return WithReader([&](Connection& db) -> Result<std::optional<StatusRecord>> {
    auto r = db.Query("SELECT id, owner_user, created, json FROM statuses WHERE id = $1", {id});
    if (!r.ok()) return r.status();
    if (r->empty()) return std::optional<StatusRecord>();
    return std::optional<StatusRecord>(
        StatusRecord{r->Text(0, 0), r->Int(0, 1), r->Int(0, 2), r->Text(0, 3)});
  });
}

}  // namespace tansiq::store::internal
