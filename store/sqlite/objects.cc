// Object versions in the SQLite backend: PutVersion, the head and search index kept with it,
// derived objects withdrawn, deletes; the version reads (ListVersions, heads, visibility).
#include <boost/json/parse.hpp>

#include "store/sqlite/internal/sqlite_store.h"

namespace tansiq::store::internal {

// ---------------------------------------------------------------------------------------
// Writes.

Micros SqliteWriteTxn::Now() { return store_.clock().NowMicros(); }

Result<std::optional<std::string>> SqliteWriteTxn::GetLatestJson(std::string_view id) {
  return QueryOne(
      db_, "SELECT json FROM versions WHERE id = ?1 ORDER BY version DESC, seq DESC LIMIT 1",
      [](const Statement& s) { return s.Text(0); }, id);
}

namespace {

// The outcome for a version that is already stored (an idempotent re-post).
Result<PutOutcome> ExistingVersion(Connection& db, const NewVersion& v, Micros version) {
  auto st = db.Prepare(
      "SELECT date_added, version FROM versions WHERE id = ?1 AND version = ?2 AND "
      "collection = ?3");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, v.id).Bind(2, version).Bind(3, v.collection_id);
  Status status;
  if (!s.Step(&status)) return status.ok() ? Internal("conflicting version vanished") : status;
  PutOutcome out{s.Int(0), true, s.Int(1)};
  s.Reset();
  return out;
}

}  // namespace

Result<PutOutcome> SqliteWriteTxn::PutVersion(const NewVersion& v) {
  Status status;
  // Objects without a version (no created/modified) are duplicates when their bytes match.
  if (!v.version) {
    auto st = db_.Prepare(
        "SELECT date_added, version FROM versions WHERE id = ?1 AND collection = ?2 AND "
        "json = ?3");
    if (!st.ok()) return st.status();
    Statement& s = **st;
    s.Bind(1, v.id).Bind(2, v.collection_id).Bind(3, v.json);
    if (s.Step(&status)) {
      PutOutcome out{s.Int(0), true, s.Int(1)};
      s.Reset();
      return out;
    }
    if (!status.ok()) return status;
  }
  const Micros added = store_.NextDateAdded();
  const Micros version = v.version.value_or(added);
  const auto& rel = v.releasability;
  const std::string recipients = Join(rel.recipients);
  const std::string gates = Join(v.gate_refs);
  {
    auto st = db_.Prepare(
        "INSERT INTO versions(collection, id, type, spec_version, version, date_added, "
        "originator, parties, red, recipients, federable, gates, refs, json, version_text) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
        "ON CONFLICT(id, version, collection) DO NOTHING");
    if (!st.ok()) return st.status();
    Statement& s = **st;
    s.Bind(1, v.collection_id).Bind(2, v.id).Bind(3, v.type).Bind(4, v.spec_version);
    s.Bind(5, version).Bind(6, added).Bind(7, rel.originator);
    s.Bind(8, static_cast<std::int64_t>(rel.parties)).Bind(9, rel.red ? 1 : 0);
    s.Bind(10, recipients).Bind(11, rel.federable ? 1 : 0).Bind(12, gates);
    s.Bind(13, Join(v.refs)).Bind(14, v.json);
    if (v.version) {
      s.Bind(15, v.version_text);
    } else {
      s.Bind(15, stix::FormatMicros(added));
    }
    TANSIQ_RETURN_IF_ERROR(s.Run());
    // Same id and version already in this collection: an idempotent success.
    if (sqlite3_changes(db_.raw()) == 0) return ExistingVersion(db_, v, version);
  }
  TANSIQ_RETURN_IF_ERROR(sqlite::ClearTombstone(db_, v.id));  // stored again: not deleted
  if (!v.derived_from.empty())
    TANSIQ_RETURN_IF_ERROR(sqlite::PutDerived(db_, v.derived_from, v.id));
  // The latest version hub-wide governs the object: update the head when this one is newest.
  auto st = db_.Prepare(
      "INSERT INTO objects(id, type, originator, parties, red, recipients, federable, gates, "
      "latest_version) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
      "ON CONFLICT(id) DO UPDATE SET type = excluded.type, parties = excluded.parties, "
      "red = excluded.red, recipients = excluded.recipients, federable = excluded.federable, "
      "gates = excluded.gates, latest_version = excluded.latest_version "
      "WHERE excluded.latest_version >= objects.latest_version");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, v.id).Bind(2, v.type).Bind(3, rel.originator);
  s.Bind(4, static_cast<std::int64_t>(rel.parties)).Bind(5, rel.red ? 1 : 0);
  s.Bind(6, recipients).Bind(7, rel.federable ? 1 : 0).Bind(8, gates).Bind(9, version);
  TANSIQ_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_.raw()) > 0) {  // this version now governs: index its text
    stix::SearchText text;
    if (v.search) {
      text = *v.search;
    } else {
      boost::system::error_code ec;
      auto parsed = boost::json::parse(v.json, ec);
      if (!ec && parsed.is_object()) text = stix::ExtractSearchText(parsed.get_object());
    }
    TANSIQ_RETURN_IF_ERROR(Reindex(v.id, v.type, version, text, v.collection_id,
                                   policy::ObjectHead{rel, v.gate_refs}, v.prepared_search.get()));
    // What was derived from a version that no longer governs goes in this transaction.
    TANSIQ_RETURN_IF_ERROR(WithdrawDerived(v.id, version));
  } else {
    TANSIQ_RETURN_IF_ERROR(MarkCollection(v.id, v.collection_id));
  }
  TANSIQ_RETURN_IF_ERROR(RefreshSituation(v.id));
  return PutOutcome{added, false, version};
}

