// Row readers and the per-reader head lookup of the PostgreSQL backend (internal/heads.h).
#include "store/postgres/internal/heads.h"

#include "store/postgres/internal/postgres_store.h"

namespace tansiq::store::internal {

policy::ObjectHead HeadAt(const pg::Rows& r, int i, int col) {
  policy::ObjectHead h;
  h.releasability.originator = static_cast<policy::PartyIndex>(r.Int(i, col));
  h.releasability.parties = static_cast<policy::PartyMask>(r.Int(i, col + 1));
  h.releasability.red = r.Int(i, col + 2) != 0;
  h.releasability.recipients = SplitWords(r.Text(i, col + 3));
  h.releasability.federable = r.Int(i, col + 4) != 0;
  h.gate_refs = SplitWords(r.Text(i, col + 5));
  return h;
}

VersionRow VersionAt(const pg::Rows& r, int i) {
  VersionRow row;
  row.seq = r.Int(i, 0);
  row.id = r.Text(i, 1);
  row.type = r.Text(i, 2);
  row.spec_version = r.Text(i, 3);
  row.version = r.Int(i, 4);
  row.date_added = r.Int(i, 5);
  row.refs = SplitWords(r.Text(i, 6));
  row.json = r.Text(i, 7);
  row.version_text = r.Text(i, 8);
  return row;
}

Result<std::optional<ObjectHead>> ReadHead(pg::Connection& db, std::string_view id) {
  auto r = db.Query(std::string("SELECT id, type, latest_version, ") + kPgHeadColumns +
                        " FROM objects WHERE id = $1",
                    {id});
  if (!r.ok()) return r.status();
  if (r->empty()) return std::optional<ObjectHead>();
  ObjectHead head;
  head.id = r->Text(0, 0);
  head.type = r->Text(0, 1);
  head.latest_version = r->Int(0, 2);
  policy::ObjectHead ph = HeadAt(*r, 0, 3);
  head.releasability = std::move(ph.releasability);
  head.gate_refs = std::move(ph.gate_refs);
  return std::optional<ObjectHead>(std::move(head));
}

std::optional<policy::ObjectHead> PgHeadCache::Lookup(std::string_view id) {
  auto it = cache_.find(std::string(id));
  if (it != cache_.end()) return it->second;
  const policy::ObjectHead hidden{policy::Releasability{.originator = -1}, {}};
  // One round trip: the head with whether a collection the reader may access (the shared
  // one, or their party's own) holds a version of it; else the tombstone (accessible NULL).
  auto r = db_.Query(
      std::string("SELECT ") + kPgHeadColumns +
          ", EXISTS (SELECT 1 FROM versions v JOIN collections c ON c.id = v.collection "
          "WHERE v.id = h.id AND (c.owner IS NULL OR c.owner = $2)) FROM objects h WHERE h.id = $1 "
          "UNION ALL SELECT t.originator, 0, false, '', false, '', NULL FROM tombstones t "
          "WHERE t.id = $1 AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = $1)",
      {id, static_cast<int>(reader_.party)});
  std::optional<policy::ObjectHead> out;
  if (!r.ok()) {
    if (status_.ok()) status_ = r.status();
    out = hidden;  // fail closed
  } else if (!r->empty()) {
    if (r->IsNull(0, 6)) {  // deleted: hides what is gated on it, for everyone
      out = policy::ObjectHead{{.originator = static_cast<policy::PartyIndex>(r->Int(0, 0))},
                               {},
                               /*deleted=*/true};
    } else {
      out = r->Int(0, 6) != 0 ? HeadAt(*r, 0, 0) : hidden;
    }
  }
  cache_.emplace(std::string(id), out);
  return out;
}

}  // namespace tansiq::store::internal
