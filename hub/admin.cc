// Administration use cases; every change is one audited write job.
#include "hub/admin.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <tuple>

#include <toml++/toml.h>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "dissem/webhook.h"
#include "hub/account.h"
#include "hub/auth.h"
#include "hub/internal/directory_rules.h"
#include "hub/internal/peer_toml.h"
#include "hub/internal/toml_reader.h"
#include "hub/peer_links.h"
#include "hub/webhooks.h"
#include "stix/identifier.h"
#include "stix/markings.h"
#include "stix/timestamp.h"
#include "store/sqlite/sqlite.h"

namespace tansiq::hub {
namespace json = boost::json;
namespace {

bool ValidCode(std::string_view s) {
  if (s.empty() || s.size() > 32 || s.front() == '-' || s.back() == '-') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool ValidUserName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '@' || c == '-')) {
      return false;
    }
  }
  return true;
}

// A STIX identity for a party or the hub.
json::object IdentityObject(const std::string& id, const std::string& name,
                            std::string_view identity_class, const std::string& created) {
  json::object o;
  o["type"] = "identity";
  o["spec_version"] = "2.1";
  o["id"] = id;
  o["created"] = created;
  o["modified"] = created;
  o["name"] = name;
  o["identity_class"] = identity_class;
  return o;
}

// Stores a hub-published object in `collection`, readable by every party.
Status Publish(store::WriteTxn& txn, const std::string& collection, const json::object& o,
               policy::PartyIndex originator, policy::PartyMask all_parties,
               const std::vector<std::string>& refs) {
  store::NewVersion v;
  v.collection_id = collection;
  v.id = std::string(o.at("id").get_string());
  v.type = std::string(o.at("type").get_string());
  v.spec_version = "2.1";
  v.version_text = std::string(o.at("modified").get_string());
  auto ts = stix::ParseTimestamp(v.version_text);
  if (!ts.ok()) return ts.status();
  v.version = ts->micros;
  v.json = json::serialize(o);
  v.refs = refs;
  v.releasability = policy::Public(originator, all_parties);
  return txn.PutVersion(v).status();
}

Result<std::uint32_t> Roles(const std::vector<std::string>& names) {
  std::uint32_t roles = 0;
  for (const auto& n : names) {
    auto r = policy::ParseRole(n);
    if (!r.ok()) return r.status();
    roles |= *r;
  }
  TANSIQ_RETURN_IF_ERROR(policy::CheckRoleCombination(roles));
  return roles;
}

Result<store::User> MakeUser(const UserSpec& spec, const Directory& dir) {
  if (!ValidUserName(spec.name)) {
    return InvalidArgument("user name '" + spec.name + "' must be 1-64 of [A-Za-z0-9._@-]");
  }
  const store::Party* party = dir.PartyByCode(spec.party);
  if (!party) return InvalidArgument("user " + spec.name + ": no party '" + spec.party + "'");
  auto roles = Roles(spec.roles);
  if (!roles.ok()) return roles.status();
  store::User u;
  u.name = spec.name;
  u.party = party->index;
  u.roles = *roles;
  u.alternates = spec.alternates;
  u.lang = spec.lang;
  if (!spec.password.empty()) {
    TANSIQ_RETURN_IF_ERROR(CheckPassword(spec.password));
    auto h = HashPassword(spec.password);
    if (!h.ok()) return h.status();
    u.password_hash = std::move(*h);
  }
  return u;
}

// Adds a party, its identity and its private collection, inside a job.
Status AddPartyIn(store::WriteTxn& txn, const PartySpec& spec, const std::string& created,
                  policy::PartyMask all_after, const std::string& coalition_id,
                  policy::PartyIndex* index_out) {
  auto index = txn.AddParty({0, spec.code, spec.name, spec.identity, spec.names});
  if (!index.ok()) return index.status();
  if (*index >= kMaxMemberParties) {
    return Unprocessable("a hub holds at most " + std::to_string(kMaxMemberParties) + " parties");
  }
  *index_out = *index;
  TANSIQ_RETURN_IF_ERROR(txn.AddCollection({Hub::NewUuid(), "party-" + spec.code, spec.name,
                                            "Private collection of party " + spec.code, *index}));
  return Publish(txn, coalition_id,
                 IdentityObject(spec.identity, spec.name, "organization", created), *index,
                 all_after | policy::Bit(*index), {});
}