Status SqliteWriteTxn::MarkCollection(std::string_view id, std::string_view collection_id) {
  auto st = db_.Prepare(
      "UPDATE search_docs SET "
      "in_shared = in_shared | (SELECT owner IS NULL FROM collections WHERE id = ?2), "
      "private_parties = private_parties | "
      "COALESCE((SELECT 1 << owner FROM collections WHERE id = ?2), 0) WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, collection_id);
  return (*st)->Run();
}

namespace {

// search_docs' copy of the head for Search: originator, party bitmask, and per_row = 1 when
// only policy::IsVisible may decide (TLP:RED: named users; gates: other objects' heads).
void BindVisibility(Statement& s, int first, const policy::ObjectHead& head) {
  const auto& rel = head.releasability;
  s.Bind(first, rel.originator).Bind(first + 1, static_cast<std::int64_t>(rel.parties));
  s.Bind(first + 2, rel.red || !head.gate_refs.empty() ? 1 : 0);
}

}  // namespace

Status SqliteWriteTxn::Reindex(std::string_view id, std::string_view type, Micros version,
                               const stix::SearchText& text_in, std::string_view collection_id,
                               const policy::ObjectHead& head, const void* prepared) {
  Status status;
  stix::SearchText detected;
  if (text_in.lang.empty()) {  // no STIX lang: the script decides (Persian letters → fa)
    detected = text_in;
    detected.lang = text::LangCode(text::DetectLang(text_in.names + "\n" + text_in.body));
  }
  const stix::SearchText& text = text_in.lang.empty() ? detected : text_in;
  std::optional<std::int64_t> rowid;
  {
    auto st = db_.Prepare("SELECT rowid FROM search_docs WHERE id = ?1");
    if (!st.ok()) return st.status();
    (*st)->Bind(1, id);
    if ((*st)->Step(&status)) rowid = (*st)->Int(0);
    (*st)->Reset();
    TANSIQ_RETURN_IF_ERROR(status);
  }
  if (rowid) {
    auto del = db_.Prepare("DELETE FROM search WHERE rowid = ?1");
    if (!del.ok()) return del.status();
    (*del)->Bind(1, *rowid);
    TANSIQ_RETURN_IF_ERROR((*del)->Run());
    auto up = db_.Prepare(
        "UPDATE search_docs SET type = ?2, title = ?3, lang = ?4, modified = ?5, "
        "created_by_ref = ?6, originator = ?8, parties = ?9, per_row = ?10, "
        "in_shared = in_shared | (SELECT owner IS NULL FROM collections WHERE id = ?7), "
        "private_parties = private_parties | "
        "COALESCE((SELECT 1 << owner FROM collections WHERE id = ?7), 0) WHERE rowid = ?1");
    if (!up.ok()) return up.status();
    Statement& u = **up;
    u.Bind(1, *rowid).Bind(2, type).Bind(3, text.title).Bind(4, text.lang).Bind(5, version);
    u.Bind(6, text.created_by_ref).Bind(7, collection_id);
    BindVisibility(u, 8, head);
    TANSIQ_RETURN_IF_ERROR(u.Run());
  } else {
    auto ins = db_.Prepare(
        "INSERT INTO search_docs(id, type, title, lang, modified, created_by_ref, in_shared, "
        "private_parties, originator, parties, per_row) VALUES(?1, ?2, ?3, ?4, ?5, ?6, "
        "(SELECT owner IS NULL FROM collections WHERE id = ?7), "
        "COALESCE((SELECT 1 << owner FROM collections WHERE id = ?7), 0), ?8, ?9, ?10)");
    if (!ins.ok()) return ins.status();
    Statement& i = **ins;
    i.Bind(1, id).Bind(2, type).Bind(3, text.title).Bind(4, text.lang).Bind(5, version);
    i.Bind(6, text.created_by_ref).Bind(7, collection_id);
    BindVisibility(i, 8, head);
    TANSIQ_RETURN_IF_ERROR(i.Run());
    rowid = sqlite3_last_insert_rowid(db_.raw());
  }
  auto fts = db_.Prepare("INSERT INTO search(rowid, names, body) VALUES(?1, ?2, ?3)");
  if (!fts.ok()) return fts.status();
  (*fts)->Bind(1, *rowid).Bind(2, std::string(1, sqlite::kNameMarker) + text.names);
  (*fts)->Bind(3, text.body);
  sqlite::UsePretokenized(static_cast<const std::vector<sqlite::Pretokenized>*>(prepared));
  Status inserted = (*fts)->Run();
  sqlite::UsePretokenized(nullptr);
  return inserted;
}

Status SqliteWriteTxn::RecomputeHead(std::string_view id) {
  auto before = ReadHead(db_, id);
  if (!before.ok()) return before.status();
  auto st = db_.Prepare(std::string("SELECT type, version, ") + kHeadColumns +
                        " FROM versions WHERE id = ?1 ORDER BY version DESC, seq DESC LIMIT 1");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, id);
  Status status;
  if (!s.Step(&status)) {
    TANSIQ_RETURN_IF_ERROR(status);
    if (before->has_value()) {
      TANSIQ_RETURN_IF_ERROR(
          sqlite::PutTombstone(db_, id, (*before)->releasability.originator, Now()));
    }
    TANSIQ_RETURN_IF_ERROR(WithdrawDerived(id, std::nullopt));
    TANSIQ_RETURN_IF_ERROR(LeaveSituation(id));
    for (const char* sql :
         {"DELETE FROM objects WHERE id = ?1",
          "DELETE FROM search WHERE rowid = (SELECT rowid FROM search_docs WHERE id = ?1)",
          "DELETE FROM search_docs WHERE id = ?1", "DELETE FROM entity_keys WHERE id = ?1",
          "DELETE FROM analysis WHERE id = ?1", "DELETE FROM analysis_versions WHERE id = ?1"}) {
      auto del = db_.Prepare(sql);
      if (!del.ok()) return del.status();
      (*del)->Bind(1, id);
      TANSIQ_RETURN_IF_ERROR((*del)->Run());
    }
    return Status::Ok();
  }
  std::string type = s.Text(0);
  Micros version = s.Int(1);
  policy::ObjectHead h = HeadColumns(s, 2);
  s.Reset();
  auto up = db_.Prepare(
      "UPDATE objects SET type = ?2, parties = ?3, red = ?4, recipients = ?5, federable = ?6, "
      "gates = ?7, latest_version = ?8 WHERE id = ?1");
  if (!up.ok()) return up.status();
  Statement& u = **up;
  const auto& rel = h.releasability;
  u.Bind(1, id).Bind(2, type).Bind(3, static_cast<std::int64_t>(rel.parties));
  u.Bind(4, rel.red ? 1 : 0).Bind(5, Join(rel.recipients)).Bind(6, rel.federable ? 1 : 0);
  u.Bind(7, Join(h.gate_refs)).Bind(8, version);
  TANSIQ_RETURN_IF_ERROR(u.Run());
  // Re-index the text of the version that governs now, and the collections still holding it.
  auto latest = GetLatestJson(id);
  if (!latest.ok()) return latest.status();
  stix::SearchText text;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(latest->value_or("{}"), ec);
  if (!ec && parsed.is_object()) text = stix::ExtractSearchText(parsed.get_object());
  auto reset =
      db_.Prepare("UPDATE search_docs SET in_shared = 0, private_parties = 0 WHERE id = ?1");
  if (!reset.ok()) return reset.status();
  (*reset)->Bind(1, id);
  TANSIQ_RETURN_IF_ERROR((*reset)->Run());
  auto colls = db_.Prepare("SELECT DISTINCT collection FROM versions WHERE id = ?1");
  if (!colls.ok()) return colls.status();
  (*colls)->Bind(1, id);
  std::vector<std::string> holding;
  while ((*colls)->Step(&status)) holding.push_back((*colls)->Text(0));
  TANSIQ_RETURN_IF_ERROR(status);
  if (!holding.empty()) {
    TANSIQ_RETURN_IF_ERROR(Reindex(id, type, version, text, holding.front(), h));
    for (std::size_t i = 1; i < holding.size(); ++i) {
      TANSIQ_RETURN_IF_ERROR(MarkCollection(id, holding[i]));
    }
  }
  TANSIQ_RETURN_IF_ERROR(WithdrawDerived(id, version));
  return RefreshSituation(id);
}

