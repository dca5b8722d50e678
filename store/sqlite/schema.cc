// Schema migrations: PRAGMA user_version holds the applied version; each step is SQL text.
#include "store/sqlite/schema.h"

#include <sys/stat.h>

#include <array>
#include <ctime>
#include <string>

namespace tansiq::store::sqlite {
namespace {

// Index i migrates from user_version i to i+1. Never edit a released step: append one.
constexpr std::array<const char*, 13> kMigrations = {
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE parties(
  idx INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
  identity_id TEXT NOT NULL UNIQUE);
CREATE TABLE users(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, party INTEGER NOT NULL REFERENCES parties(idx),
  roles INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL DEFAULT '', alternates TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT '');
CREATE TABLE tokens(
  hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), label TEXT NOT NULL,
  created INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE collections(
  id TEXT PRIMARY KEY, alias TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
  description TEXT NOT NULL, owner INTEGER REFERENCES parties(idx)) WITHOUT ROWID;
-- The governing state of each object, from its latest version hub-wide. `parties` is the
-- releasable-set bitmask (bit = party index) that read queries filter on.
CREATE TABLE objects(
  id TEXT PRIMARY KEY, type TEXT NOT NULL, originator INTEGER NOT NULL, parties INTEGER NOT NULL,
  red INTEGER NOT NULL, recipients TEXT NOT NULL, federable INTEGER NOT NULL,
  gates TEXT NOT NULL, latest_version INTEGER NOT NULL) WITHOUT ROWID;
-- Every version in every collection, with the releasability its own markings gave it (kept so
-- the head can be recomputed when versions are deleted).
CREATE TABLE versions(
  seq INTEGER PRIMARY KEY, collection TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL,
  spec_version TEXT NOT NULL, version INTEGER NOT NULL, version_text TEXT NOT NULL,
  date_added INTEGER NOT NULL, originator INTEGER NOT NULL, parties INTEGER NOT NULL, red INTEGER NOT NULL,
  recipients TEXT NOT NULL, federable INTEGER NOT NULL, gates TEXT NOT NULL,
  refs TEXT NOT NULL, json BLOB NOT NULL,
  UNIQUE(id, version, collection));
CREATE INDEX versions_by_added ON versions(collection, date_added);
CREATE TABLE statuses(
  id TEXT PRIMARY KEY, owner_user INTEGER NOT NULL, created INTEGER NOT NULL,
  json TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE audit(
  seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, party TEXT NOT NULL,
  action TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL, prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE TABLE audit_seals(
  seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, signature TEXT NOT NULL, at INTEGER NOT NULL);
)sql",
    // 2: full-text search over each object's latest version (FTS5, the "tansiq" tokenizer).
    R"sql(
CREATE VIRTUAL TABLE search USING fts5(names, body, tokenize = 'tansiq');
CREATE TABLE search_docs(
  rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, title TEXT NOT NULL,
  lang TEXT NOT NULL, modified INTEGER NOT NULL, created_by_ref TEXT NOT NULL,
  in_shared INTEGER NOT NULL, private_parties INTEGER NOT NULL);
)sql",
    // 3: dissemination — messages, each recipient's delivery (the durable queue), watch rules.
    R"sql(
CREATE TABLE messages(
  id TEXT PRIMARY KEY, precedence INTEGER NOT NULL, sender_user INTEGER NOT NULL,
  sent_at INTEGER NOT NULL, json TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX messages_by_sender ON messages(sender_user, sent_at);
CREATE TABLE deliveries(
  message_id TEXT NOT NULL REFERENCES messages(id), user_id INTEGER NOT NULL,
  state INTEGER NOT NULL, queued_at INTEGER NOT NULL, delivered_at INTEGER NOT NULL,
  read_at INTEGER NOT NULL, acknowledged_at INTEGER NOT NULL, escalated_at INTEGER NOT NULL,
  deadline INTEGER NOT NULL, realerts INTEGER NOT NULL, detail TEXT NOT NULL,
  PRIMARY KEY(message_id, user_id)) WITHOUT ROWID;
CREATE INDEX deliveries_by_user ON deliveries(user_id, state);
CREATE INDEX deliveries_with_deadline ON deliveries(deadline) WHERE deadline != 0;
CREATE TABLE watches(
  id TEXT PRIMARY KEY, user_id INTEGER NOT NULL, created INTEGER NOT NULL,
  json TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX watches_by_user ON watches(user_id);
)sql",
    // 4: search decides visibility in SQL. search_docs carries the head's originator and
    // party bitmask; per_row = 1 (TLP:RED or gated heads, and any row not yet written by this
    // version) sends a row to the exact policy check instead.
    R"sql(
ALTER TABLE search_docs ADD COLUMN originator INTEGER NOT NULL DEFAULT -1;
ALTER TABLE search_docs ADD COLUMN parties INTEGER NOT NULL DEFAULT 0;
ALTER TABLE search_docs ADD COLUMN per_row INTEGER NOT NULL DEFAULT 1;
UPDATE search_docs SET originator = h.originator, parties = h.parties,
  per_row = (h.red != 0 OR h.gates != '') FROM objects h WHERE h.id = search_docs.id;
)sql",
    // 5: analysis (issue 5): per analysed object its event time and display name, and its
    // entity keys ordered by key then event time (postings newest first, situation ranges).
    R"sql(
CREATE TABLE analysis(
  id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, at INTEGER NOT NULL,
  added INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX analysis_by_at ON analysis(at);
CREATE INDEX analysis_by_added ON analysis(added);
CREATE TABLE entity_keys(
  key TEXT NOT NULL, at INTEGER NOT NULL, id TEXT NOT NULL,
  PRIMARY KEY(key, at, id)) WITHOUT ROWID;
CREATE INDEX entity_keys_by_id ON entity_keys(id);
)sql",
    // 6: webhooks (issue 4): registrations (party -1: a user's own) and the durable outbox of
    // posts still to make, soonest first.
    R"sql(
CREATE TABLE webhooks(
  id TEXT PRIMARY KEY, user_id INTEGER NOT NULL, party INTEGER NOT NULL, url TEXT NOT NULL,
  secret TEXT NOT NULL, created INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE webhook_outbox(
  id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL, user_id INTEGER NOT NULL,
  message_id TEXT NOT NULL, realert INTEGER NOT NULL, escalated_for TEXT NOT NULL,
  queued_at INTEGER NOT NULL, attempts INTEGER NOT NULL, next_at INTEGER NOT NULL)
  WITHOUT ROWID;
CREATE INDEX webhook_outbox_by_next ON webhook_outbox(next_at);
CREATE INDEX webhook_outbox_by_webhook ON webhook_outbox(webhook_id);
)sql",
    // 7: situation pre-aggregation (issue 5). situation_counts: a count per (key, UTC day,
    // visibility class) of the situation's source rows (place and group entity keys, and
    // 'type:<type>' per analysis row) of objects whose head is neither TLP:RED nor gated; the
    // class is the head's originator and party bitmask and search_docs' collection access
    // (in_shared, private_parties), so a reader's visibility of a whole class is one
    // policy::CanRead. situation_rows: the source rows of RED or gated heads, each checked by
    // policy::IsVisible at query time. analysis_visibility: per analysed object that has a head
    // and a search row, the class its rows are counted under (per_row = 1: RED or gated, listed
    // in situation_rows); Postings decides plain rows from it too. The store keeps all three
    // equal to a recount in the transaction of every change (SqliteWriteTxn::RefreshSituation);
    // this step builds them by that recount.
    R"sql(
CREATE TABLE situation_counts(
  key TEXT NOT NULL, day INTEGER NOT NULL, originator INTEGER NOT NULL, parties INTEGER NOT NULL,
  in_shared INTEGER NOT NULL, private_parties INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY(key, day, originator, parties, in_shared, private_parties)) WITHOUT ROWID;
CREATE TABLE situation_rows(
  key TEXT NOT NULL, at INTEGER NOT NULL, id TEXT NOT NULL,
  PRIMARY KEY(key, at, id)) WITHOUT ROWID;
CREATE INDEX situation_rows_by_id ON situation_rows(id);
CREATE TABLE analysis_visibility(
  id TEXT PRIMARY KEY, per_row INTEGER NOT NULL, originator INTEGER NOT NULL,
  parties INTEGER NOT NULL, in_shared INTEGER NOT NULL, private_parties INTEGER NOT NULL)
  WITHOUT ROWID;
INSERT INTO analysis_visibility(id, per_row, originator, parties, in_shared, private_parties)
  SELECT a.id, h.red != 0 OR h.gates != '', h.originator, h.parties, d.in_shared,
    d.private_parties
  FROM analysis a JOIN objects h ON h.id = a.id JOIN search_docs d ON d.id = a.id;
CREATE TEMP VIEW situation_src(key, at, id) AS
  SELECT key, at, id FROM entity_keys
  WHERE (key >= 'gov:' AND key < 'gov;') OR (key >= 'grp:' AND key < 'grp;')
  UNION ALL SELECT 'type:' || type, at, id FROM analysis;
INSERT INTO situation_counts(key, day, originator, parties, in_shared, private_parties, n)
  SELECT s.key, s.at - (s.at % 86400000000 + 86400000000) % 86400000000, m.originator,
    m.parties, m.in_shared, m.private_parties, COUNT(*)
  FROM situation_src s JOIN analysis_visibility m ON m.id = s.id WHERE m.per_row = 0
  GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO situation_rows(key, at, id)
  SELECT s.key, s.at, s.id FROM situation_src s JOIN analysis_visibility m ON m.id = s.id
  WHERE m.per_row = 1;
DROP VIEW situation_src;
)sql",
    // 8: the visibility inputs of RED and gated objects beside their situation rows (issue 5,
    // second step). situation_rows carries each row's head columns (originator, parties, red,
    // recipients, federable, gates) and collection access (in_shared, private_parties), so the
    // situation query decides RED and gated rows from one range read with no seek per object;
    // analysis_visibility keeps the same head columns of per_row objects (defaults for the
    // others) so RefreshSituation sees a change of recipients or gates as a change of class.
    R"sql(
ALTER TABLE analysis_visibility ADD COLUMN red INTEGER NOT NULL DEFAULT 0;
ALTER TABLE analysis_visibility ADD COLUMN recipients TEXT NOT NULL DEFAULT '';
ALTER TABLE analysis_visibility ADD COLUMN federable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE analysis_visibility ADD COLUMN gates TEXT NOT NULL DEFAULT '';
UPDATE analysis_visibility SET (red, recipients, federable, gates) =
  (SELECT h.red, h.recipients, h.federable, h.gates FROM objects h
   WHERE h.id = analysis_visibility.id)
  WHERE per_row = 1;
CREATE TABLE situation_rows_8(
  key TEXT NOT NULL, at INTEGER NOT NULL, id TEXT NOT NULL, originator INTEGER NOT NULL,
  parties INTEGER NOT NULL, red INTEGER NOT NULL, recipients TEXT NOT NULL,
  federable INTEGER NOT NULL, gates TEXT NOT NULL, in_shared INTEGER NOT NULL,
  private_parties INTEGER NOT NULL, PRIMARY KEY(key, at, id)) WITHOUT ROWID;
INSERT INTO situation_rows_8(key, at, id, originator, parties, red, recipients, federable, gates,
    in_shared, private_parties)
  SELECT r.key, r.at, r.id, m.originator, m.parties, m.red, m.recipients, m.federable, m.gates,
    m.in_shared, m.private_parties
  FROM situation_rows r JOIN analysis_visibility m ON m.id = r.id;
DROP TABLE situation_rows;
ALTER TABLE situation_rows_8 RENAME TO situation_rows;
CREATE INDEX situation_rows_by_id ON situation_rows(id);
)sql",
    // 9: the visibility inputs beside every entity key (issue 5, correlation at 1M). Each
    // entity_keys row carries its object's class as analysis_visibility holds it (per_row,
    // the head's originator, parties, red, recipients, federable, gates, the collection
    // access; per_row -1: no head or search row, posted to nobody), so Postings reads a key's
    // rows in one range scan with no seek per row. PutAnalysis writes them, RefreshSituation
    // rewrites them when the class changes.
    R"sql(
CREATE TABLE entity_keys_9(
  key TEXT NOT NULL, at INTEGER NOT NULL, id TEXT NOT NULL, per_row INTEGER NOT NULL,
  originator INTEGER NOT NULL, parties INTEGER NOT NULL, red INTEGER NOT NULL,
  recipients TEXT NOT NULL, federable INTEGER NOT NULL, gates TEXT NOT NULL,
  in_shared INTEGER NOT NULL, private_parties INTEGER NOT NULL,
  PRIMARY KEY(key, at, id)) WITHOUT ROWID;
INSERT INTO entity_keys_9(key, at, id, per_row, originator, parties, red, recipients, federable,
    gates, in_shared, private_parties)
  SELECT k.key, k.at, k.id, COALESCE(m.per_row, -1), COALESCE(m.originator, 0),
    COALESCE(m.parties, 0), COALESCE(m.red, 0), COALESCE(m.recipients, ''),
    COALESCE(m.federable, 0), COALESCE(m.gates, ''), COALESCE(m.in_shared, 0),
    COALESCE(m.private_parties, 0)
  FROM entity_keys k LEFT JOIN analysis_visibility m ON m.id = k.id
  ORDER BY k.key, k.at, k.id;
DROP TABLE entity_keys;
ALTER TABLE entity_keys_9 RENAME TO entity_keys;
CREATE INDEX entity_keys_by_id ON entity_keys(id);
)sql",
    // 10: API tokens that can be listed, revoked and limited (issue 19): a public id (the
    // hash's first 16 hex digits) to name a token by, a scope ("full", "read": no state
    // change, "metrics": /metrics only), an expiry and the time of last use (0: none).
    R"sql(
