// The hub's directory managed by a hub-admin from the web UI (hub/manage.h).
#include "hub/manage.h"

#include <algorithm>
#include <set>

#include "hub/account.h"
#include "hub/auth.h"
#include "hub/internal/directory_rules.h"
#include "stix/timestamp.h"

namespace tansiq::hub {
namespace {

std::string PartyCodeOf(const Directory& dir, policy::PartyIndex index) {
  const store::Party* p = dir.PartyByIndex(index);
  return p ? p->code : "-";
}

// Alternates name other users of the hub, each once.
Status CheckAlternates(Hub& hub, const std::string& user, const std::vector<std::string>& alts) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < alts.size(); ++i) {
    const std::string field = "alternates[" + std::to_string(i) + "]";
    if (alts[i] == user) return InvalidArgument(field + ": must not name the user");
    if (!seen.insert(alts[i]).second) return InvalidArgument(field + ": named twice");
    auto u = hub.store().UserByName(alts[i]);
    if (!u.ok()) return u.status();
    if (!u->has_value()) return InvalidArgument(field + ": no user '" + alts[i] + "'");
  }
  return Status::Ok();
}

Result<std::uint32_t> RoleMask(const std::vector<std::string>& roles) {
  if (roles.empty()) return InvalidArgument("roles: at least one role is required");
  std::uint32_t mask = 0;
  for (std::size_t i = 0; i < roles.size(); ++i) {
    auto r = policy::ParseRole(roles[i]);
    if (!r.ok())
      return InvalidArgument("roles[" + std::to_string(i) + "]: " + r.status().message());
    mask |= *r;
  }
  return mask;
}

Status HubAdminOnly(const policy::Reader& admin) {
  if (!policy::CanAdministerHub(admin)) {
    return PermissionDenied("managing parties and users is for hub admins");
  }
  return Status::Ok();
}

}  // namespace

void ManageAddParty(Hub& hub, const policy::Reader& admin, PartySpec party,
                    std::function<void(Result<store::Party>)> done) {
  if (Status s = HubAdminOnly(admin); !s.ok()) return done(s);
  if (Status s = internal::CheckParty(party); !s.ok()) return done(s);
  auto dir = hub.directory();
  if (dir->PartyByCode(party.code)) return done(Conflict("a party '" + party.code + "' exists"));
  for (const auto& p : dir->parties) {
    if (p.identity_id == party.identity) {
      return done(Conflict("identity " + party.identity + " is party " + p.code + "'s"));
    }
  }
  const std::string created = stix::FormatMicros(hub.clock().NowMicros() / 1000 * 1000);
  const std::string by_party = PartyCodeOf(*dir, admin.party);
  auto index = std::make_shared<policy::PartyIndex>(0);
  hub.store().Submit(
      [&hub, admin, party, created, by_party, dir, index](store::WriteTxn& txn) -> Status {
        TANSIQ_RETURN_IF_ERROR(internal::AddPartyIn(txn, party, created, dir->all_parties,
                                                    dir->Coalition()->id, index.get()));
        return hub.auditor().Append(txn,
                                    {{admin.user_name, by_party, "party.add", party.code, "ok"}});
      },
      [party, index, done = std::move(done)](Status s) {
        if (!s.ok()) return done(s);
        done(store::Party{*index, party.code, party.name, party.identity, party.names});
      });
}