Status CheckParty(PartySpec& p) {
  if (!ValidCode(p.code)) return InvalidArgument("party id '" + p.code + "' must be [a-z0-9-]");
  if (p.name.empty()) return InvalidArgument("party " + p.code + ": name is required");
  for (const auto& [lang, name] : p.names) {
    if (!IsUiLang(lang)) {
      return InvalidArgument("party " + p.code + ": names." + lang + ": not one of ar, en, fa, ru");
    }
    if (name.empty() || name.size() > 256) {
      return InvalidArgument("party " + p.code + ": names." + lang + ": must be 1-256 bytes");
    }
  }
  if (p.identity.empty()) p.identity = Hub::NewId("identity");
  if (stix::IdentifierType(p.identity) != "identity" || !stix::IsValidIdentifier(p.identity)) {
    return InvalidArgument("party " + p.code + ": identity must be an identity--<uuid> id");
  }
  return Status::Ok();
}

Result<store::User> FindUser(Hub& hub, std::string_view name) {
  auto u = hub.store().UserByName(name);
  if (!u.ok()) return u.status();
  if (!u->has_value()) return NotFound("no user '" + std::string(name) + "'");
  return std::move(**u);
}

Status UpdateUser(Hub& hub, const store::User& u, std::string_view action) {
  return hub.store().Write([&](store::WriteTxn& txn) {
    TANSIQ_RETURN_IF_ERROR(txn.UpdateUser(u));
    return hub.auditor().Append(txn, {{"-", "-", std::string(action), u.name, "ok"}});
  });
}

constexpr const char* kRoleList = "officer, analyst, recipient, admin, hub-admin, peer";

using internal::TomlReader;

}  // namespace

namespace internal {
Result<store::User> MakeUser(const UserSpec& spec, const Directory& dir) {
  return hub::MakeUser(spec, dir);
}
Status CheckParty(PartySpec& party) { return hub::CheckParty(party); }
Status AddPartyIn(store::WriteTxn& txn, const PartySpec& spec, const std::string& created,
                  policy::PartyMask all_after, const std::string& coalition_id,
                  policy::PartyIndex* index_out) {
  return hub::AddPartyIn(txn, spec, created, all_after, coalition_id, index_out);
}
}  // namespace internal

