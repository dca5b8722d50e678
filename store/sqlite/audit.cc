// The hash-chained audit log and its seals in the SQLite backend: appended by write jobs,
// scanned and listed by readers.
#include "store/sqlite/internal/sqlite_store.h"

namespace tansiq::store::internal {

namespace {

AuditRecord AuditRow(const Statement& s) {
  AuditRecord r;
  r.seq = s.Int(0);
  r.at = s.Int(1);
  r.actor = s.Text(2);
  r.party = s.Text(3);
  r.action = s.Text(4);
  r.target = s.Text(5);
  r.outcome = s.Text(6);
  r.prev_hash = s.Text(7);
  r.hash = s.Text(8);
  return r;
}

}  // namespace

constexpr const char* kAuditColumns =
    "seq, at, actor, party, action, target, outcome, prev_hash, hash";

Result<std::optional<AuditRecord>> SqliteWriteTxn::LastAudit() {
  return QueryOne(db_,
                  std::string("SELECT ") + kAuditColumns + " FROM audit ORDER BY seq DESC LIMIT 1",
                  AuditRow);
}

Status SqliteWriteTxn::AppendAudit(const AuditRecord& r) {
  auto st = db_.Prepare(std::string("INSERT INTO audit(") + kAuditColumns +
                        ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, r.seq).Bind(2, r.at).Bind(3, r.actor).Bind(4, r.party).Bind(5, r.action);
  s.Bind(6, r.target).Bind(7, r.outcome).Bind(8, r.prev_hash).Bind(9, r.hash);
  return s.Run();
}

Status SqliteWriteTxn::AppendSeal(const AuditSeal& a) {
  auto st = db_.Prepare(
      "INSERT OR REPLACE INTO audit_seals(seq, hash, signature, at) VALUES(?1, ?2, ?3, ?4)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, a.seq).Bind(2, a.hash).Bind(3, a.signature).Bind(4, a.at);
  return (*st)->Run();
}

Status SqliteStore::ScanAudit(const std::function<bool(const AuditRecord&)>& fn) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare(std::string("SELECT ") + kAuditColumns + " FROM audit ORDER BY seq");
  if (!st.ok()) return st.status();
  Status status;
  while ((*st)->Step(&status)) {
    if (!fn(AuditRow(**st))) break;
  }
  (*st)->Reset();
  return status;
}

Result<std::vector<AuditSeal>> SqliteStore::Seals() {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare("SELECT seq, hash, signature, at FROM audit_seals ORDER BY seq");
  if (!st.ok()) return st.status();
  std::vector<AuditSeal> out;
  Status status;
  while ((*st)->Step(&status)) {
    Statement& s = **st;
    out.push_back({s.Int(0), s.Text(1), s.Text(2), s.Int(3)});
  }
  if (!status.ok()) return status;
  return out;
}

}  // namespace tansiq::store::internal