CREATE TABLE tokens_10(
  hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), label TEXT NOT NULL,
  created INTEGER NOT NULL, id TEXT NOT NULL UNIQUE, scope TEXT NOT NULL DEFAULT 'full',
  expires INTEGER NOT NULL DEFAULT 0, last_used INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
INSERT INTO tokens_10(hash, user_id, label, created, id)
  SELECT hash, user_id, label, created, substr(hash, 1, 16) FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_10 RENAME TO tokens;
)sql",
    // 11: what deletion and re-analysis must not bring back (issue 16). tombstones: the ids the
    // hub deleted (and their originator), so a gate reference to one hides instead of counting
    // as "not held". derived: which derived objects (analysis) come from which source, so they
    // are withdrawn in the transaction that changes or deletes the source; filled here from
    // the hub's own location/intrusion-set/identity/relationship versions, whose first gate is
    // their source (SqliteStore::Open then withdraws the stale ones: lineage.reconcile).
    // A releasability marking-definition naming TLP:RED recipients is read by its creator's
    // party and those users only (policy::MarkingDefinitionReleasability): its stored versions,
    // heads and search rows are recomputed so.
    R"sql(
CREATE TABLE IF NOT EXISTS tombstones(
  id TEXT PRIMARY KEY, originator INTEGER NOT NULL, deleted_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS derived(
  source TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY(source, id)) WITHOUT ROWID;
INSERT OR IGNORE INTO derived(source, id)
  SELECT CASE WHEN instr(v.gates, ' ') > 0 THEN substr(v.gates, 1, instr(v.gates, ' ') - 1)
    ELSE v.gates END, v.id
  FROM versions v
  WHERE v.gates != '' AND v.type IN ('location', 'intrusion-set', 'identity', 'relationship')
    AND json_extract(CAST(v.json AS TEXT), '$.created_by_ref') =
      (SELECT value FROM meta WHERE key = 'hub.identity');
INSERT OR REPLACE INTO meta(key, value)
  SELECT 'lineage.reconcile', 'pending' WHERE EXISTS (SELECT 1 FROM derived);
UPDATE versions SET red = 1, federable = 0, parties = 1 << originator,
  recipients = (SELECT group_concat(r.value, ' ') FROM json_each(CAST(versions.json AS TEXT),
    '$.extensions."extension-definition--65d21291-bcb8-457a-8bff-8b997f76182b".recipients') r)
  WHERE type = 'marking-definition' AND json_array_length(CAST(json AS TEXT),
    '$.extensions."extension-definition--65d21291-bcb8-457a-8bff-8b997f76182b".recipients') > 0;
UPDATE objects SET (parties, red, recipients, federable) =
  (SELECT v.parties, v.red, v.recipients, v.federable FROM versions v WHERE v.id = objects.id
   ORDER BY v.version DESC, v.seq DESC LIMIT 1)
  WHERE type = 'marking-definition';
UPDATE search_docs SET parties = h.parties, per_row = (h.red != 0 OR h.gates != '')
  FROM objects h WHERE h.id = search_docs.id AND h.type = 'marking-definition';
)sql",
    // 12: a party's name per UI language (issue 18): GET /api/v1/parties?lang= answers the
    // reader's.
    R"sql(