Result<HubSpec> ParseHubToml(std::string_view text, std::string_view source_name) {
  toml::table t;
  try {
    t = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(std::string(source_name) + ":" + std::to_string(e.source().begin.line) +
                           ": " + std::string(e.description()));
  }
  TomlReader r{std::string(source_name)};
  HubSpec spec;
  TANSIQ_RETURN_IF_ERROR(r.Keys(
      t, "", {"hub", "dissemination", "analysis", "search", "webhooks", "party", "user", "peer"}));
  for (std::string_view section : {"hub", "dissemination", "analysis", "search", "webhooks"}) {
    if (const toml::node* n = t.get(section); n && !n->is_table()) {
      return r.Bad(*n, "[" + std::string(section) + "] must be a table");
    }
  }
  if (const toml::table* hub = t["hub"].as_table()) {
    TANSIQ_RETURN_IF_ERROR(r.Keys(*hub, "[hub]", {"name"}));
    TANSIQ_RETURN_IF_ERROR(r.String(*hub, "[hub]", "name", &spec.name));
    if (spec.name.empty()) return r.Bad(*hub->get("name"), "[hub] name must not be empty");
  }
  Settings& settings = spec.settings;
  if (const toml::table* d = t["dissemination"].as_table()) {
    TANSIQ_RETURN_IF_ERROR(
        r.Keys(*d, "[dissemination]", {"flash_ack_minutes", "immediate_ack_minutes"}));
    for (auto [key, field] : {std::pair{"flash_ack_minutes", &settings.flash_ack},
                              std::pair{"immediate_ack_minutes", &settings.immediate_ack}}) {
      std::optional<std::int64_t> minutes;
      TANSIQ_RETURN_IF_ERROR(r.Int(*d, "[dissemination]", key, 0, 7 * 24 * 60, &minutes));
      if (minutes) *field = std::chrono::minutes(*minutes);
    }
  }
  if (const toml::table* w = t["webhooks"].as_table()) {
    TANSIQ_RETURN_IF_ERROR(r.Keys(*w, "[webhooks]", {"allow"}));
    TANSIQ_RETURN_IF_ERROR(r.Strings(*w, "[webhooks]", "allow", &settings.webhook_allow));
    auto parsed = dissem::WebhookAllowList::Parse(settings.webhook_allow);
    if (!parsed.ok()) return r.Bad(*w->get("allow"), parsed.status().message());
  }
  if (const toml::table* sr = t["search"].as_table()) {
    TANSIQ_RETURN_IF_ERROR(r.Keys(*sr, "[search]", {"total_bound", "rank_window"}));
    for (auto [key, field, max] :
         {std::tuple{"total_bound", &settings.search_total_bound, std::int64_t{10'000'000}},
          std::tuple{"rank_window", &settings.search_rank_window, std::int64_t{100'000}}}) {
      std::optional<std::int64_t> n;
      TANSIQ_RETURN_IF_ERROR(r.Int(*sr, "[search]", key, 1, max, &n));
      if (n) *field = static_cast<std::size_t>(*n);
    }
  }
  if (const toml::table* an = t["analysis"].as_table()) {
    TANSIQ_RETURN_IF_ERROR(r.Keys(*an, "[analysis]", {"brief_hour", "brief_roles"}));
    std::optional<std::int64_t> hour;
    TANSIQ_RETURN_IF_ERROR(r.Int(*an, "[analysis]", "brief_hour", -1, 23, &hour));
    if (hour) settings.brief_hour = static_cast<int>(*hour);
    TANSIQ_RETURN_IF_ERROR(r.Strings(*an, "[analysis]", "brief_roles", &settings.brief_roles));
    for (const auto& role : settings.brief_roles) {
      if (!policy::ParseRole(role).ok()) {
        return r.Bad(*an->get("brief_roles"), "[analysis] brief_roles: unknown role '" + role +
                                                  "' (" + std::string(kRoleList) + ")");
      }
    }
  }
  std::map<std::string, const toml::node*> party_codes;
  if (const toml::node* parties = t.get("party")) {
    const toml::array* list = parties->as_array();
    if (!list || !list->is_array_of_tables()) {
      return r.Bad(*parties, "parties are [[party]] tables (double brackets)");
    }
    for (const toml::node& node : *list) {
      const toml::table& p = *node.as_table();
      TANSIQ_RETURN_IF_ERROR(r.Keys(p, "[[party]]", {"id", "name", "identity", "names"}));
      PartySpec ps;
      TANSIQ_RETURN_IF_ERROR(r.String(p, "[[party]]", "id", &ps.code, true));
      TANSIQ_RETURN_IF_ERROR(r.String(p, "[[party]]", "name", &ps.name, true));
      TANSIQ_RETURN_IF_ERROR(r.String(p, "[[party]]", "identity", &ps.identity));
      if (!ValidCode(ps.code)) {
        return r.Bad(*p.get("id"), "[[party]] id '" + ps.code +
                                       "' must be 1-32 of [a-z0-9-], not starting or ending in -");
      }
      if (ps.name.empty()) return r.Bad(*p.get("name"), "[[party]] name must not be empty");
      // Per-language names for the web UI (`names = {en = "Iraq", ar = "العراق"}`), stored
      // with the party (GET /api/v1/parties?lang= answers the reader's).
      if (const toml::node* names = p.get("names")) {
        const toml::table* nt = names->as_table();
        if (!nt) return r.Bad(*names, "[[party]] names must be a table {en = \"…\", ar = \"…\"}");
        TANSIQ_RETURN_IF_ERROR(r.Keys(*nt, "[[party]] names", {"ar", "en", "fa", "ru"}));
        for (auto&& [lang, value] : *nt) {
          if (!value.is_string() || value.value<std::string>()->empty()) {
            return r.Bad(value, "[[party]] names." + std::string(lang.str()) +
                                    " must be a non-empty string");
          }
          ps.names[std::string(lang.str())] = *value.value<std::string>();
        }
      }
      if (!party_codes.emplace(ps.code, &node).second) {
        return r.Bad(*p.get("id"), "[[party]] id '" + ps.code + "' is defined twice");
      }
      spec.parties.push_back(std::move(ps));
    }
  }
  std::map<std::string, const toml::table*> user_names;
  if (const toml::node* users = t.get("user")) {
    const toml::array* list = users->as_array();
    if (!list || !list->is_array_of_tables()) {
      return r.Bad(*users, "users are [[user]] tables (double brackets)");
    }
    for (const toml::node& node : *list) {
      const toml::table& u = *node.as_table();
      TANSIQ_RETURN_IF_ERROR(
          r.Keys(u, "[[user]]",
                 {"name", "party", "roles", "password", "token_only", "alternates", "lang"}));
      UserSpec us;
      TANSIQ_RETURN_IF_ERROR(r.String(u, "[[user]]", "name", &us.name, true));
      const std::string what = "[[user]] '" + us.name + "'";
      if (!ValidUserName(us.name)) {
        return r.Bad(*u.get("name"), what + ": a name is 1-64 of [A-Za-z0-9._@-]");
      }
      if (!user_names.emplace(us.name, &u).second) {
        return r.Bad(*u.get("name"), what + " is defined twice");
      }
      TANSIQ_RETURN_IF_ERROR(r.String(u, what, "party", &us.party, true));
      if (!party_codes.contains(us.party)) {
        return r.Bad(*u.get("party"), what + ": no [[party]] with id '" + us.party + "'");
      }
      if (!u.get("roles")) return r.Bad(u, what + ": roles is required (" + kRoleList + ")");
      TANSIQ_RETURN_IF_ERROR(r.Strings(u, what, "roles", &us.roles));
      for (const auto& role : us.roles) {
        if (!policy::ParseRole(role).ok()) {
          return r.Bad(*u.get("roles"), what + ": unknown role '" + role + "' (" + kRoleList + ")");
        }
      }
      auto roles = Roles(us.roles);
      if (!roles.ok()) return r.Bad(*u.get("roles"), what + ": " + roles.status().message());
      TANSIQ_RETURN_IF_ERROR(r.String(u, what, "password", &us.password));
      TANSIQ_RETURN_IF_ERROR(r.Bool(u, what, "token_only", &us.token_only));
      if (us.token_only && u.get("password")) {
        return r.Bad(*u.get("token_only"), what +
                                               ": token_only = true and a password exclude "
                                               "each other");
      }
      if (!us.token_only) {
        if (!u.get("password")) {
          return r.Bad(u, what +
                              ": password is required (or token_only = true for a user who "
                              "signs in with API tokens only)");
        }
        if (Status ps = CheckPassword(us.password); !ps.ok()) {
          return r.Bad(*u.get("password"), what + ": " + ps.message());
        }
      }
      TANSIQ_RETURN_IF_ERROR(r.Strings(u, what, "alternates", &us.alternates));
      TANSIQ_RETURN_IF_ERROR(r.String(u, what, "lang", &us.lang));
      if (!us.lang.empty() && !IsUiLang(us.lang)) {
        return r.Bad(*u.get("lang"), what + ": lang must be one of ar, en, fa, ru");
      }
      spec.users.push_back(std::move(us));
    }
  }
  TANSIQ_RETURN_IF_ERROR(internal::ParsePeerTables(t, r, party_codes, &spec.peers));
  // Alternates name users of this file other than the user themself.
  for (const auto& us : spec.users) {
    for (const auto& alt : us.alternates) {
      const toml::node& at = *user_names.at(us.name)->get("alternates");
      if (alt == us.name) {
        return r.Bad(at, "[[user]] '" + us.name + "': alternates must not name the user");
      }
      if (!user_names.contains(alt)) {
        return r.Bad(
            at, "[[user]] '" + us.name + "': alternate '" + alt + "' is no [[user]] of this file");
      }
    }
  }
  return spec;
}

Status InitHub(const std::string& db_path, const HubSpec& spec_in, const Clock& clock) {
  if (std::filesystem::exists(db_path)) return Conflict(db_path + " already exists");
  HubSpec spec = spec_in;
  if (spec.parties.size() > static_cast<std::size_t>(kMaxMemberParties)) {
    return InvalidArgument("at most " + std::to_string(kMaxMemberParties) + " parties");
  }
  for (auto& p : spec.parties) TANSIQ_RETURN_IF_ERROR(CheckParty(p));
  auto key = audit::HubKey::LoadOrCreate(KeyPath(db_path));
  if (!key.ok()) return key.status();
  auto store = store::OpenSqlite({.path = db_path, .clock = &clock});
  if (!store.ok()) return store.status();
  audit::Auditor auditor(*key, clock);
  const std::string created = stix::FormatMicros(clock.NowMicros() / 1000 * 1000);
  const std::string hub_identity = Hub::NewId("identity");
  const std::string coalition_id = Hub::NewUuid();

  // Parties first (users refer to them); then users, hashed outside the transaction.
  Directory dir;
  Status st = (*store)->Write([&](store::WriteTxn& txn) -> Status {
    TANSIQ_RETURN_IF_ERROR(txn.PutMeta("hub.name", spec.name));
    TANSIQ_RETURN_IF_ERROR(txn.PutMeta("hub.identity", hub_identity));
    TANSIQ_RETURN_IF_ERROR(txn.PutMeta("audit.public_key", key->PublicKeyHex()));
    TANSIQ_RETURN_IF_ERROR(txn.PutMeta(kSettingsMeta, SettingsToJson(spec.settings)));
    if (!spec.peers.empty()) {
      TANSIQ_RETURN_IF_ERROR(
          txn.PutMeta("federation.peers", json::serialize(PeerLinksToJson(spec.peers))));
    }
    TANSIQ_RETURN_IF_ERROR(txn.AddCollection(
        {coalition_id, std::string(kCoalitionAlias), "Coalition",
         "Shared by every party; what each party reads is decided by releasability",
         std::nullopt}));
    policy::PartyMask all = 0;
    for (std::size_t i = 0; i < spec.parties.size(); ++i) all |= policy::Bit(static_cast<int>(i));
    std::vector<audit::Entry> audit{{"-", "-", "hub.init", spec.name, "ok"}};
    for (const auto& p : spec.parties) {
      policy::PartyIndex index = 0;
      TANSIQ_RETURN_IF_ERROR(AddPartyIn(txn, p, created, all, coalition_id, &index));
      dir.parties.push_back({index, p.code, p.name, p.identity});
      audit.push_back({"-", "-", "party.add", p.code, "ok"});
    }
    TANSIQ_RETURN_IF_ERROR(Publish(txn, coalition_id,
                                   IdentityObject(hub_identity, spec.name, "system", created),
                                   kHubParty, all, {}));
    TANSIQ_RETURN_IF_ERROR(Publish(txn, coalition_id,
                                   stix::ReleasabilityExtensionDefinition(hub_identity, created),
                                   kHubParty, all, {hub_identity}));
    TANSIQ_RETURN_IF_ERROR(Publish(txn, coalition_id,
                                   stix::MessageExtensionDefinition(hub_identity, created),
                                   kHubParty, all, {hub_identity}));
    return auditor.Append(txn, audit);
  });
  if (!st.ok()) {
    store->reset();
    std::filesystem::remove(db_path);
    std::filesystem::remove(KeyPath(db_path));
    return st;
  }
  std::vector<store::User> users;
  for (const auto& u : spec.users) {
    auto user = MakeUser(u, dir);
    if (!user.ok()) {
      store->reset();
      std::filesystem::remove(db_path);
      std::filesystem::remove(KeyPath(db_path));
      return user.status();
    }
    users.push_back(std::move(*user));
  }
  st = (*store)->Write([&](store::WriteTxn& txn) -> Status {
    std::vector<audit::Entry> audit;
    for (const auto& u : users) {
      auto id = txn.AddUser(u);
      if (!id.ok()) return id.status();
      audit.push_back({"-", "-", "user.add", u.name, "ok"});
    }
    return auditor.Append(txn, audit);
  });
  if (!st.ok()) {
    store->reset();
    std::filesystem::remove(db_path);
    std::filesystem::remove(KeyPath(db_path));
  }
  return st;
}

Status AddParty(Hub& hub, const PartySpec& party_in) {
  PartySpec party = party_in;
  TANSIQ_RETURN_IF_ERROR(CheckParty(party));
  auto dir = hub.directory();
  const std::string created = stix::FormatMicros(hub.clock().NowMicros() / 1000 * 1000);
  TANSIQ_RETURN_IF_ERROR(hub.store().Write([&](store::WriteTxn& txn) -> Status {
    policy::PartyIndex index = 0;
    TANSIQ_RETURN_IF_ERROR(
        AddPartyIn(txn, party, created, dir->all_parties, dir->Coalition()->id, &index));
    return hub.auditor().Append(txn, {{"-", "-", "party.add", party.code, "ok"}});
  }));
  return hub.Reload();
}

Status AddUser(Hub& hub, const UserSpec& spec) {
  auto user = MakeUser(spec, *hub.directory());
  if (!user.ok()) return user.status();
  return hub.store().Write([&](store::WriteTxn& txn) -> Status {
    auto id = txn.AddUser(*user);
    if (!id.ok()) return id.status();
    return hub.auditor().Append(txn, {{"-", "-", "user.add", user->name, "ok"}});
  });
}

Status SetUserDisabled(Hub& hub, std::string_view name, bool disabled) {
  auto u = FindUser(hub, name);
  if (!u.ok()) return u.status();
  u->disabled = disabled;
  return UpdateUser(hub, *u, disabled ? "user.disable" : "user.enable");
}

Status SetPassword(Hub& hub, std::string_view name, std::string_view password) {
  TANSIQ_RETURN_IF_ERROR(CheckPassword(password));
  auto u = FindUser(hub, name);
  if (!u.ok()) return u.status();
  auto h = HashPassword(password);
  if (!h.ok()) return h.status();
  u->password_hash = std::move(*h);
  return UpdateUser(hub, *u, "user.passwd");
}

Result<std::string> CreateToken(Hub& hub, std::string_view name, const TokenRequest& request) {
  auto u = FindUser(hub, name);
  if (!u.ok()) return u.status();
  const Micros now = hub.clock().NowMicros();
  TANSIQ_RETURN_IF_ERROR(CheckTokenRequest(request, now));
  store::Token record;
  std::string secret = NewToken(u->id, request.label, now, &record, request.scope, request.expires);
  TANSIQ_RETURN_IF_ERROR(hub.store().Write([&](store::WriteTxn& txn) -> Status {
    TANSIQ_RETURN_IF_ERROR(txn.AddToken(record));
    return hub.auditor().Append(txn, {{"-", "-", "token.create", u->name + " " + record.id, "ok"}});
  }));
  return secret;
}

Result<std::vector<TokenSummary>> ListAllTokens(Hub& hub, std::string_view user) {
  auto users = hub.store().Users();
  if (!users.ok()) return users.status();
  auto tokens = hub.store().Tokens();
  if (!tokens.ok()) return tokens.status();
  auto dir = hub.directory();
  std::map<std::int64_t, const store::User*> by_id;
  bool found = user.empty();
  for (const auto& u : *users) {
    by_id[u.id] = &u;
    found = found || u.name == user;
  }
  if (!found) return NotFound("no user '" + std::string(user) + "'");
  std::vector<TokenSummary> out;
  for (const auto& t : *tokens) {
    auto it = by_id.find(t.user_id);
    if (it == by_id.end() || (!user.empty() && it->second->name != user)) continue;
    const store::Party* party = dir->PartyByIndex(it->second->party);
    out.push_back({t.id, it->second->name, party ? party->code : "-", t.label, t.scope, t.created,
                   t.expires, t.last_used});
  }
  return out;
}

Status RevokeTokenById(Hub& hub, std::string_view id) {
  auto all = ListAllTokens(hub, "");
  if (!all.ok()) return all.status();
  auto it =
      std::find_if(all->begin(), all->end(), [&](const TokenSummary& t) { return t.id == id; });
  if (it == all->end()) return NotFound("no token '" + std::string(id) + "'");
  return hub.store().Write([&](store::WriteTxn& txn) -> Status {
    auto deleted = txn.DeleteToken(id);
    if (!deleted.ok()) return deleted.status();
    if (!*deleted) return NotFound("no token '" + std::string(id) + "'");
    return hub.auditor().Append(
        txn, {{"-", "-", "token.revoke", it->user + " " + std::string(id), "ok"}});
  });
}

}  // namespace tansiq::hub
