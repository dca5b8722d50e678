// Analysis records, entity keys and the situation pre-aggregation in the SQLite backend: kept
// current by write jobs, read as postings, analysed ranges and situation counts.
#include "store/sqlite/internal/sqlite_store.h"

namespace tansiq::store::internal {

// ---------------------------------------------------------------------------------------
// Analysis: entity keys and situation counts.

namespace {

// The situation's source rows of one object: its place and group keys and its type.
constexpr const char* kSituationSource =
    "SELECT key, at FROM entity_keys WHERE id = ?1 AND ((key >= 'gov:' AND key < 'gov;') OR "
    "(key >= 'grp:' AND key < 'grp;')) UNION ALL SELECT 'type:' || type, at FROM analysis "
    "WHERE id = ?1";

// The visibility class an object's source rows are counted under: per_row (RED or gated
// head: listed one by one, each row carrying every input of the rule: the head's red,
// recipients, federable and gates columns too), else the head's originator and party bitmask
// and the collection access of the object (the other head columns left at their defaults: a
// plain head's visibility does not depend on them).
struct SituationClass {
  bool per_row = false;
  std::int64_t originator = 0, parties = 0, in_shared = 0, private_parties = 0;
  std::int64_t red = 0, federable = 0;
  std::string recipients, gates;
  bool operator==(const SituationClass&) const = default;
};

// `sql` selects per_row, originator, parties, in_shared, private_parties, red, recipients,
// federable, gates.
Result<std::optional<SituationClass>> ReadSituationClass(Connection& db, std::string_view id,
                                                         const char* sql) {
  return QueryOne(
      db, sql,
      [](const Statement& s) {
        SituationClass c{s.Int(0) != 0, s.Int(1), s.Int(2), s.Int(3), s.Int(4)};
        if (c.per_row) {
          c.red = s.Int(5);
          c.recipients = s.Text(6);
          c.federable = s.Int(7);
          c.gates = s.Text(8);
        }
        return c;
      },
      id);
}

Micros SituationDay(Micros at) {
  return at - ((at % kSituationDay) + kSituationDay) % kSituationDay;
}

// Adds (+1) or removes (-1) the object's source rows under `c`.
Status MoveSituationRows(Connection& db, std::string_view id, const SituationClass& c, int sign) {
  if (c.per_row && sign < 0) {
    auto del = db.Prepare("DELETE FROM situation_rows WHERE id = ?1");
    if (!del.ok()) return del.status();
    (*del)->Bind(1, id);
    return (*del)->Run();
  }
  std::vector<std::pair<std::string, Micros>> rows;
  {
    auto src = db.Prepare(kSituationSource);
    if (!src.ok()) return src.status();
    (*src)->Bind(1, id);
    Status status;
    while ((*src)->Step(&status)) rows.emplace_back((*src)->Text(0), (*src)->Int(1));
    (*src)->Reset();
    TANSIQ_RETURN_IF_ERROR(status);
  }
  const char* sql =
      c.per_row ? "INSERT OR IGNORE INTO situation_rows(key, at, id, originator, parties, red, "
                  "recipients, federable, gates, in_shared, private_parties) VALUES(?1, ?2, ?3, "
                  "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
      : sign > 0
          ? "INSERT INTO situation_counts(key, day, originator, parties, in_shared, "
            "private_parties, n) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 1) ON CONFLICT DO UPDATE SET "
            "n = n + 1"
          : "UPDATE situation_counts SET n = n - 1 WHERE key = ?1 AND day = ?2 AND "
            "originator = ?3 AND parties = ?4 AND in_shared = ?5 AND private_parties = ?6";
  for (const auto& [key, at] : rows) {
    auto st = db.Prepare(sql);
    if (!st.ok()) return st.status();
    Statement& s = **st;
    if (c.per_row) {
      s.Bind(1, key).Bind(2, at).Bind(3, id).Bind(4, c.originator).Bind(5, c.parties);
      s.Bind(6, c.red).Bind(7, c.recipients).Bind(8, c.federable).Bind(9, c.gates);
      s.Bind(10, c.in_shared).Bind(11, c.private_parties);
    } else {
      s.Bind(1, key).Bind(2, SituationDay(at)).Bind(3, c.originator).Bind(4, c.parties);
      s.Bind(5, c.in_shared).Bind(6, c.private_parties);
    }
    TANSIQ_RETURN_IF_ERROR(s.Run());
    if (!c.per_row && sign < 0) {
      auto gone = db.Prepare(
          "DELETE FROM situation_counts WHERE key = ?1 AND day = ?2 AND originator = ?3 AND "
          "parties = ?4 AND in_shared = ?5 AND private_parties = ?6 AND n <= 0");
      if (!gone.ok()) return gone.status();
      Statement& g = **gone;
      g.Bind(1, key).Bind(2, SituationDay(at)).Bind(3, c.originator).Bind(4, c.parties);
      g.Bind(5, c.in_shared).Bind(6, c.private_parties);
      TANSIQ_RETURN_IF_ERROR(g.Run());
    }
  }
  return Status::Ok();
}

constexpr const char* kSituationMember =
    "SELECT per_row, originator, parties, in_shared, private_parties, red, recipients, "
    "federable, gates FROM analysis_visibility WHERE id = ?1";

// The class the object's rows are counted under now: it needs an analysis, a head and a
// search row (what Situation's joins need); none: counted nowhere, posted to nobody.
constexpr const char* kSituationNow =
    "SELECT h.red != 0 OR h.gates != '', h.originator, h.parties, d.in_shared, "
    "d.private_parties, h.red, h.recipients, h.federable, h.gates FROM analysis a JOIN "
    "objects h ON h.id = a.id JOIN search_docs d ON d.id = a.id WHERE a.id = ?1";

// Binds the visibility columns of an entity_keys row (migration 9) from `first` on: per_row
// (-1 when the object has no class), originator, parties, red, recipients, federable, gates,
// in_shared, private_parties.
void BindKeyVisibility(Statement& s, int first, const std::optional<SituationClass>& c) {
  const SituationClass none;
  const SituationClass& v = c ? *c : none;
  s.Bind(first, c ? (v.per_row ? 1 : 0) : -1).Bind(first + 1, v.originator);
  s.Bind(first + 2, v.parties).Bind(first + 3, v.red).Bind(first + 4, v.recipients);
  s.Bind(first + 5, v.federable).Bind(first + 6, v.gates).Bind(first + 7, v.in_shared);
  s.Bind(first + 8, v.private_parties);
}

// Writes the class `c` into every entity_keys row of `id`, one single-row UPDATE per key (no
// statement journal, see RefreshSituation).
Status SetKeyVisibility(Connection& db, std::string_view id,
                        const std::optional<SituationClass>& c) {
  std::vector<std::pair<std::string, Micros>> keys;
  {
    auto st = db.Prepare("SELECT key, at FROM entity_keys WHERE id = ?1");
    if (!st.ok()) return st.status();
    (*st)->Bind(1, id);
    Status status;
    while ((*st)->Step(&status)) keys.emplace_back((*st)->Text(0), (*st)->Int(1));
    (*st)->Reset();
    TANSIQ_RETURN_IF_ERROR(status);
  }
  for (const auto& [key, at] : keys) {
    auto up = db.Prepare(
        "UPDATE entity_keys SET per_row = ?4, originator = ?5, parties = ?6, red = ?7, "
        "recipients = ?8, federable = ?9, gates = ?10, in_shared = ?11, private_parties = ?12 "
        "WHERE key = ?1 AND at = ?2 AND id = ?3");
    if (!up.ok()) return up.status();
    (*up)->Bind(1, key).Bind(2, at).Bind(3, id);
    BindKeyVisibility(**up, 4, c);
    TANSIQ_RETURN_IF_ERROR((*up)->Run());
  }
  return Status::Ok();
}

}  // namespace

Status SqliteWriteTxn::LeaveSituation(std::string_view id) {
  auto was = ReadSituationClass(db_, id, kSituationMember);
  if (!was.ok()) return was.status();
  if (!*was) return Status::Ok();
  TANSIQ_RETURN_IF_ERROR(MoveSituationRows(db_, id, **was, -1));
  auto del = db_.Prepare("DELETE FROM analysis_visibility WHERE id = ?1");
  if (!del.ok()) return del.status();
  (*del)->Bind(1, id);
  return (*del)->Run();
}

Status SqliteWriteTxn::RefreshSituation(std::string_view id, bool keys_current) {
  // Counted only with an analysis, a head and a search row (what Situation's joins need).
  auto now = ReadSituationClass(db_, id, kSituationNow);
  if (!now.ok()) return now.status();
  auto was = ReadSituationClass(db_, id, kSituationMember);
  if (!was.ok()) return was.status();
  if (*now == *was) return Status::Ok();
  TANSIQ_RETURN_IF_ERROR(LeaveSituation(id));
  if (!keys_current) TANSIQ_RETURN_IF_ERROR(SetKeyVisibility(db_, id, *now));
  if (!*now) return Status::Ok();
  TANSIQ_RETURN_IF_ERROR(MoveSituationRows(db_, id, **now, +1));
  auto ins = db_.Prepare(
      "INSERT INTO analysis_visibility(id, per_row, originator, parties, in_shared, "
      "private_parties, red, recipients, federable, gates) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
      "?8, ?9, ?10)");
  if (!ins.ok()) return ins.status();
  const SituationClass& c = **now;
  (*ins)->Bind(1, id).Bind(2, c.per_row ? 1 : 0).Bind(3, c.originator).Bind(4, c.parties);
  (*ins)->Bind(5, c.in_shared).Bind(6, c.private_parties).Bind(7, c.red);
  (*ins)->Bind(8, c.recipients).Bind(9, c.federable).Bind(10, c.gates);
  return (*ins)->Run();
}

Status SqliteWriteTxn::PutAnalysis(const AnalysisRecord& r) {
  TANSIQ_RETURN_IF_ERROR(LeaveSituation(r.id));  // counted under its old keys until now
  for (const char* sql :
       {"DELETE FROM entity_keys WHERE id = ?1", "DELETE FROM analysis WHERE id = ?1"}) {
    auto del = db_.Prepare(sql);
    if (!del.ok()) return del.status();
    (*del)->Bind(1, r.id);
    TANSIQ_RETURN_IF_ERROR((*del)->Run());
  }
  auto ins =
      db_.Prepare("INSERT INTO analysis(id, type, name, at, added) VALUES(?1, ?2, ?3, ?4, ?5)");
  if (!ins.ok()) return ins.status();
  (*ins)->Bind(1, r.id).Bind(2, r.type).Bind(3, r.name).Bind(4, r.at).Bind(5, Now());
  TANSIQ_RETURN_IF_ERROR((*ins)->Run());
  auto ver = db_.Prepare("INSERT OR REPLACE INTO analysis_versions(id, version) VALUES(?1, ?2)");
  if (!ver.ok()) return ver.status();
  (*ver)->Bind(1, r.id).Bind(2, static_cast<std::int64_t>(r.analysis_version));
  TANSIQ_RETURN_IF_ERROR((*ver)->Run());
  // Each key row carries the object's visibility class (migration 9), so Postings decides it
  // from the row itself.
  auto now = ReadSituationClass(db_, r.id, kSituationNow);
  if (!now.ok()) return now.status();
  auto key = db_.Prepare(
      "INSERT OR IGNORE INTO entity_keys(key, at, id, per_row, originator, parties, red, "
      "recipients, federable, gates, in_shared, private_parties) VALUES(?1, ?2, ?3, ?4, ?5, ?6, "
      "?7, ?8, ?9, ?10, ?11, ?12)");
  if (!key.ok()) return key.status();
  for (const auto& k : r.keys) {
    (*key)->Reset();  // a statement run to completion must be reset before it is bound again
    (*key)->Bind(1, k).Bind(2, r.at).Bind(3, r.id);
    BindKeyVisibility(**key, 4, *now);
    TANSIQ_RETURN_IF_ERROR((*key)->Run());
  }
  return RefreshSituation(r.id, /*keys_current=*/true);
}

Result<std::optional<AnalysisRecord>> SqliteStore::Analysis(std::string_view id) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto rec = QueryOne(
      **db, "SELECT id, type, name, at, added FROM analysis WHERE id = ?1",
      [](const Statement& s) {
        return AnalysisRecord{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4), {}};
      },
      id);
  if (!rec.ok() || !rec->has_value()) return rec;
  auto st = (*db)->Prepare("SELECT key FROM entity_keys WHERE id = ?1 ORDER BY key");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  Status status;
  while ((*st)->Step(&status)) (*rec)->keys.push_back((*st)->Text(0));
  TANSIQ_RETURN_IF_ERROR(status);
  return rec;
}

