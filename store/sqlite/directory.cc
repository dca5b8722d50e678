// The directory in the SQLite backend: parties, users, tokens, collections and meta keys,
// written by write jobs and read from the pool.
#include "store/sqlite/internal/sqlite_store.h"

namespace tansiq::store::internal {

Result<policy::PartyIndex> SqliteWriteTxn::AddParty(const Party& p) {
  auto q = db_.Prepare("SELECT COALESCE(MAX(idx) + 1, 0) FROM parties");
  if (!q.ok()) return q.status();
  Status status;
  if (!(*q)->Step(&status)) return status.ok() ? Internal("no party index") : status;
  auto idx = static_cast<policy::PartyIndex>((*q)->Int(0));
  (*q)->Reset();
  if (idx >= policy::kMaxParties) {
    return Unprocessable("a hub holds at most " + std::to_string(policy::kMaxParties) + " parties");
  }
  auto st = db_.Prepare("INSERT INTO parties(idx, code, name, identity_id) VALUES(?1,?2,?3,?4)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, idx).Bind(2, p.code).Bind(3, p.name).Bind(4, p.identity_id);
  Status s = (*st)->Run();
  if (!s.ok()) return Conflict("party " + p.code + " or its identity already exists");
  for (const auto& [lang, name] : p.names) {
    auto n = db_.Prepare("INSERT INTO party_names(party, lang, name) VALUES(?1, ?2, ?3)");
    if (!n.ok()) return n.status();
    (*n)->Bind(1, idx).Bind(2, lang).Bind(3, name);
    TANSIQ_RETURN_IF_ERROR((*n)->Run());
  }
  return idx;
}

Status SqliteWriteTxn::RenameParty(policy::PartyIndex index, const PartyRename& change) {
  auto found = db_.Prepare("SELECT 1 FROM parties WHERE idx = ?1");
  if (!found.ok()) return found.status();
  (*found)->Bind(1, index);
  Status status;
  if (!(*found)->Step(&status)) return status.ok() ? NotFound("no such party") : status;
  (*found)->Reset();
  if (change.name) {
    auto st = db_.Prepare("UPDATE parties SET name = ?2 WHERE idx = ?1");
    if (!st.ok()) return st.status();
    (*st)->Bind(1, index).Bind(2, *change.name);
    TANSIQ_RETURN_IF_ERROR((*st)->Run());
  }
  for (const auto& [lang, name] : change.names) {
    auto st = db_.Prepare(name ? "INSERT INTO party_names(party, lang, name) VALUES(?1, ?2, ?3) "
                                 "ON CONFLICT(party, lang) DO UPDATE SET name = excluded.name"
                               : "DELETE FROM party_names WHERE party = ?1 AND lang = ?2");
    if (!st.ok()) return st.status();
    (*st)->Bind(1, index).Bind(2, lang);
    if (name) (*st)->Bind(3, *name);
    TANSIQ_RETURN_IF_ERROR((*st)->Run());
  }
  return Status::Ok();
}

Result<std::int64_t> SqliteWriteTxn::AddUser(const User& u) {
  auto st = db_.Prepare(
      "INSERT INTO users(name, party, roles, disabled, password_hash, alternates, lang) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, u.name).Bind(2, u.party).Bind(3, u.roles).Bind(4, u.disabled ? 1 : 0);
  s.Bind(5, u.password_hash).Bind(6, Join(u.alternates)).Bind(7, u.lang);
  Status r = s.Run();
  if (!r.ok()) return Conflict("user " + u.name + " already exists or names no party");
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_.raw()));
}

Status SqliteWriteTxn::UpdateUser(const User& u) {
  auto st = db_.Prepare(
      "UPDATE users SET party = ?2, roles = ?3, disabled = ?4, password_hash = ?5, "
      "alternates = ?6, lang = ?7 WHERE id = ?1");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, u.id).Bind(2, u.party).Bind(3, u.roles).Bind(4, u.disabled ? 1 : 0);
  s.Bind(5, u.password_hash).Bind(6, Join(u.alternates)).Bind(7, u.lang);
  TANSIQ_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_.raw()) != 1) return NotFound("no such user");
  return Status::Ok();
}