Status SqliteWriteTxn::WithdrawDerived(std::string_view source, std::optional<Micros> governing) {
  auto rows = sqlite::DerivedFrom(db_, source);
  if (!rows.ok()) return rows.status();
  for (const auto& row : *rows) {
    if (governing && row.latest_version == governing) continue;  // from the governing text
    if (row.latest_version) {
      auto del = db_.Prepare("DELETE FROM versions WHERE id = ?1");
      if (!del.ok()) return del.status();
      (*del)->Bind(1, row.id);
      TANSIQ_RETURN_IF_ERROR((*del)->Run());
      TANSIQ_RETURN_IF_ERROR(RecomputeHead(row.id));  // gone: tombstone, index, situation
    }
    TANSIQ_RETURN_IF_ERROR(sqlite::DropDerived(db_, source, row.id));
  }
  return Status::Ok();
}

Status SqliteWriteTxn::ReconcileDerived() {
  auto sources = sqlite::DerivedSources(db_);
  if (!sources.ok()) return sources.status();
  for (const auto& source : *sources) {
    auto head = ReadHead(db_, source);
    if (!head.ok()) return head.status();
    if (!head->has_value()) {
      // A source deleted before tombstones existed: it was held, so it hides from now on.
      auto rows = sqlite::DerivedFrom(db_, source);
      if (!rows.ok()) return rows.status();
      for (const auto& row : *rows) {
        auto derived = ReadHead(db_, row.id);
        if (!derived.ok()) return derived.status();
        if (!derived->has_value()) continue;
        TANSIQ_RETURN_IF_ERROR(
            sqlite::PutTombstone(db_, source, (*derived)->releasability.originator, Now()));
        break;
      }
    }
    TANSIQ_RETURN_IF_ERROR(WithdrawDerived(
        source, head->has_value() ? std::optional<Micros>((*head)->latest_version) : std::nullopt));
  }
  return Status::Ok();
}