// The visibility clauses shared by the analysis reads over `objects h` and `search_docs d`:
// a collection the reader may access, then the rule's party clauses (exact unless red/gated).
constexpr const char* kAnalysisAccess =
    " AND (d.in_shared = 1 OR (d.private_parties & ?2) != 0)"
    " AND (h.originator = ?1 OR (h.red = 0 AND (h.parties & ?2) != 0) OR h.red = 1)";

Result<KeyPostings> SqliteStore::Postings(const policy::Reader& reader, std::string_view key,
                                          std::size_t limit) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  // Rows stream newest first through the (key, at, id) primary key and stop as soon as
  // limit + 1 visible ones are found, or after kMaxPostingScan rows: every check (collection
  // access, the party clauses, policy::IsVisible) is done here so the scan is bounded. Each row
  // carries its object's visibility inputs (migration 9: the head's columns and the collection
  // access, kept equal to objects and search_docs in every write by PutAnalysis and
  // RefreshSituation), so the scan is one range read with no seek per row; only the gate
  // targets of gated objects are read, through the head cache.
  auto st = (*db)->Prepare(
      "SELECT id, per_row, originator, parties, red, recipients, federable, gates, in_shared, "
      "private_parties FROM entity_keys WHERE key = ?1 ORDER BY at DESC");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, key);
  const auto bit = static_cast<std::int64_t>(policy::Bit(reader.party));
  HeadCache cache(**db, reader);
  auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
  KeyPostings out;
  Status status;
  std::size_t scanned = 0;
  while (s.Step(&status)) {
    const std::int64_t per_row = s.Int(1);
    if (per_row < 0) continue;          // no head or search row: nobody's
    if (++scanned > kMaxPostingScan) {  // a key on this many objects is common for anyone
      out.more = true;
      break;
    }
    if (s.Int(8) == 0 && (s.Int(9) & bit) == 0) continue;  // no accessible collection
    if (per_row == 0) {
      // Neither red nor gated: IsVisible reduces to CanRead on the head's originator and
      // party bitmask (no recipients, no gates).
      policy::Releasability rel;
      rel.originator = static_cast<policy::PartyIndex>(s.Int(2));
      rel.parties = static_cast<policy::PartyMask>(s.Int(3));
      if (!policy::CanRead(reader, rel)) continue;
    } else {
      // RED (CanRead: the originator or a named recipient) or gated (IsVisible: each gate
      // target read once per call through the cache), from the row's own head columns.
      policy::ObjectHead head = HeadColumns(s, 2);
      if (head.gate_refs.empty()) {
        if (!policy::CanRead(reader, head.releasability)) continue;
      } else {
        std::string id = s.Text(0);
        cache.Put(id, std::move(head));
        if (!policy::IsVisible(reader, id, lookup)) continue;
      }
    }
    if (out.ids.size() == limit) {
      out.more = true;
      break;
    }
    out.ids.push_back(s.Text(0));
  }
  s.Reset();
  TANSIQ_RETURN_IF_ERROR(status);
  return out;
}

