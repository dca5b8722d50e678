// Object versions in the PostgreSQL backend, the read side: heads, ListVersions (TAXII filters,
// keyset paging, the visibility rule inside the query), IsVisible, HiddenAmong, CountVersions.
// Same semantics as the SQLite backend (sqlite/objects.cc): the party clauses of the rule in
// SQL, then every candidate row through policy::IsVisible — with gate targets read per reader
// (PgHeadCache) — before it counts toward the limit.
#include <algorithm>
#include <limits>

#include "store/postgres/internal/filters.h"
#include "store/postgres/internal/heads.h"
#include "store/postgres/internal/postgres_store.h"

namespace tansiq::store::internal {
namespace {

// Candidate rows read per round trip after the first (which reads limit + 1): the prefilter
// passes rows the rule may still hide (RED, gated), so a page can need more than one.
constexpr std::int64_t kMaxBatch = 1000;

}  // namespace

Result<std::optional<ObjectHead>> PgStore::Head(std::string_view id) {
  return WithReader([&](Connection& db) { return ReadHead(db, id); });
}

bool PgStore::IsVisible(const policy::Reader& reader, std::string_view id) {
  auto visible = WithReader([&](Connection& db) -> Result<bool> {
    PgHeadCache cache(db, reader);
    const bool v =
        policy::IsVisible(reader, id, [&](std::string_view x) { return cache.Lookup(x); });
    if (!cache.status().ok()) return cache.status();
    return v;
  });
  return visible.ok() && *visible;  // a failed read hides: fail closed
}

Result<std::vector<std::string>> PgStore::HiddenAmong(const policy::Reader& reader,
                                                      const std::vector<std::string>& ids) {
  return WithReader([&](Connection& db) -> Result<std::vector<std::string>> {
    PgHeadCache cache(db, reader);
    auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
    std::vector<std::string> hidden;
    for (const auto& id : ids) {
      if (cache.Lookup(id).has_value() && !policy::IsVisible(reader, id, lookup)) {
        hidden.push_back(id);
      }
    }
    if (!cache.status().ok()) return cache.status();
    return hidden;
  });
}

Result<Page> PgStore::ListVersions(const policy::Reader& reader, std::string_view collection_id,
                                   const VersionFilter& filter, std::optional<Cursor> after,
                                   std::size_t limit) {
  // $2, $3: the keyset position (date_added, seq) after which rows are read; $4, $5: the
  // reader's party and its bit. The prefilter is the rule's party clauses, exact unless the
  // head is RED (named users) or gated (other objects' heads): policy::IsVisible decides those.
  std::string sql = std::string(
                        "SELECT v.seq, v.id, v.type, v.spec_version, v.version, v.date_added, "
                        "v.refs, v.json, v.version_text, h.") +
                    "originator, h.parties, h.red, h.recipients, h.federable, h.gates "
                    "FROM versions v JOIN objects h ON h.id = v.id "
                    "WHERE v.collection = $1 AND (v.date_added, v.seq) > ($2, $3) "
                    "AND (h.originator = $4 OR (NOT h.red AND (h.parties & $5) <> 0) OR h.red)";
  const Micros floor = std::max(filter.added_after.value_or(-1), after ? after->date_added : -1);
  std::vector<Param> params = {collection_id, floor, std::numeric_limits<std::int64_t>::max(),
                               static_cast<int>(reader.party),
                               static_cast<std::int64_t>(policy::Bit(reader.party))};
  AppendAny(sql, params, "v.id", filter.ids);
  AppendAny(sql, params, "v.type", filter.types);
  AppendAny(sql, params, "v.spec_version", filter.spec_versions);
  AppendVersionClause(sql, params, "v", filter.which, filter.versions, filter.also_first,
                      filter.also_last, filter.spec_versions);
  params.emplace_back(std::int64_t{0});  // the batch size
  sql += " ORDER BY v.date_added, v.seq LIMIT $" + std::to_string(params.size());

  return WithReader([&](Connection& db) -> Result<Page> {
    PgHeadCache cache(db, reader);
    auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
    Page page;
    std::vector<Param> p = params;
    std::int64_t batch = ClampSize(limit) + 1;
    for (;;) {
      p.back() = batch;
      auto rows = db.Query(sql, p);
      if (!rows.ok()) return rows.status();
      for (int i = 0; i < rows->size(); ++i) {
        std::string id = rows->Text(i, 1);
        cache.Put(id, HeadAt(*rows, i, 9));
        if (!policy::IsVisible(reader, id, lookup)) continue;
        if (!cache.status().ok()) return cache.status();
        if (page.rows.size() == limit) {
          page.more = true;
          return page;
        }
        page.rows.push_back(VersionAt(*rows, i));
      }
      if (!cache.status().ok()) return cache.status();  // a gate target unread: no partial page
      if (rows->size() < batch) return page;
      const int last = rows->size() - 1;
      p[1] = rows->Int(last, 5);
      p[2] = rows->Int(last, 0);
      batch = std::min(batch * 2, std::max(batch, kMaxBatch));
    }
  });
}

Result<std::int64_t> PgStore::CountVersions() {
  return WithReader([](Connection& db) -> Result<std::int64_t> {
    auto r = db.Query("SELECT count(*) FROM versions");
    if (!r.ok()) return r.status();
    return r->Int(0, 0);
  });
}

}  // namespace tansiq::store::internal
