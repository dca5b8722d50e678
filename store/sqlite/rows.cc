// The row readers shared by the SqliteStore files: head and version columns, the head of one
// object, and whether a reader may access a collection holding it.
#include "store/sqlite/internal/sqlite_store.h"

namespace tansiq::store::internal {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

std::vector<std::string> Split(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    auto sp = s.find(' ');
    if (sp != 0) out.emplace_back(s.substr(0, sp));
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

// Reads the releasability columns starting at `col`: originator, parties, red, recipients,
// federable, gates.
policy::ObjectHead HeadColumns(const Statement& s, int col) {
  policy::ObjectHead h;
  h.releasability.originator = static_cast<policy::PartyIndex>(s.Int(col));
  h.releasability.parties = static_cast<policy::PartyMask>(s.Int(col + 1));
  h.releasability.red = s.Int(col + 2) != 0;
  h.releasability.recipients = Split(s.View(col + 3));
  h.releasability.federable = s.Int(col + 4) != 0;
  h.gate_refs = Split(s.View(col + 5));
  return h;
}

// Reads a version from columns 0-8: v.seq, v.id, v.type, v.spec_version, v.version,
// v.date_added, v.refs, v.json, v.version_text.
VersionRow VersionRowAt(const Statement& s) {
  VersionRow row;
  row.seq = s.Int(0);
  row.id = s.Text(1);
  row.type = s.Text(2);
  row.spec_version = s.Text(3);
  row.version = s.Int(4);
  row.date_added = s.Int(5);
  row.refs = Split(s.View(6));
  row.json = s.Text(7);
  row.version_text = s.Text(8);
  return row;
}

Result<std::optional<ObjectHead>> ReadHead(Connection& db, std::string_view id) {
  return QueryOne(
      db,
      std::string("SELECT id, type, latest_version, ") + kHeadColumns +
          " FROM objects WHERE id = ?1",
      [](const Statement& s) {
        ObjectHead head;
        head.id = s.Text(0);
        head.type = s.Text(1);
        head.latest_version = s.Int(2);
        policy::ObjectHead ph = HeadColumns(s, 3);
        head.releasability = std::move(ph.releasability);
        head.gate_refs = std::move(ph.gate_refs);
        return head;
      },
      id);
}

// Whether a collection `reader` may access (the shared one, or their own party's) holds a
// version of `id`: an object held only in another party's private collection is that party's
// alone, whatever its markings (hub::CanAccessCollection; ListVersions and Search see it so).
Result<bool> InAccessibleCollection(Connection& db, const policy::Reader& reader,
                                    std::string_view id) {
  auto found = QueryOne(
      db,
      "SELECT 1 FROM versions v JOIN collections c ON c.id = v.collection WHERE v.id = ?1 AND "
      "(c.owner IS NULL OR c.owner = ?2) LIMIT 1",
      [](const Statement&) { return true; }, id, static_cast<std::int64_t>(reader.party));
  if (!found.ok()) return found.status();
  return found->has_value();
}

}  // namespace tansiq::store::internal
