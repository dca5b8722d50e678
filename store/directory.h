// The directory role of the Store: parties, users, API tokens, collections and the hub's
// key/value meta. Read by authentication and administration; written by write jobs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "policy/policy.h"

namespace tansiq::store {

struct Party {
  policy::PartyIndex index = 0;
  std::string code;         // short code [a-z0-9-], e.g. "iq"
  std::string name;         // any script
  std::string identity_id;  // the party's STIX identity
  // Its name per UI language ("ar", "en", "fa", "ru"), from the bootstrap file or the admin.
  std::map<std::string, std::string> names;
};

// A change of a party's names (DirectoryTxn::RenameParty): its display name when set, and its
// name per UI language — a language mapped to a name gets that name, one mapped to nullopt
// loses its name, the others keep theirs. Never its code or identity id (what other hubs and
// the releasability markings key on). Value type.
struct PartyRename {
  std::optional<std::string> name;
  std::map<std::string, std::optional<std::string>> names;
};

struct User {
  std::int64_t id = 0;
  std::string name;
  policy::PartyIndex party = 0;
  std::uint32_t roles = 0;
  bool disabled = false;
  std::string password_hash;  // libsodium crypto_pwhash_str (argon2id); empty: no password
  std::vector<std::string> alternates;  // user names to escalate to
  std::string lang;                     // preferred UI language ("ar", "en", ...)
};

struct Token {
  std::string hash;  // hex BLAKE2b-256 of the secret; the secret itself is never stored
  std::int64_t user_id = 0;
  std::string label;
  Micros created = 0;
  std::string id;              // public handle for listing and revoking: hash's first 16 hex
  std::string scope = "full";  // "full", "read" (no state change) or "metrics" (/metrics only)
  Micros expires = 0;          // 0: never
  Micros last_used = 0;        // 0: never; updated at most once a minute
};

struct Collection {
  std::string id;     // UUID, used in TAXII URLs
  std::string alias;  // "coalition" or "party-<code>"
  std::string title;
  std::string description;
  std::optional<policy::PartyIndex> owner;  // nullopt: shared by every party
};

// Directory reads. Thread-safe; part of the Store aggregate (store.h).
class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;

  virtual Result<std::vector<Party>> Parties() = 0;
  virtual Result<std::vector<User>> Users() = 0;
  virtual Result<std::optional<User>> UserByName(std::string_view name) = 0;
  virtual Result<std::optional<User>> UserById(std::int64_t id) = 0;
  virtual Result<std::optional<Token>> TokenByHash(std::string_view hash) = 0;
  // Every API token (their hashes, never secrets), by user, then creation.
  virtual Result<std::vector<Token>> Tokens() = 0;
  virtual Result<std::vector<Collection>> Collections() = 0;
  virtual Result<std::optional<std::string>> Meta(std::string_view key) = 0;
};

// Directory writes inside a write job; part of the WriteTxn aggregate (store.h), with its
// lifetime and thread rules.
class DirectoryTxn {
 public:
  virtual ~DirectoryTxn() = default;

  virtual Result<policy::PartyIndex> AddParty(const Party& p) = 0;  // assigns the index
  // Applies `change` to party `index` (PartyRename) in this job. NotFound when there is no
  // such party; the callers check the names and languages.
  virtual Status RenameParty(policy::PartyIndex index, const PartyRename& change) = 0;
  virtual Result<std::int64_t> AddUser(const User& u) = 0;  // assigns the id
  virtual Status UpdateUser(const User& u) = 0;             // by id
  // Only the preferred UI language, so it never overwrites a concurrent change of roles,
  // password or state. NotFound when the user does not exist.
  virtual Status SetUserLang(std::int64_t user_id, std::string_view lang) = 0;
  virtual Status AddToken(const Token& t) = 0;
  // Deletes the token with public id `id`: false when there is none.
  virtual Result<bool> DeleteToken(std::string_view id) = 0;
  // Records that the token `hash` authenticated a request at `at`.
  virtual Status TouchToken(std::string_view hash, Micros at) = 0;
  virtual Status AddCollection(const Collection& c) = 0;
  virtual Status PutMeta(std::string_view key, std::string_view value) = 0;
  // Sets `key` to `value` unless it holds `value` already: true when this call changed it.
  // A "done once" marker (e.g. the day a brief went out) claimed inside the transaction that
  // does the work, so two processes cannot both do it.
  virtual Result<bool> ClaimMeta(std::string_view key, std::string_view value) = 0;
};

}  // namespace tansiq::store