Result<std::vector<AnalysisRecord>> SqliteStore::AnalysedBetween(const policy::Reader& reader,
                                                                 Micros from, Micros to,
                                                                 std::size_t limit) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare(
      std::string("SELECT a.id, a.type, a.name, a.at, a.added, h.originator, h.parties, h.red, "
                  "h.recipients, h.federable, h.gates FROM analysis a JOIN objects h ON h.id = "
                  "a.id JOIN search_docs d ON d.id = a.id WHERE a.added >= ?3 AND a.added < ?4") +
      kAnalysisAccess + " ORDER BY a.added DESC");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, reader.party).Bind(2, static_cast<std::int64_t>(policy::Bit(reader.party)));
  s.Bind(3, from).Bind(4, to);
  HeadCache cache(**db, reader);
  auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
  std::vector<AnalysisRecord> out;
  Status status;
  while (out.size() < limit && s.Step(&status)) {
    std::string id = s.Text(0);
    cache.Put(id, HeadColumns(s, 5));
    if (!policy::IsVisible(reader, id, lookup)) continue;
    out.push_back({std::move(id), s.Text(1), s.Text(2), s.Int(3), s.Int(4), {}});
  }
  s.Reset();
  TANSIQ_RETURN_IF_ERROR(status);
  return out;
}

