// Tombstones and derivation records of the SQLite backend (lineage.h).
#include "store/sqlite/lineage.h"

namespace tansiq::store::sqlite {
namespace {

Status RunWith(Connection& db, const char* sql, std::string_view a, std::string_view b = {}) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  (*st)->Bind(1, a);
  if (!b.empty()) (*st)->Bind(2, b);
  return (*st)->Run();
}

}  // namespace

Status PutTombstone(Connection& db, std::string_view id, policy::PartyIndex originator,
                    std::int64_t at) {
  auto st = db.Prepare(
      "INSERT OR REPLACE INTO tombstones(id, originator, deleted_at) VALUES(?1, ?2, ?3)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, originator).Bind(3, at);
  return (*st)->Run();
}

Status ClearTombstone(Connection& db, std::string_view id) {
  return RunWith(db, "DELETE FROM tombstones WHERE id = ?1", id);
}

Result<std::optional<policy::PartyIndex>> Tombstone(Connection& db, std::string_view id) {
  auto st = db.Prepare("SELECT originator FROM tombstones WHERE id = ?1");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, id);
  Status status;
  std::optional<policy::PartyIndex> out;
  if (s.Step(&status)) out = static_cast<policy::PartyIndex>(s.Int(0));
  s.Reset();
  if (!status.ok()) return status;
  return out;
}

Status PutDerived(Connection& db, std::string_view source, std::string_view id) {
  return RunWith(db, "INSERT OR IGNORE INTO derived(source, id) VALUES(?1, ?2)", source, id);
}

Status DropDerived(Connection& db, std::string_view source, std::string_view id) {
  return RunWith(db, "DELETE FROM derived WHERE source = ?1 AND id = ?2", source, id);
}

Result<std::vector<DerivedRow>> DerivedFrom(Connection& db, std::string_view source) {
  auto st = db.Prepare(
      "SELECT d.id, h.latest_version FROM derived d LEFT JOIN objects h ON h.id = d.id "
      "WHERE d.source = ?1");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, source);
  std::vector<DerivedRow> out;
  Status status;
  while (s.Step(&status)) {
    DerivedRow row{s.Text(0), std::nullopt};
    if (!s.IsNull(1)) row.latest_version = s.Int(1);
    out.push_back(std::move(row));
  }
  s.Reset();
  if (!status.ok()) return status;
  return out;
}

Result<std::vector<std::string>> DerivedSources(Connection& db) {
  auto st = db.Prepare("SELECT DISTINCT source FROM derived");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  std::vector<std::string> out;
  Status status;
  while (s.Step(&status)) out.push_back(s.Text(0));
  s.Reset();
  if (!status.ok()) return status;
  return out;
}

}  // namespace tansiq::store::sqlite