CREATE TABLE IF NOT EXISTS party_names(
  party INTEGER NOT NULL REFERENCES parties(idx), lang TEXT NOT NULL, name TEXT NOT NULL,
  PRIMARY KEY(party, lang)) WITHOUT ROWID;
)sql",
    // 13: the version of the analysis that wrote each record (analysis::kFactsVersion): records
    // of another version are analysed again by the backfill. A record without a row here is
    // version 0 (every record written before). A table of its own, not a column: like every
    // migration since 10 it may run again over its own tables.
    R"sql(
CREATE TABLE IF NOT EXISTS analysis_versions(
  id TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
)sql",
};

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Result<int> SchemaVersion(Connection& db) {
  auto st = db.Prepare("PRAGMA user_version");
  if (!st.ok()) return st.status();
  Status step_status;
  if (!(*st)->Step(&step_status)) {
    return step_status.ok() ? Internal("no user_version") : step_status;
  }
  const int v = static_cast<int>((*st)->Int(0));
  (*st)->Reset();
  return v;
}

Status Migrate(Connection& db) {
  auto st = db.Prepare("PRAGMA user_version");
  if (!st.ok()) return st.status();
  Status step_status;
  if (!(*st)->Step(&step_status))
    return step_status.ok() ? Internal("no user_version") : step_status;
  const auto current = static_cast<std::size_t>((*st)->Int(0));
  (*st)->Reset();
  if (current > kMigrations.size()) {
    return Unavailable("database schema version " + std::to_string(current) +
                       " is newer than this tansiq (" + std::to_string(kMigrations.size()) + ")");
  }
  if (current == kMigrations.size()) return Status::Ok();
  // An existing hub is copied before its schema changes, so an upgrade can be undone by
  // restoring the copy with the old tansiq (docs/backup.md).
  if (current > 0) {
    const char* file = sqlite3_db_filename(db.raw(), "main");
    if (file != nullptr && *file != '\0') {
      const std::string copy = std::string(file) + ".pre-v" + std::to_string(kMigrations.size()) +
                               "-" + std::to_string(std::time(nullptr)) + ".bak";
      auto vacuum = db.Prepare("VACUUM INTO ?1");
      if (!vacuum.ok()) return vacuum.status();
      (*vacuum)->Bind(1, copy);
      Status s = (*vacuum)->Run();
      if (!s.ok()) {
        return Unavailable("cannot back up before migrating the schema from version " +
                           std::to_string(current) + " to " + copy + ": " + s.message());
      }
      if (::chmod(copy.c_str(), 0600) != 0) return Unavailable("cannot make " + copy + " private");
    }
  }
  TANSIQ_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  for (std::size_t v = current; v < kMigrations.size(); ++v) {
    Status s = db.Exec(kMigrations[v]);
    if (s.ok()) s = db.Exec("PRAGMA user_version=" + std::to_string(v + 1));
    if (!s.ok()) {
      (void)db.Exec("ROLLBACK");
      return s;
    }
  }
  return db.Exec("COMMIT");
}

}  // namespace tansiq::store::sqlite