namespace {

// Appends " AND <column> IN (?,?,...)" and records the values to bind.
void AppendIn(std::string& sql, std::string_view column, const std::vector<std::string>& values,
              std::vector<std::string>& binds) {
  if (values.empty()) return;
  sql += " AND ";
  sql += column;
  sql += " IN (";
  for (std::size_t i = 0; i < values.size(); ++i) {
    sql += i ? ",?" : "?";
    binds.push_back(values[i]);
  }
  sql += ")";
}

// "(SELECT MAX|MIN(version) ...)" over the versions of the row's object in its collection.
std::string Extreme(std::string_view alias, bool max, const std::vector<std::string>& spec_versions,
                    std::vector<std::string>& binds) {
  std::string sql = max ? "(SELECT MAX(x.version)" : "(SELECT MIN(x.version)";
  sql += " FROM versions x WHERE x.collection = " + std::string(alias) +
         ".collection AND x.id = " + std::string(alias) + ".id";
  AppendIn(sql, "x.spec_version", spec_versions, binds);
  return sql + ")";
}

// The version-selection clause over rows aliased `alias` (TAXII match[version]).
void AppendVersionClause(std::string& sql, std::string_view alias, VersionFilter::Which which,
                         const std::vector<Micros>& versions, bool also_first, bool also_last,
                         const std::vector<std::string>& spec_versions,
                         std::vector<std::string>& binds) {
  using Which = VersionFilter::Which;
  const std::string column = std::string(alias) + ".version";
  switch (which) {
    case Which::kAll:
      return;
    case Which::kLast:
    case Which::kFirst:
      sql += " AND " + column + " = " + Extreme(alias, which == Which::kLast, spec_versions, binds);
      return;
    case Which::kListed: {
      std::string any = column + " IN (";
      for (std::size_t i = 0; i < versions.size(); ++i) {
        any += (i ? "," : "") + std::to_string(versions[i]);
      }
      any += ")";
      if (also_first) any += " OR " + column + " = " + Extreme(alias, false, spec_versions, binds);
      if (also_last) any += " OR " + column + " = " + Extreme(alias, true, spec_versions, binds);
      sql += " AND (" + any + ")";
      return;
    }
  }
}

}  // namespace