void ManageAddUser(Hub& hub, const policy::Reader& admin, UserSpec spec,
                   std::function<void(Status)> done) {
  if (Status s = HubAdminOnly(admin); !s.ok()) return done(s);
  if (spec.password.empty()) return done(InvalidArgument("password: is required"));
  if (Status s = CheckPassword(spec.password); !s.ok()) {
    return done(InvalidArgument("password: " + s.message()));
  }
  if (!spec.lang.empty() && !IsUiLang(spec.lang)) {
    return done(InvalidArgument("lang: must be one of ar, en, fa, ru"));
  }
  if (auto mask = RoleMask(spec.roles); !mask.ok()) return done(mask.status());
  auto dir = hub.directory();
  auto user = internal::MakeUser(spec, *dir);
  if (!user.ok()) return done(user.status());
  if (Status s = CheckAlternates(hub, spec.name, spec.alternates); !s.ok()) return done(s);
  auto existing = hub.store().UserByName(spec.name);
  if (!existing.ok()) return done(existing.status());
  if (existing->has_value()) return done(Conflict("a user '" + spec.name + "' exists"));
  const std::string by_party = PartyCodeOf(*dir, admin.party);
  hub.store().Submit(
      [&hub, admin, by_party, user = std::move(*user)](store::WriteTxn& txn) -> Status {
        auto id = txn.AddUser(user);
        if (!id.ok()) return id.status();
        return hub.auditor().Append(txn,
                                    {{admin.user_name, by_party, "user.add", user.name, "ok"}});
      },
      std::move(done));
}

void ManageChangeUser(Hub& hub, const policy::Reader& admin, std::string name, UserChange change,
                      std::function<void(Status)> done) {
  if (Status s = HubAdminOnly(admin); !s.ok()) return done(s);
  if (change.empty()) return done(InvalidArgument("nothing to change"));
  auto found = hub.store().UserByName(name);
  if (!found.ok()) return done(found.status());
  if (!found->has_value()) return done(NotFound("no user '" + name + "'"));
  store::User u = std::move(**found);
  std::vector<std::string> what;  // for the audit record: which fields changed, never values
  if (change.roles) {
    auto mask = RoleMask(*change.roles);
    if (!mask.ok()) return done(mask.status());
    if (u.id == admin.user_id && (*mask & policy::kHubAdmin) == 0) {
      return done(Unprocessable("roles: you cannot drop your own hub-admin role"));
    }
    u.roles = *mask;
    what.push_back("roles");
  }
  if (change.alternates) {
    if (Status s = CheckAlternates(hub, u.name, *change.alternates); !s.ok()) return done(s);
    u.alternates = *change.alternates;
    what.push_back("alternates");
  }
  if (change.enabled) {
    if (u.id == admin.user_id && !*change.enabled) {
      return done(Unprocessable("enabled: you cannot disable yourself"));
    }
    u.disabled = !*change.enabled;
    what.push_back(*change.enabled ? "enabled" : "disabled");
  }
  if (change.lang) {
    if (!change.lang->empty() && !IsUiLang(*change.lang)) {
      return done(InvalidArgument("lang: must be one of ar, en, fa, ru"));
    }
    u.lang = *change.lang;
    what.push_back("lang");
  }
  if (change.password) {
    if (Status s = CheckPassword(*change.password); !s.ok()) {
      return done(InvalidArgument("password: " + s.message()));
    }
    auto h = HashPassword(*change.password);
    if (!h.ok()) return done(h.status());
    u.password_hash = std::move(*h);
    what.push_back("password");
  }
  std::string target = u.name + " (";
  for (std::size_t i = 0; i < what.size(); ++i) target += (i ? " " : "") + what[i];
  target += ")";
  const std::string by_party = PartyCodeOf(*hub.directory(), admin.party);
  hub.store().Submit(
      [&hub, admin, by_party, target, u = std::move(u)](store::WriteTxn& txn) -> Status {
        TANSIQ_RETURN_IF_ERROR(txn.UpdateUser(u));
        return hub.auditor().Append(txn,
                                    {{admin.user_name, by_party, "user.change", target, "ok"}});
      },
      std::move(done));
}

Result<ManagedUser> ManagedUserByName(Hub& hub, std::string_view name) {
  auto found = hub.store().UserByName(name);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return NotFound("no user '" + std::string(name) + "'");
  const store::User& u = **found;
  return ManagedUser{u.name,
                     PartyCodeOf(*hub.directory(), u.party),
                     policy::RoleNames(u.roles),
                     u.alternates,
                     !u.disabled,
                     u.lang};
}

}  // namespace tansiq::hub
