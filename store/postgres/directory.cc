// The directory in the PostgreSQL backend: parties, users, tokens, collections and meta keys,
// written by write jobs and read from the pool. Expected conflicts (a known name) are
// answered by ON CONFLICT DO NOTHING, never by a failing statement, which would abort the
// rest of the job's savepoint.
#include "store/postgres/internal/postgres_store.h"

namespace tansiq::store::internal {

// Serialises the choice of a new party index across nodes ("tansiq-party").
constexpr const char* kPartyLock = "SELECT pg_advisory_xact_lock(7361736971002)";

Result<policy::PartyIndex> PgWriteTxn::AddParty(const Party& p) {
  TANSIQ_RETURN_IF_ERROR(db_.Exec(kPartyLock));
  auto next = db_.Query("SELECT COALESCE(MAX(idx) + 1, 0) FROM parties");
  if (!next.ok()) return next.status();
  const auto idx = static_cast<policy::PartyIndex>(next->Int(0, 0));
  if (idx >= policy::kMaxParties) {
    return Unprocessable("a hub holds at most " + std::to_string(policy::kMaxParties) + " parties");
  }
  auto r = db_.Query(
      "INSERT INTO parties(idx, code, name, identity_id) VALUES($1, $2, $3, $4) "
      "ON CONFLICT DO NOTHING",
      {static_cast<int>(idx), p.code, p.name, p.identity_id});
  if (!r.ok()) return r.status();
  if (r->Affected() == 0) return Conflict("party " + p.code + " or its identity already exists");
  for (const auto& [lang, name] : p.names) {
    auto n = db_.Query("INSERT INTO party_names(party, lang, name) VALUES($1, $2, $3)",
                       {static_cast<int>(idx), lang, name});
    if (!n.ok()) return n.status();
  }
  return idx;
}

Status PgWriteTxn::RenameParty(policy::PartyIndex index, const PartyRename& change) {
  // Locks the party's row for the rest of the job, so a concurrent rename waits for this one.
  auto found =
      db_.Query("SELECT 1 FROM parties WHERE idx = $1 FOR UPDATE", {static_cast<int>(index)});
  if (!found.ok()) return found.status();
  if (found->empty()) return NotFound("no such party");
  if (change.name) {
    auto r = db_.Query("UPDATE parties SET name = $2 WHERE idx = $1",
                       {static_cast<int>(index), *change.name});
    if (!r.ok()) return r.status();
  }
  for (const auto& [lang, name] : change.names) {
    auto r = name ? db_.Query(
                        "INSERT INTO party_names(party, lang, name) VALUES($1, $2, $3) "
                        "ON CONFLICT(party, lang) DO UPDATE SET name = excluded.name",
                        {static_cast<int>(index), lang, *name})
                  : db_.Query("DELETE FROM party_names WHERE party = $1 AND lang = $2",
                              {static_cast<int>(index), lang});
    if (!r.ok()) return r.status();
  }
  return Status::Ok();
}

Result<std::int64_t> PgWriteTxn::AddUser(const User& u) {
  auto r = db_.Query(
      "INSERT INTO users(name, party, roles, disabled, password_hash, alternates, lang) "
      "SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM parties WHERE idx = $2) "
      "ON CONFLICT DO NOTHING RETURNING id",
      {u.name, static_cast<int>(u.party), u.roles, u.disabled ? "true" : "false", u.password_hash,
       JoinWords(u.alternates), u.lang});
  if (!r.ok()) return r.status();
  if (r->empty()) return Conflict("user " + u.name + " already exists or names no party");
  return r->Int(0, 0);
}

Status PgWriteTxn::UpdateUser(const User& u) {
  auto r = db_.Query(
      "UPDATE users SET party = $2, roles = $3, disabled = $4, password_hash = $5, "
      "alternates = $6, lang = $7 WHERE id = $1",
      {u.id, static_cast<int>(u.party), u.roles, u.disabled ? "true" : "false", u.password_hash,
       JoinWords(u.alternates), u.lang});
  if (!r.ok()) return r.status();
  if (r->Affected() != 1) return NotFound("no such user");
  return Status::Ok();
}

Status PgWriteTxn::SetUserLang(std::int64_t user_id, std::string_view lang) {
  auto r = db_.Query("UPDATE users SET lang = $2 WHERE id = $1", {user_id, lang});
  if (!r.ok()) return r.status();
  if (r->Affected() != 1) return NotFound("no such user");
  return Status::Ok();
}

Status PgWriteTxn::AddToken(const Token& t) {
  auto r = db_.Query(
      "INSERT INTO tokens(hash, user_id, label, created, id, scope, expires, last_used) "
      "SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM users WHERE id = $2) "
      "ON CONFLICT DO NOTHING",
      {t.hash, t.user_id, t.label, t.created, t.id.empty() ? t.hash.substr(0, 16) : t.id, t.scope,
       t.expires, t.last_used});
  if (!r.ok()) return r.status();
  if (r->Affected() == 0) return Conflict("token already exists or names no user");
  return Status::Ok();
}

Result<bool> PgWriteTxn::DeleteToken(std::string_view id) {
  auto r = db_.Query("DELETE FROM tokens WHERE id = $1", {id});
  if (!r.ok()) return r.status();
  return r->Affected() > 0;
}

Status PgWriteTxn::TouchToken(std::string_view hash, Micros at) {
  return db_
      .Query("UPDATE tokens SET last_used = GREATEST(last_used, $2) WHERE hash = $1", {hash, at})
      .status();
}

Status PgWriteTxn::AddCollection(const Collection& c) {
  auto r = db_.Query(
      "INSERT INTO collections(id, alias, title, description, owner) "
      "SELECT $1, $2, $3, $4, $5::integer "
      "WHERE $5::integer IS NULL OR EXISTS (SELECT 1 FROM parties WHERE idx = $5::integer) "
      "ON CONFLICT DO NOTHING",
      {c.id, c.alias, c.title, c.description,
       c.owner ? Param(static_cast<int>(*c.owner)) : Param(std::nullopt)});
  if (!r.ok()) return r.status();
  if (r->Affected() == 0) return Conflict("collection " + c.alias + " already exists");
  return Status::Ok();
}

Status PgWriteTxn::PutMeta(std::string_view key, std::string_view value) {
  return db_
      .Query(
          "INSERT INTO meta(key, value) VALUES($1, $2) "
          "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
          {key, value})
      .status();
}

Result<bool> PgWriteTxn::ClaimMeta(std::string_view key, std::string_view value) {
  auto r = db_.Query(
      "INSERT INTO meta(key, value) VALUES($1, $2) ON CONFLICT(key) DO UPDATE SET "
      "value = excluded.value WHERE meta.value IS DISTINCT FROM excluded.value",
      {key, value});
  if (!r.ok()) return r.status();
  return r->Affected() > 0;
}

// ---------------------------------------------------------------------------------------
// Reads.
namespace {

constexpr const char* kUserColumns =
    "id, name, party, roles, disabled, password_hash, alternates, lang";
constexpr const char* kTokenColumns =
    "hash, user_id, label, created, id, scope, expires, last_used";

User UserAt(const Rows& r, int i) {
  User u;
  u.id = r.Int(i, 0);
  u.name = r.Text(i, 1);
  u.party = static_cast<policy::PartyIndex>(r.Int(i, 2));
  u.roles = static_cast<std::uint32_t>(r.Int(i, 3));
  u.disabled = r.Int(i, 4) != 0;
  u.password_hash = r.Text(i, 5);
  u.alternates = SplitWords(r.Text(i, 6));
  u.lang = r.Text(i, 7);
  return u;
}

Token TokenAt(const Rows& r, int i) {
  return Token{r.Text(i, 0), r.Int(i, 1),  r.Text(i, 2), r.Int(i, 3),
               r.Text(i, 4), r.Text(i, 5), r.Int(i, 6),  r.Int(i, 7)};
}

Result<std::optional<User>> UserWhere(Connection& db, const char* where, Param value) {
  auto r = db.Query(std::string("SELECT ") + kUserColumns + " FROM users WHERE " + where,
                    {std::move(value)});
  if (!r.ok()) return r.status();
  if (r->empty()) return std::optional<User>();
  return std::optional<User>(UserAt(*r, 0));
}

}  // namespace

Result<std::vector<Party>> PgStore::Parties() {
  return WithReader([](Connection& db) -> Result<std::vector<Party>> {
    auto r = db.Query("SELECT idx, code, name, identity_id FROM parties ORDER BY idx");
    if (!r.ok()) return r.status();
    std::vector<Party> out;
    for (int i = 0; i < r->size(); ++i) {
      out.push_back({static_cast<policy::PartyIndex>(r->Int(i, 0)),
                     r->Text(i, 1),
                     r->Text(i, 2),
                     r->Text(i, 3),
                     {}});
    }
    auto names = db.Query("SELECT party, lang, name FROM party_names ORDER BY party, lang");
    if (!names.ok()) return names.status();
    for (int i = 0; i < names->size(); ++i) {
      const auto party = static_cast<policy::PartyIndex>(names->Int(i, 0));
      for (auto& p : out) {
        if (p.index == party) p.names[names->Text(i, 1)] = names->Text(i, 2);
      }
    }
    return out;
  });
}

Result<std::vector<User>> PgStore::Users() {
  return WithReader([](Connection& db) -> Result<std::vector<User>> {
    auto r = db.Query(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id");
    if (!r.ok()) return r.status();
    std::vector<User> out;
    for (int i = 0; i < r->size(); ++i) out.push_back(UserAt(*r, i));
    return out;
  });
}

Result<std::optional<User>> PgStore::UserByName(std::string_view name) {
  return WithReader([&](Connection& db) { return UserWhere(db, "name = $1", name); });
}

Result<std::optional<User>> PgStore::UserById(std::int64_t id) {
  return WithReader([&](Connection& db) { return UserWhere(db, "id = $1", id); });
}

Result<std::optional<Token>> PgStore::TokenByHash(std::string_view hash) {
  return WithReader([&](Connection& db) -> Result<std::optional<Token>> {
    auto r =
        db.Query(std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE hash = $1", {hash});
    if (!r.ok()) return r.status();
    if (r->empty()) return std::optional<Token>();
    return std::optional<Token>(TokenAt(*r, 0));
  });
}

Result<std::vector<Token>> PgStore::Tokens() {
  return WithReader([](Connection& db) -> Result<std::vector<Token>> {
    auto r = db.Query(std::string("SELECT ") + kTokenColumns +
                      " FROM tokens ORDER BY user_id, created, id");
    if (!r.ok()) return r.status();
    std::vector<Token> out;
    for (int i = 0; i < r->size(); ++i) out.push_back(TokenAt(*r, i));
    return out;
  });
}

Result<std::vector<Collection>> PgStore::Collections() {
  return WithReader([](Connection& db) -> Result<std::vector<Collection>> {
    auto r = db.Query(
        "SELECT id, alias, title, description, owner FROM collections "
        "ORDER BY owner IS NOT NULL, owner, alias");
    if (!r.ok()) return r.status();
    std::vector<Collection> out;
    for (int i = 0; i < r->size(); ++i) {
      Collection c{r->Text(i, 0), r->Text(i, 1), r->Text(i, 2), r->Text(i, 3), std::nullopt};
      if (!r->IsNull(i, 4)) c.owner = static_cast<policy::PartyIndex>(r->Int(i, 4));
      out.push_back(std::move(c));
    }
    return out;
  });
}

Result<std::optional<std::string>> PgStore::Meta(std::string_view key) {
  return WithReader([&](Connection& db) -> Result<std::optional<std::string>> {
    auto r = db.Query("SELECT value FROM meta WHERE key = $1", {key});
    if (!r.ok()) return r.status();
    if (r->empty()) return std::optional<std::string>();
    return std::optional<std::string>(r->Text(0, 0));
  });
}

}  // namespace tansiq::store::internal
