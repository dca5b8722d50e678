// The hash-chained audit log and its seals in the PostgreSQL backend. Several nodes append to
// one chain: LastAudit takes a transaction-level advisory lock, so the next record's
// predecessor cannot change until the appending transaction commits or rolls back.
#include "store/postgres/internal/postgres_store.h"

namespace tansiq::store::internal {
namespace {

// Serialises appends to the audit chain across nodes ("tansiq-audit").
constexpr const char* kAuditLock = "SELECT pg_advisory_xact_lock(7361736971003)";
constexpr const char* kAuditColumns =
    "seq, at, actor, party, action, target, outcome, prev_hash, hash";
// Records read per round trip while scanning.
constexpr int kScanBatch = 2000;

AuditRecord AuditAt(const Rows& r, int i) {
  AuditRecord a;
  a.seq = r.Int(i, 0);
  a.at = r.Int(i, 1);
  a.actor = r.Text(i, 2);
  a.party = r.Text(i, 3);
  a.action = r.Text(i, 4);
  a.target = r.Text(i, 5);
  a.outcome = r.Text(i, 6);
  a.prev_hash = r.Text(i, 7);
  a.hash = r.Text(i, 8);
  return a;
}

}  // namespace

Result<std::optional<AuditRecord>> PgWriteTxn::LastAudit() {
  // The object lock first: a transaction holding the audit lock then never waits for the
  // object lock, so two nodes cannot each hold one and wait for the other (objects.cc).
  TANSIQ_RETURN_IF_ERROR(LockObjects());
  TANSIQ_RETURN_IF_ERROR(db_.Exec(kAuditLock));
  auto r =
      db_.Query(std::string("SELECT ") + kAuditColumns + " FROM audit ORDER BY seq DESC LIMIT 1");
  if (!r.ok()) return r.status();
  if (r->empty()) return std::optional<AuditRecord>();
  return std::optional<AuditRecord>(AuditAt(*r, 0));
}

Status PgWriteTxn::AppendAudit(const AuditRecord& a) {
  return db_
      .Query(std::string("INSERT INTO audit(") + kAuditColumns +
                 ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)",
             {a.seq, a.at, a.actor, a.party, a.action, a.target, a.outcome, a.prev_hash, a.hash})
      .status();
}

Status PgWriteTxn::AppendSeal(const AuditSeal& s) {
  return db_
      .Query(
          "INSERT INTO audit_seals(seq, hash, signature, at) VALUES($1, $2, $3, $4) "
          "ON CONFLICT(seq) DO UPDATE SET hash = excluded.hash, signature = excluded.signature, "
          "at = excluded.at",
          {s.seq, s.hash, s.signature, s.at})
      .status();
}

Status PgStore::ScanAudit(const std::function<bool(const AuditRecord&)>& fn) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  // One snapshot for the whole scan, read in keyset batches (the log may be millions long).
  TANSIQ_RETURN_IF_ERROR((*db)->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  std::int64_t after = -1;
  for (;;) {
    auto r = (*db)->Query(
        std::string("SELECT ") + kAuditColumns + " FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
        {after, kScanBatch});
    if (!r.ok()) return r.status();  // the lease rolls the transaction back
    for (int i = 0; i < r->size(); ++i) {
      AuditRecord a = AuditAt(*r, i);
      after = a.seq;
      if (!fn(a)) return (*db)->Exec("COMMIT");
    }
    if (r->size() < kScanBatch) return (*db)->Exec("COMMIT");
  }
}

Result<std::vector<AuditSeal>> PgStore::Seals() {
  return WithReader([](Connection& db) -> Result<std::vector<AuditSeal>> {
    auto r = db.Query("SELECT seq, hash, signature, at FROM audit_seals ORDER BY seq");
    if (!r.ok()) return r.status();
    std::vector<AuditSeal> out;
    for (int i = 0; i < r->size(); ++i) {
      out.push_back({r->Int(i, 0), r->Text(i, 1), r->Text(i, 2), r->Int(i, 3)});
    }
    return out;
  });
}

}  // namespace tansiq::store::internal