Status SqliteWriteTxn::SetUserLang(std::int64_t user_id, std::string_view lang) {
  auto st = db_.Prepare("UPDATE users SET lang = ?2 WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id).Bind(2, lang);
  TANSIQ_RETURN_IF_ERROR((*st)->Run());
  if (sqlite3_changes(db_.raw()) != 1) return NotFound("no such user");
  return Status::Ok();
}

Status SqliteWriteTxn::AddToken(const Token& t) {
  auto st = db_.Prepare(
      "INSERT INTO tokens(hash, user_id, label, created, id, scope, expires, last_used) "
      "VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, t.hash).Bind(2, t.user_id).Bind(3, t.label).Bind(4, t.created);
  (*st)->Bind(5, t.id.empty() ? t.hash.substr(0, 16) : t.id).Bind(6, t.scope);
  (*st)->Bind(7, t.expires).Bind(8, t.last_used);
  return (*st)->Run();
}

Result<bool> SqliteWriteTxn::DeleteToken(std::string_view id) {
  auto st = db_.Prepare("DELETE FROM tokens WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  TANSIQ_RETURN_IF_ERROR((*st)->Run());
  return sqlite3_changes(db_.raw()) > 0;
}

Status SqliteWriteTxn::TouchToken(std::string_view hash, Micros at) {
  auto st = db_.Prepare("UPDATE tokens SET last_used = MAX(last_used, ?2) WHERE hash = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, hash).Bind(2, at);
  return (*st)->Run();
}

Status SqliteWriteTxn::AddCollection(const Collection& c) {
  auto st = db_.Prepare(
      "INSERT INTO collections(id, alias, title, description, owner) VALUES(?1,?2,?3,?4,?5)");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, c.id).Bind(2, c.alias).Bind(3, c.title).Bind(4, c.description);
  if (c.owner) {
    s.Bind(5, *c.owner);
  } else {
    s.BindNull(5);
  }
  Status r = s.Run();
  if (!r.ok()) return Conflict("collection " + c.alias + " already exists");
  return r;
}

Status SqliteWriteTxn::PutMeta(std::string_view key, std::string_view value) {
  auto st = db_.Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, key).Bind(2, value);
  return (*st)->Run();
}

Result<bool> SqliteWriteTxn::ClaimMeta(std::string_view key, std::string_view value) {
  auto st = db_.Prepare(
      "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET "
      "value = excluded.value WHERE meta.value IS NOT excluded.value");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, key).Bind(2, value);
  TANSIQ_RETURN_IF_ERROR((*st)->Run());
  return sqlite3_changes(db_.raw()) > 0;
}

// ---------------------------------------------------------------------------------------
// Reads.
namespace {

User UserRow(const Statement& s) {
  User u;
  u.id = s.Int(0);
  u.name = s.Text(1);
  u.party = static_cast<policy::PartyIndex>(s.Int(2));
  u.roles = static_cast<std::uint32_t>(s.Int(3));
  u.disabled = s.Int(4) != 0;
  u.password_hash = s.Text(5);
  u.alternates = Split(s.View(6));
  u.lang = s.Text(7);
  return u;
}

}  // namespace

constexpr const char* kUserColumns =
    "id, name, party, roles, disabled, password_hash, alternates, lang";

Result<std::vector<Party>> SqliteStore::Parties() {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare("SELECT idx, code, name, identity_id FROM parties ORDER BY idx");
  if (!st.ok()) return st.status();
  std::vector<Party> out;
  Status status;
  while ((*st)->Step(&status)) {
    Statement& s = **st;
    out.push_back({static_cast<policy::PartyIndex>(s.Int(0)), s.Text(1), s.Text(2), s.Text(3), {}});
  }
  if (!status.ok()) return status;
  auto names = (*db)->Prepare("SELECT party, lang, name FROM party_names ORDER BY party, lang");
  if (!names.ok()) return names.status();
  while ((*names)->Step(&status)) {
    Statement& s = **names;
    const auto party = static_cast<policy::PartyIndex>(s.Int(0));
    for (auto& p : out) {
      if (p.index == party) p.names[s.Text(1)] = s.Text(2);
    }
  }
  if (!status.ok()) return status;
  return out;
}

Result<std::vector<User>> SqliteStore::Users() {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id");
  if (!st.ok()) return st.status();
  std::vector<User> out;
  Status status;
  while ((*st)->Step(&status)) out.push_back(UserRow(**st));
  if (!status.ok()) return status;
  return out;
}

namespace {

Result<std::optional<User>> UserWhere(Connection& db, const char* where, auto value) {
  return QueryOne(db, std::string("SELECT ") + kUserColumns + " FROM users WHERE " + where, UserRow,
                  value);
}

}  // namespace

Result<std::optional<User>> SqliteStore::UserByName(std::string_view name) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  return UserWhere(**db, "name = ?1", name);
}

Result<std::optional<User>> SqliteStore::UserById(std::int64_t id) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  return UserWhere(**db, "id = ?1", id);
}

Result<std::optional<Token>> SqliteStore::TokenByHash(std::string_view hash) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  return QueryOne(
      **db,
      "SELECT hash, user_id, label, created, id, scope, expires, last_used FROM tokens "
      "WHERE hash = ?1",
      [](const Statement& s) {
        return Token{s.Text(0), s.Int(1),  s.Text(2), s.Int(3),
                     s.Text(4), s.Text(5), s.Int(6),  s.Int(7)};
      },
      hash);
}

Result<std::vector<Token>> SqliteStore::Tokens() {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare(
      "SELECT hash, user_id, label, created, id, scope, expires, last_used FROM tokens "
      "ORDER BY user_id, created, id");
  if (!st.ok()) return st.status();
  std::vector<Token> out;
  Status status;
  while ((*st)->Step(&status)) {
    const Statement& s = **st;
    out.push_back(
        Token{s.Text(0), s.Int(1), s.Text(2), s.Int(3), s.Text(4), s.Text(5), s.Int(6), s.Int(7)});
  }
  if (!status.ok()) return status;
  return out;
}

Result<std::vector<Collection>> SqliteStore::Collections() {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare(
      "SELECT id, alias, title, description, owner FROM collections ORDER BY owner IS NOT NULL, "
      "owner, alias");
  if (!st.ok()) return st.status();
  std::vector<Collection> out;
  Status status;
  while ((*st)->Step(&status)) {
    Statement& s = **st;
    Collection c{s.Text(0), s.Text(1), s.Text(2), s.Text(3), std::nullopt};
    if (!s.IsNull(4)) c.owner = static_cast<policy::PartyIndex>(s.Int(4));
    out.push_back(std::move(c));
  }
  if (!status.ok()) return status;
  return out;
}

Result<std::optional<std::string>> SqliteStore::Meta(std::string_view key) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  return QueryOne(
      **db, "SELECT value FROM meta WHERE key = ?1", [](const Statement& s) { return s.Text(0); },
      key);
}

}  // namespace tansiq::store::internal