Result<int> SqliteWriteTxn::DeleteVersions(std::string_view collection_id, std::string_view id,
                                           const DeleteSelector& which) {
  std::string sql = "DELETE FROM versions WHERE collection = ?1 AND id = ?2";
  std::vector<std::string> tail;  // bound from ?3 on, in order of appearance
  AppendIn(sql, "spec_version", which.spec_versions, tail);
  AppendVersionClause(sql, "versions", which.which, which.versions, which.also_first,
                      which.also_last, which.spec_versions, tail);
  auto st = db_.Prepare(sql);
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, collection_id).Bind(2, id);
  int i = 3;
  for (const auto& b : tail) s.Bind(i++, b);
  TANSIQ_RETURN_IF_ERROR(s.Run());
  int n = sqlite3_changes(db_.raw());
  if (n > 0) TANSIQ_RETURN_IF_ERROR(RecomputeHead(id));
  return n;
}

// ---------------------------------------------------------------------------------------
// Reads.

Result<std::optional<ObjectHead>> SqliteStore::Head(std::string_view id) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  return ReadHead(**db, id);
}

bool SqliteStore::IsVisible(const policy::Reader& reader, std::string_view id) {
  auto db = Acquire();
  if (!db.ok()) return false;
  HeadCache cache(**db, reader);
  return policy::IsVisible(reader, id, [&](std::string_view x) { return cache.Lookup(x); });
}

Result<std::vector<std::string>> SqliteStore::HiddenAmong(const policy::Reader& reader,
                                                          const std::vector<std::string>& ids) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  HeadCache cache(**db, reader);
  auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
  std::vector<std::string> hidden;
  for (const auto& id : ids) {
    if (cache.Lookup(id).has_value() && !policy::IsVisible(reader, id, lookup)) {
      hidden.push_back(id);
    }
  }
  return hidden;
}

Result<Page> SqliteStore::ListVersions(const policy::Reader& reader, std::string_view collection_id,
                                       const VersionFilter& filter, std::optional<Cursor> after,
                                       std::size_t limit) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  // The visibility prefilter is the rule's party clauses in SQL (exact unless red or gated);
  // every candidate row then goes through policy::IsVisible, the one rule.
  std::string sql = std::string(
                        "SELECT v.seq, v.id, v.type, v.spec_version, v.version, v.date_added, "
                        "v.refs, v.json, v.version_text, ") +
                    "h.originator, h.parties, h.red, h.recipients, h.federable, h.gates "
                    "FROM versions v JOIN objects h ON h.id = v.id "
                    "WHERE v.collection = ?1 AND v.date_added > ?2 "
                    "AND (h.originator = ?3 OR (h.red = 0 AND (h.parties & ?4) != 0) OR "
                    "h.red = 1)";
  std::vector<std::string> binds;
  AppendIn(sql, "v.id", filter.ids, binds);
  AppendIn(sql, "v.type", filter.types, binds);
  AppendIn(sql, "v.spec_version", filter.spec_versions, binds);
  AppendVersionClause(sql, "v", filter.which, filter.versions, filter.also_first, filter.also_last,
                      filter.spec_versions, binds);
  sql += " ORDER BY v.date_added";
  auto st = (*db)->Prepare(sql);
  if (!st.ok()) return st.status();
  Statement& s = **st;
  Micros floor = std::max(filter.added_after.value_or(-1), after ? after->date_added : -1);
  s.Bind(1, collection_id).Bind(2, floor).Bind(3, reader.party);
  s.Bind(4, static_cast<std::int64_t>(policy::Bit(reader.party)));
  int i = 5;
  for (const auto& b : binds) s.Bind(i++, b);

  HeadCache cache(**db, reader);
  auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
  Page page;
  Status status;
  while (s.Step(&status)) {
    std::string id = s.Text(1);
    cache.Put(id, HeadColumns(s, 9));
    if (!policy::IsVisible(reader, id, lookup)) continue;
    if (page.rows.size() == limit) {
      page.more = true;
      break;
    }
    page.rows.push_back(VersionRowAt(s));
  }
  s.Reset();
  if (!status.ok()) return status;
  return page;
}

Result<std::int64_t> SqliteStore::CountVersions() {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare("SELECT COUNT(*) FROM versions");
  if (!st.ok()) return st.status();
  Status status;
  if (!(*st)->Step(&status)) return status.ok() ? Internal("count") : status;
  std::int64_t n = (*st)->Int(0);
  (*st)->Reset();
  return n;
}

}  // namespace tansiq::store::internal
