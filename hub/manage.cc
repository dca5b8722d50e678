// The hub's directory managed from the web UI by hub-admins and party admins (hub/manage.h).
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

// Alternates name other users of the hub, each once; for a party admin (`party` set), users of
// that party only — another party's user answers as a missing one does.
Status CheckAlternates(Hub& hub, const std::string& user, const std::vector<std::string>& alts,
                       std::optional<policy::PartyIndex> party) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < alts.size(); ++i) {
    const std::string field = "alternates[" + std::to_string(i) + "]";
    if (alts[i] == user) return InvalidArgument(field + ": must not name the user");
    if (!seen.insert(alts[i]).second) return InvalidArgument(field + ": named twice");
    auto u = hub.store().UserByName(alts[i]);
    if (!u.ok()) return u.status();
    if (!u->has_value() || (party && (*u)->party != *party)) {
      return InvalidArgument(field + ": no user '" + alts[i] + "'");
    }
  }
  return Status::Ok();
}

// Whom `admin` manages: every user (a hub-admin) or the users of one party (a party admin).
struct Scope {
  std::optional<policy::PartyIndex> party;  // nullopt: the whole hub
  bool Covers(const store::User& u) const { return !party || u.party == *party; }
};

Result<Scope> ManagerScope(const policy::Reader& admin) {
  if (policy::CanAdministerHub(admin)) return Scope{};
  if (policy::CanAdministerParty(admin)) return Scope{admin.party};
  return PermissionDenied("managing users is for party admins and hub admins");
}

// The roles `roles` name, at least one; a party admin may grant kPartyAdminGrants only.
Result<std::uint32_t> RoleMask(const std::vector<std::string>& roles, const Scope& scope) {
  if (roles.empty()) return InvalidArgument("roles: at least one role is required");
  std::uint32_t mask = 0;
  for (std::size_t i = 0; i < roles.size(); ++i) {
    const std::string field = "roles[" + std::to_string(i) + "]";
    auto r = policy::ParseRole(roles[i]);
    if (!r.ok()) return InvalidArgument(field + ": " + r.status().message());
    if (scope.party && (*r & ~kPartyAdminGrants) != 0) {
      return PermissionDenied(field +
                              ": a party admin grants officer, analyst, recipient or admin");
    }
    mask |= *r;
  }
  return mask;
}

Status HubAdminOnly(const policy::Reader& admin) {
  if (!policy::CanAdministerHub(admin)) {
    return PermissionDenied("managing parties is for hub admins");
  }
  return Status::Ok();
}

// A party's name: 1-256 bytes, not only white space.
Status CheckPartyName(const std::string& field, const std::string& name) {
  if (name.find_first_not_of(" \t\r\n\f\v") == std::string::npos) {
    return InvalidArgument(field + ": must not be empty");
  }
  if (name.size() > 256) return InvalidArgument(field + ": at most 256 bytes");
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

void ManageRenameParty(Hub& hub, const policy::Reader& admin, std::string code, PartyChange change,
                       std::function<void(Status)> done) {
  if (Status s = HubAdminOnly(admin); !s.ok()) return done(s);
  if (change.empty()) return done(InvalidArgument("nothing to change"));
  auto dir = hub.directory();
  const store::Party* party = dir->PartyByCode(code);
  if (!party) return done(NotFound("no party '" + code + "'"));
  std::string target = code + " (";
  if (change.name) {
    if (Status s = CheckPartyName("name", *change.name); !s.ok()) return done(s);
    target += "name";
  }
  for (const auto& [lang, name] : change.names) {
    const std::string field = "names." + lang;
    if (!IsUiLang(lang)) return done(InvalidArgument(field + ": not one of ar, en, fa, ru"));
    if (name) {
      if (Status s = CheckPartyName(field, *name); !s.ok()) return done(s);
    }
    target += (target.back() == '(' ? "" : " ") + field;
  }
  target += ")";
  store::PartyRename rename{std::move(change.name), std::move(change.names)};
  const policy::PartyIndex index = party->index;
  const std::string by_party = PartyCodeOf(*dir, admin.party);
  hub.store().Submit(
      [&hub, admin, by_party, target, index, rename](store::WriteTxn& txn) -> Status {
        TANSIQ_RETURN_IF_ERROR(txn.RenameParty(index, rename));
        return hub.auditor().Append(txn,
                                    {{admin.user_name, by_party, "party.change", target, "ok"}});
      },
      std::move(done));
}

void ManageAddUser(Hub& hub, const policy::Reader& admin, UserSpec spec,
                   std::function<void(Status)> done) {
  auto scope = ManagerScope(admin);
  if (!scope.ok()) return done(scope.status());
  auto dir = hub.directory();
  if (scope->party) {
    const store::Party* own = dir->PartyByIndex(*scope->party);
    if (!own || own->code != spec.party) {
      return done(PermissionDenied("party: a party admin adds users to their own party only"));
    }
  }
  if (spec.password.empty()) return done(InvalidArgument("password: is required"));
  if (Status s = CheckPassword(spec.password); !s.ok()) {
    return done(InvalidArgument("password: " + s.message()));
  }
  if (!spec.lang.empty() && !IsUiLang(spec.lang)) {
    return done(InvalidArgument("lang: must be one of ar, en, fa, ru"));
  }
  if (auto mask = RoleMask(spec.roles, *scope); !mask.ok()) return done(mask.status());
  auto user = internal::MakeUser(spec, *dir);
  if (!user.ok()) return done(user.status());
  if (Status s = CheckAlternates(hub, spec.name, spec.alternates, scope->party); !s.ok()) {
    return done(s);
  }
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
  auto scope = ManagerScope(admin);
  if (!scope.ok()) return done(scope.status());
  if (change.empty()) return done(InvalidArgument("nothing to change"));
  auto found = hub.store().UserByName(name);
  if (!found.ok()) return done(found.status());
  // Another party's user, to a party admin, is no user at all (the same answer, word for word).
  if (!found->has_value() || !scope->Covers(**found)) {
    return done(NotFound("no user '" + name + "'"));
  }
  store::User u = std::move(**found);
  if (scope->party && (u.roles & (policy::kHubAdmin | policy::kPeer)) != 0) {
    return done(PermissionDenied("only a hub admin changes a hub admin's or a peer's account"));
  }
  std::vector<std::string> what;  // for the audit record: which fields changed, never values
  if (change.roles) {
    auto mask = RoleMask(*change.roles, *scope);
    if (!mask.ok()) return done(mask.status());
    if (u.id == admin.user_id && !scope->party && (*mask & policy::kHubAdmin) == 0) {
      return done(Unprocessable("roles: you cannot drop your own hub-admin role"));
    }
    if (u.id == admin.user_id && scope->party && (*mask & policy::kAdmin) == 0) {
      return done(Unprocessable("roles: you cannot drop your own admin role"));
    }
    u.roles = *mask;
    what.push_back("roles");
  }
  if (change.alternates) {
    if (Status s = CheckAlternates(hub, u.name, *change.alternates, scope->party); !s.ok()) {
      return done(s);
    }
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
