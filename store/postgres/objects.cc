// Object versions in the PostgreSQL backend, the write side: PutVersion with the governing
// head, tombstones and derived objects withdrawn in the same transaction, deletes, and the
// object lock under which date_added is assigned in commit order across nodes. The reads are in
// object_reads.cc. Search indexing and the situation counts are the search and analysis roles'
// (not yet on PostgreSQL: unimplemented.cc).
#include <algorithm>

#include "stix/timestamp.h"
#include "store/postgres/internal/filters.h"
#include "store/postgres/internal/heads.h"
#include "store/postgres/internal/postgres_store.h"

namespace tansiq::store::internal {
namespace {

const char* Bool(bool b) { return b ? "true" : "false"; }

}  // namespace

// ---------------------------------------------------------------------------------------
// The object lock and the date_added clock.
//
// Every object operation of a write transaction first takes the row lock of object_clock's
// one row (SELECT … FOR NO KEY UPDATE) and keeps it until COMMIT or ROLLBACK. Another node's
// transaction that wants it waits until this one has committed — and, PostgreSQL releasing
// locks only after the commit is visible, then reads (READ COMMITTED: a fresh snapshot per
// statement) the clock this one wrote back. date_added = max(now, last + 1) under the lock is
// therefore strictly increasing in commit order hub-wide: a reader whose snapshot holds a row
// with date_added X holds every row with a smaller one, so paging with added_after or next
// never skips a row another node commits later, nor returns one twice.

Status PgWriteTxn::LockObjects() {
  if (date_added_.locked) return Status::Ok();
  auto r = db_.Query("SELECT last_date_added FROM object_clock FOR NO KEY UPDATE");
  if (!r.ok()) return r.status();
  if (r->empty()) return Internal("object_clock has no row");
  date_added_ = {.locked = true, .taken_by_job = true, .last = r->Int(0, 0), .dirty = false};
  return Status::Ok();
}

Result<Micros> PgWriteTxn::NextDateAdded() {
  TANSIQ_RETURN_IF_ERROR(LockObjects());
  date_added_.last = std::max(Now(), date_added_.last + 1);
  date_added_.dirty = true;
  return date_added_.last;
}

void PgWriteTxn::JobRolledBack() {
  // A lock taken inside the job's savepoint went with it; values assigned under a lock taken
  // earlier stay used (their rows are gone; a gap in date_added is harmless).
  if (date_added_.taken_by_job) date_added_ = {};
}

Status PgWriteTxn::BeforeCommit() {
  if (!date_added_.dirty) return Status::Ok();
  date_added_.dirty = false;
  return db_.Query("UPDATE object_clock SET last_date_added = $1", {date_added_.last}).status();
}

// ---------------------------------------------------------------------------------------
// Writes.

Result<std::optional<ObjectHead>> PgWriteTxn::GetHead(std::string_view id) {
  TANSIQ_RETURN_IF_ERROR(LockObjects());
  return ReadHead(db_, id);
}

Result<std::optional<std::string>> PgWriteTxn::GetLatestJson(std::string_view id) {
  TANSIQ_RETURN_IF_ERROR(LockObjects());
  auto r = db_.Query(
      "SELECT json FROM versions WHERE id = $1 ORDER BY version DESC, seq DESC "
      "LIMIT 1",
      {id});
  if (!r.ok()) return r.status();
  if (r->empty()) return std::optional<std::string>();
  return std::optional<std::string>(r->Text(0, 0));
}

Result<std::optional<policy::PartyIndex>> PgWriteTxn::DeletedBy(std::string_view id) {
  TANSIQ_RETURN_IF_ERROR(LockObjects());
  auto r = db_.Query("SELECT originator FROM tombstones WHERE id = $1", {id});
  if (!r.ok()) return r.status();
  if (r->empty()) return std::optional<policy::PartyIndex>();
  return std::optional<policy::PartyIndex>(static_cast<policy::PartyIndex>(r->Int(0, 0)));
}

Result<PutOutcome> PgWriteTxn::PutVersion(const NewVersion& v) {
  TANSIQ_RETURN_IF_ERROR(LockObjects());
  // Objects without a version (no created/modified) are duplicates when their bytes match.
  if (!v.version) {
    auto same = db_.Query(
        "SELECT date_added, version FROM versions WHERE collection = $1 AND id = $2 AND "
        "json = $3 LIMIT 1",
        {v.collection_id, v.id, v.json});
    if (!same.ok()) return same.status();
    if (!same->empty()) return PutOutcome{same->Int(0, 0), true, same->Int(0, 1)};
  }
  auto added = NextDateAdded();
  if (!added.ok()) return added.status();
  const Micros version = v.version.value_or(*added);
  const auto& rel = v.releasability;
  const std::string recipients = JoinWords(rel.recipients);
  const std::string gates = JoinWords(v.gate_refs);
  const auto parties = static_cast<std::int64_t>(rel.parties);
  auto inserted = db_.Query(
      "INSERT INTO versions(collection, id, type, spec_version, version, date_added, originator, "
      "parties, red, recipients, federable, gates, refs, json, version_text) "
      "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
      "ON CONFLICT ON CONSTRAINT versions_key DO NOTHING",
      {v.collection_id, v.id, v.type, v.spec_version, version, *added,
       static_cast<int>(rel.originator), parties, Bool(rel.red), recipients, Bool(rel.federable),
       gates, JoinWords(v.refs), v.json, v.version ? v.version_text : stix::FormatMicros(*added)});
  if (!inserted.ok()) return inserted.status();
  if (inserted->Affected() == 0) {
    // Same id and version already in this collection: an idempotent success.
    auto existing = db_.Query(
        "SELECT date_added, version FROM versions WHERE collection = $1 AND id = $2 AND "
        "version = $3",
        {v.collection_id, v.id, version});
    if (!existing.ok()) return existing.status();
    if (existing->empty()) return Internal("conflicting version vanished");
    return PutOutcome{existing->Int(0, 0), true, existing->Int(0, 1)};
  }
  // Stored again: no longer deleted.
  TANSIQ_RETURN_IF_ERROR(db_.Query("DELETE FROM tombstones WHERE id = $1", {v.id}).status());
  if (!v.derived_from.empty()) {
    TANSIQ_RETURN_IF_ERROR(
        db_.Query("INSERT INTO derived(source, id) VALUES($1, $2) ON CONFLICT DO NOTHING",
                  {v.derived_from, v.id})
            .status());
  }
  // The latest version hub-wide governs the object: update the head when this one is newest.
  auto head = db_.Query(
      "INSERT INTO objects(id, type, originator, parties, red, recipients, federable, gates, "
      "latest_version) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) "
      "ON CONFLICT(id) DO UPDATE SET type = excluded.type, parties = excluded.parties, "
      "red = excluded.red, recipients = excluded.recipients, federable = excluded.federable, "
      "gates = excluded.gates, latest_version = excluded.latest_version "
      "WHERE excluded.latest_version >= objects.latest_version",
      {v.id, v.type, static_cast<int>(rel.originator), parties, Bool(rel.red), recipients,
       Bool(rel.federable), gates, version});
  if (!head.ok()) return head.status();
  // This version governs now: what was derived from a version that no longer governs goes in
  // this transaction.
  if (head->Affected() > 0) TANSIQ_RETURN_IF_ERROR(WithdrawDerived(v.id, version));
  return PutOutcome{*added, false, version};
}

Status PgWriteTxn::RecomputeHead(std::string_view id) {
  auto before = ReadHead(db_, id);
  if (!before.ok()) return before.status();
  auto latest =
      db_.Query(std::string("SELECT type, version, ") + kPgHeadColumns +
                    " FROM versions WHERE id = $1 ORDER BY version DESC, seq DESC LIMIT 1",
                {id});
  if (!latest.ok()) return latest.status();
  if (latest->empty()) {  // the last version went: the object is deleted
    if (before->has_value()) {
      TANSIQ_RETURN_IF_ERROR(
          db_.Query("INSERT INTO tombstones(id, originator, deleted_at) VALUES($1, $2, $3) "
                    "ON CONFLICT(id) DO UPDATE SET originator = excluded.originator, "
                    "deleted_at = excluded.deleted_at",
                    {id, static_cast<int>((*before)->releasability.originator), Now()})
              .status());
    }
    TANSIQ_RETURN_IF_ERROR(WithdrawDerived(id, std::nullopt));
    return db_.Query("DELETE FROM objects WHERE id = $1", {id}).status();
  }
  const std::string type = latest->Text(0, 0);
  const Micros version = latest->Int(0, 1);
  const policy::ObjectHead h = HeadAt(*latest, 0, 2);
  const auto& rel = h.releasability;
  TANSIQ_RETURN_IF_ERROR(
      db_.Query("UPDATE objects SET type = $2, parties = $3, red = $4, recipients = $5, "
                "federable = $6, gates = $7, latest_version = $8 WHERE id = $1",
                {id, type, static_cast<std::int64_t>(rel.parties), Bool(rel.red),
                 JoinWords(rel.recipients), Bool(rel.federable), JoinWords(h.gate_refs), version})
          .status());
  return WithdrawDerived(id, version);
}

Status PgWriteTxn::WithdrawDerived(std::string_view source, std::optional<Micros> governing) {
  auto rows = db_.Query(
      "SELECT d.id, h.latest_version FROM derived d LEFT JOIN objects h ON h.id = d.id "
      "WHERE d.source = $1",
      {source});
  if (!rows.ok()) return rows.status();
  for (int i = 0; i < rows->size(); ++i) {
    const std::string id = rows->Text(i, 0);
    const bool held = !rows->IsNull(i, 1);
    if (held && governing && rows->Int(i, 1) == *governing) continue;  // from the governing text
    if (held) {
      TANSIQ_RETURN_IF_ERROR(db_.Query("DELETE FROM versions WHERE id = $1", {id}).status());
      TANSIQ_RETURN_IF_ERROR(RecomputeHead(id));  // gone: tombstone, its own derived objects
    }
    TANSIQ_RETURN_IF_ERROR(
        db_.Query("DELETE FROM derived WHERE source = $1 AND id = $2", {source, id}).status());
  }
  return Status::Ok();
}

Result<int> PgWriteTxn::DeleteVersions(std::string_view collection_id, std::string_view id,
                                       const DeleteSelector& which) {
  TANSIQ_RETURN_IF_ERROR(LockObjects());
  std::string sql = "DELETE FROM versions WHERE collection = $1 AND id = $2";
  std::vector<Param> params = {collection_id, id};
  AppendAny(sql, params, "spec_version", which.spec_versions);
  AppendVersionClause(sql, params, "versions", which.which, which.versions, which.also_first,
                      which.also_last, which.spec_versions);
  auto r = db_.Query(sql, params);
  if (!r.ok()) return r.status();
  const int n = static_cast<int>(r->Affected());
  if (n > 0) TANSIQ_RETURN_IF_ERROR(RecomputeHead(id));
  return n;
}

}  // namespace tansiq::store::internal
