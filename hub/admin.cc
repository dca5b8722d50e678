// Administration use cases; every change is one audited write job.
#include "hub/admin.h"

#include <filesystem>
#include <tuple>

#include <toml++/toml.h>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "dissem/webhook.h"
#include "hub/auth.h"
#include "hub/webhooks.h"
#include "stix/identifier.h"
#include "stix/markings.h"
#include "stix/timestamp.h"

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
  auto index = txn.AddParty({0, spec.code, spec.name, spec.identity});
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

}  // namespace

Result<HubSpec> ParseHubToml(std::string_view text, std::string_view source_name) {
  toml::table t;
  try {
    t = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(std::string(source_name) + ": " + std::string(e.description()));
  }
  HubSpec spec;
  spec.name = t["hub"]["name"].value_or(spec.name);
  for (auto [key, field] : {std::pair{"flash_ack_minutes", &spec.flash_ack_minutes},
                            std::pair{"immediate_ack_minutes", &spec.immediate_ack_minutes}}) {
    auto node = t["dissemination"][key];
    if (!node) continue;
    auto minutes = node.value<std::int64_t>();
    if (!minutes || *minutes < 0 || *minutes > 7 * 24 * 60) {
      return InvalidArgument(std::string(source_name) + ": [dissemination] " + key +
                             " must be a whole number of minutes from 0 to 10080");
    }
    *field = static_cast<int>(*minutes);
  }
  if (auto node = t["webhooks"]["allow"]) {
    auto* allow = node.as_array();
    if (!allow) {
      return InvalidArgument(std::string(source_name) +
                             ": [webhooks] allow must be a list of URL prefixes");
    }
    for (auto& e : *allow) {
      auto v = e.value<std::string>();
      if (!v) {
        return InvalidArgument(std::string(source_name) +
                               ": [webhooks] allow must be a list of URL prefixes");
      }
      spec.webhook_allow.push_back(*v);
    }
    auto parsed = dissem::WebhookAllowList::Parse(spec.webhook_allow);
    if (!parsed.ok()) {
      return InvalidArgument(std::string(source_name) + ": " + parsed.status().message());
    }
  }
  for (auto [key, field, max] :
       {std::tuple{"total_bound", &spec.search_total_bound, std::int64_t{10'000'000}},
        std::tuple{"rank_window", &spec.search_rank_window, std::int64_t{100'000}}}) {
    auto node = t["search"][key];
    if (!node) continue;
    auto n = node.value<std::int64_t>();
    if (!n || *n < 1 || *n > max) {
      return InvalidArgument(std::string(source_name) + ": [search] " + key +
                             " must be a whole number from 1 to " + std::to_string(max));
    }
    *field = *n;
  }
  if (auto node = t["analysis"]["brief_hour"]) {
    auto hour = node.value<std::int64_t>();
    if (!hour || *hour < -1 || *hour > 23) {
      return InvalidArgument(std::string(source_name) +
                             ": [analysis] brief_hour must be a whole UTC hour from 0 to 23, or "
                             "-1 for no daily brief");
    }
    spec.brief_hour = static_cast<int>(*hour);
  }
  if (auto node = t["analysis"]["brief_roles"]) {
    auto* roles = node.as_array();
    if (!roles) {
      return InvalidArgument(std::string(source_name) +
                             ": [analysis] brief_roles must be a list of role names");
    }
    for (auto& r : *roles) {
      auto name = r.value<std::string>();
      if (!name || !policy::ParseRole(*name).ok()) {
        return InvalidArgument(std::string(source_name) +
                               ": [analysis] brief_roles: unknown role '" +
                               name.value_or(std::string("?")) + "'");
      }
      spec.brief_roles.push_back(*name);
    }
  }
  if (auto* parties = t["party"].as_array()) {
    for (auto& node : *parties) {
      auto* p = node.as_table();
      if (!p) return InvalidArgument("[[party]] entries must be tables");
      spec.parties.push_back({(*p)["id"].value_or(std::string()),
                              (*p)["name"].value_or(std::string()),
                              (*p)["identity"].value_or(std::string())});
    }
  }
  if (auto* users = t["user"].as_array()) {
    for (auto& node : *users) {
      auto* u = node.as_table();
      if (!u) return InvalidArgument("[[user]] entries must be tables");
      UserSpec us;
      us.name = (*u)["name"].value_or(std::string());
      us.party = (*u)["party"].value_or(std::string());
      us.password = (*u)["password"].value_or(std::string());
      us.lang = (*u)["lang"].value_or(std::string());
      if (auto* roles = (*u)["roles"].as_array()) {
        for (auto& r : *roles) us.roles.push_back(r.value_or(std::string()));
      }
      if (auto* alts = (*u)["alternates"].as_array()) {
        for (auto& a : *alts) us.alternates.push_back(a.value_or(std::string()));
      }
      spec.users.push_back(std::move(us));
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
    {
      boost::json::array allow;
      for (const auto& a : spec.webhook_allow) allow.emplace_back(a);
      TANSIQ_RETURN_IF_ERROR(txn.PutMeta(kWebhookAllowMeta, boost::json::serialize(allow)));
    }
    TANSIQ_RETURN_IF_ERROR(txn.PutMeta(kFlashAckMeta, std::to_string(spec.flash_ack_minutes * 60)));
    TANSIQ_RETURN_IF_ERROR(
        txn.PutMeta(kImmediateAckMeta, std::to_string(spec.immediate_ack_minutes * 60)));
    TANSIQ_RETURN_IF_ERROR(txn.PutMeta(kBriefHourMeta, std::to_string(spec.brief_hour)));
    if (spec.search_total_bound > 0) {
      TANSIQ_RETURN_IF_ERROR(
          txn.PutMeta(kSearchTotalBoundMeta, std::to_string(spec.search_total_bound)));
    }
    if (spec.search_rank_window > 0) {
      TANSIQ_RETURN_IF_ERROR(
          txn.PutMeta(kSearchRankWindowMeta, std::to_string(spec.search_rank_window)));
    }
    std::string roles;
    for (const auto& r : spec.brief_roles) roles += (roles.empty() ? "" : ",") + r;
    TANSIQ_RETURN_IF_ERROR(txn.PutMeta(kBriefRolesMeta, roles));
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
  if (password.size() < 8) return InvalidArgument("a password needs at least 8 characters");
  auto u = FindUser(hub, name);
  if (!u.ok()) return u.status();
  auto h = HashPassword(password);
  if (!h.ok()) return h.status();
  u->password_hash = std::move(*h);
  return UpdateUser(hub, *u, "user.passwd");
}

Result<std::string> CreateToken(Hub& hub, std::string_view name, std::string_view label) {
  auto u = FindUser(hub, name);
  if (!u.ok()) return u.status();
  store::Token record;
  std::string secret = NewToken(u->id, label, hub.clock().NowMicros(), &record);
  TANSIQ_RETURN_IF_ERROR(hub.store().Write([&](store::WriteTxn& txn) -> Status {
    TANSIQ_RETURN_IF_ERROR(txn.AddToken(record));
    return hub.auditor().Append(txn, {{"-", "-", "token.create", u->name, "ok"}});
  }));
  return secret;
}

}  // namespace tansiq::hub
