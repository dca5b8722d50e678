// TAXII status resources in the SQLite backend (table `statuses`).
#include "store/sqlite/internal/sqlite_store.h"

namespace tansiq::store::internal {

Status SqliteWriteTxn::PutStatus(const StatusRecord& r) {
  auto st = db_.Prepare(
      "INSERT OR REPLACE INTO statuses(id, owner_user, created, json) VALUES(?1, ?2, ?3, ?4)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, r.id).Bind(2, r.owner_user).Bind(3, r.created).Bind(4, r.json);
  return (*st)->Run();
}

Result<std::optional<StatusRecord>> SqliteStore::GetStatus(std::string_view id) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  return QueryOne(
      **db, "SELECT id, owner_user, created, json FROM statuses WHERE id = ?1",
      [](const Statement& s) {
        return StatusRecord{s.Text(0), s.Int(1), s.Int(2), s.Text(3)};
      },
      id);
}

}  // namespace tansiq::store::internal