namespace {

// A WITH clause naming the distinct keys of `table` in [lo, hi) as dims(k): a loose index
// scan, one index seek per key, so a query then reads each key's rows inside its window only.
std::string DistinctKeys(const char* table, const char* lo, const char* hi) {
  return std::string("WITH RECURSIVE dims(k) AS (SELECT (SELECT MIN(key) FROM ") + table +
         " WHERE key >= " + lo + " AND key < " + hi + ") UNION ALL SELECT (SELECT MIN(key) FROM " +
         table + " WHERE key > dims.k AND key < " + hi + ") FROM dims WHERE dims.k IS NOT NULL) ";
}

}  // namespace

Result<SituationCounts> SqliteStore::Situation(const policy::Reader& reader,
                                               const SituationQuery& q) {
  if (q.bucket <= 0 || q.to <= q.from) return InvalidArgument("empty situation window");
  auto db = Acquire();
  if (!db.ok()) return db.status();
  using By = SituationQuery::By;
  const bool keyed = q.by == By::kPlace || q.by == By::kGroup;
  const char* lo = q.by == By::kPlace ? "'gov:'" : q.by == By::kGroup ? "'grp:'" : "'type:'";
  const char* hi = q.by == By::kPlace ? "'gov;'" : q.by == By::kGroup ? "'grp;'" : "'type;'";
  const auto bit = static_cast<std::int64_t>(policy::Bit(reader.party));
  // Whole days [from, agg_to) come from the pre-aggregated counts (migration 7) when every day
  // falls into one bucket (from and bucket whole days); the rest of the window, or all of it,
  // from the rows. Both count exactly the same rows (the triggers keep situation_counts and
  // situation_rows equal to a recount: RefreshSituation), which the conformance tests check.
  Micros agg_to = q.from;
  if (!q.per_row && q.from % kSituationDay == 0 && q.bucket % kSituationDay == 0) {
    agg_to = std::max(q.from, q.to - ((q.to % kSituationDay) + kSituationDay) % kSituationDay);
  }
  auto bind = [&](Statement& s, Micros rows_from, Micros rows_to) {
    s.Bind(1, reader.party).Bind(2, bit);
    s.Bind(3, q.from).Bind(4, rows_to).Bind(5, q.bucket).Bind(6, rows_from);
  };
  HeadCache cache(**db, reader);
  auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
  using Add = std::function<void(const std::string&, Micros, std::int64_t)>;
  // Rows the party clauses decide exactly (not red, no gates) are counted by the GROUP BY
  // (third column NULL); red or gated rows come back one per object (third column its id, with
  // its head) and count only when policy::IsVisible says so.
  auto pass = [&](const std::string& prefix, const std::string& key_sql, const std::string& rows,
                  Micros rows_from, Micros rows_to, const Add& add) {
    auto st = (*db)->Prepare(
        prefix + "SELECT " + key_sql +
        ", (r.at - ?3) / ?5, CASE WHEN h.red = 0 AND h.gates = '' THEN NULL ELSE r.id END, "
        "COUNT(*), MAX(h.originator), MAX(h.parties), MAX(h.red), MAX(h.recipients), "
        "MAX(h.federable), MAX(h.gates) FROM " +
        rows + kAnalysisAccess + " GROUP BY 1, 2, 3");
    if (!st.ok()) return st.status();
    Statement& s = **st;
    bind(s, rows_from, rows_to);
    Status status;
    while (s.Step(&status)) {
      if (!s.IsNull(2)) {
        std::string id = s.Text(2);
        cache.Put(id, HeadColumns(s, 4));
        if (!policy::IsVisible(reader, id, lookup)) continue;
      }
      add(s.Text(0), q.from + s.Int(1) * q.bucket, s.Int(3));
    }
    s.Reset();
    return status;
  };
  // The pre-aggregated pass: one row per (key, bucket, class); a class is visible to the reader
  // or not as a whole, decided once by the rule (collection access, then policy::CanRead on a
  // head that is neither red nor gated), then the per-row table for red and gated objects.
  std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>, bool> classes;
  auto class_visible = [&](const Statement& s, int col) {
    const auto key = std::make_tuple(s.Int(col), s.Int(col + 1), s.Int(col + 2), s.Int(col + 3));
    auto it = classes.find(key);
    if (it != classes.end()) return it->second;
    policy::Releasability rel;
    rel.originator = static_cast<policy::PartyIndex>(std::get<0>(key));
    rel.parties = static_cast<policy::PartyMask>(std::get<1>(key));
    const bool access = std::get<2>(key) != 0 || (std::get<3>(key) & bit) != 0;
    return classes[key] = access && policy::CanRead(reader, rel);
  };
  auto aggregated = [&](const char* key_lo, const char* key_hi, const std::string& key_sql,
                        std::size_t key_skip, const Add& add) -> Status {
    auto st = (*db)->Prepare(
        DistinctKeys("situation_counts", key_lo, key_hi) + "SELECT " + key_sql +
        ", (c.day - ?3) / ?5, c.originator, c.parties, c.in_shared, c.private_parties, SUM(c.n) "
        "FROM dims JOIN situation_counts c ON c.key = dims.k AND c.day >= ?3 AND c.day < ?4 "
        "GROUP BY 1, 2, 3, 4, 5, 6");
    if (!st.ok()) return st.status();
    Statement& s = **st;
    bind(s, q.from, agg_to);
    Status status;
    while (s.Step(&status)) {
      if (!class_visible(s, 2)) continue;
      add(s.Text(0), q.from + s.Int(1) * q.bucket, s.Int(6));
    }
    s.Reset();
    TANSIQ_RETURN_IF_ERROR(status);
    const std::string rows_key = key_sql == "CAST(c.originator AS TEXT)"
                                     ? "CAST(r.originator AS TEXT)"
                                     : "substr(r.key, " + std::to_string(key_skip) + ")";
    // The rows of RED or gated heads, one per (key, object), each decided by the rule from the
    // inputs the row carries (migration 8: the head's columns and the collection access, kept
    // equal to objects and search_docs by RefreshSituation), read in one range scan with no
    // seek per object: collection access, then policy::CanRead on the head (RED, no gates: the
    // originator or a named recipient) or policy::IsVisible (gates; each gate target is read
    // once per query through the cache).
    auto per_row = (*db)->Prepare(
        DistinctKeys("situation_rows", key_lo, key_hi) + "SELECT " + rows_key +
        ", (r.at - ?3) / ?5, r.id, r.originator, r.parties, r.red, r.recipients, r.federable, "
        "r.gates FROM dims JOIN situation_rows r ON r.key = dims.k AND r.at >= ?6 AND r.at < ?4 "
        "WHERE r.in_shared != 0 OR (r.private_parties & ?2) != 0");
    if (!per_row.ok()) return per_row.status();
    Statement& r = **per_row;
    bind(r, q.from, agg_to);
    while (r.Step(&status)) {
      policy::ObjectHead head = HeadColumns(r, 3);
      bool visible = false;
      if (head.gate_refs.empty()) {
        visible = policy::CanRead(reader, head.releasability);
      } else {
        std::string id = r.Text(2);
        cache.Put(id, std::move(head));
        visible = policy::IsVisible(reader, id, lookup);
      }
      if (visible) add(r.Text(0), q.from + r.Int(1) * q.bucket, 1);
    }
    r.Reset();
    return status;
  };
  // The row pass over [rows_from, q.to): entity_keys (place, group: a key range) or analysis
  // (type, party).
  auto rows = [&](Micros rows_from, const Add& add) {
    if (keyed) {
      return pass(DistinctKeys("entity_keys", lo, hi), "substr(r.key, 5)",
                  "dims JOIN entity_keys r ON r.key = dims.k AND r.at >= ?6 AND r.at < ?4 "
                  "JOIN objects h ON h.id = r.id JOIN search_docs d ON d.id = r.id WHERE 1",
                  rows_from, q.to, add);
    }
    return pass("", q.by == By::kType ? "r.type" : "CAST(h.originator AS TEXT)",
                "analysis r JOIN objects h ON h.id = r.id JOIN search_docs d ON d.id = r.id "
                "WHERE r.at >= ?6 AND r.at < ?4",
                rows_from, q.to, add);
  };
  std::map<std::pair<std::string, Micros>, std::int64_t> cells;
  const Add to_cells = [&](const std::string& k, Micros b, std::int64_t n) { cells[{k, b}] += n; };
  SituationCounts out;
  const Add to_total = [&](const std::string&, Micros, std::int64_t n) { out.total += n; };
  if (agg_to > q.from) {
    TANSIQ_RETURN_IF_ERROR(aggregated(lo, hi,
                                      q.by == By::kParty ? "CAST(c.originator AS TEXT)"
                                      : keyed            ? "substr(c.key, 5)"
                                                         : "substr(c.key, 6)",
                                      keyed ? 5 : 6, to_cells));
    // An object may have several places or groups: count objects over its one type row.
    if (keyed) TANSIQ_RETURN_IF_ERROR(aggregated("'type:'", "'type;'", "''", 6, to_total));
  }
  if (agg_to < q.to) {
    TANSIQ_RETURN_IF_ERROR(rows(agg_to, to_cells));
    if (keyed) {
      TANSIQ_RETURN_IF_ERROR(
          pass("", "''",
               "analysis r JOIN objects h ON h.id = r.id JOIN search_docs d ON d.id = "
               "r.id WHERE r.at >= ?6 AND r.at < ?4",
               agg_to, q.to, to_total));
    }
  }
  for (const auto& [k, n] : cells) out.cells.push_back({k.first, k.second, n});
  if (!keyed) {
    for (const auto& c : out.cells) out.total += c.count;  // one cell per object
  }
  return out;
}

Result<std::vector<Store::UnanalysedRow>> SqliteStore::Unanalysed(std::string_view skip_created_by,
                                                                  int analysis_version,
                                                                  std::string_view after_id,
                                                                  std::size_t limit) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare(
      "SELECT v.seq, v.id, v.type, v.spec_version, v.version, v.date_added, v.refs, v.json, "
      "v.version_text, v.collection FROM objects h JOIN search_docs d ON d.id = h.id "
      "JOIN versions v ON v.id = h.id AND v.version = h.latest_version "
      "LEFT JOIN analysis a ON a.id = h.id LEFT JOIN analysis_versions av ON av.id = h.id "
      "WHERE (a.id IS NULL OR COALESCE(av.version, 0) != ?3) "
      "AND h.type NOT IN ('relationship', 'sighting', 'marking-definition', "
      "'extension-definition', 'language-content') AND d.created_by_ref != ?1 "
      "AND h.id > ?4 GROUP BY h.id ORDER BY h.id LIMIT ?2");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, skip_created_by).Bind(2, static_cast<std::int64_t>(limit));
  s.Bind(3, static_cast<std::int64_t>(analysis_version)).Bind(4, after_id);
  std::vector<UnanalysedRow> out;
  Status status;
  while (s.Step(&status)) {
    out.push_back({VersionRowAt(s), s.Text(9)});
  }
  s.Reset();
  TANSIQ_RETURN_IF_ERROR(status);
  return out;
}

}  // namespace tansiq::store::internal
