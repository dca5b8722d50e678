// The hub's directory managed from the web UI by a hub-admin: add a party, add a user, change
// a user's roles, alternates, state, language or password. The checks are the CLI's and the
// bootstrap file's (hub/internal/directory_rules.h: names, roles, CheckPassword); every
// change is one audited write job (party.add, user.add, user.change), and a refused request
// changes nothing. Writes go through Store::Submit: `done` runs on the writer thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hub/admin.h"
#include "hub/hub.h"
#include "policy/policy.h"

namespace tansiq::hub {

// Adds a party (PartySpec rules; the code and identity must be new). The caller reloads the
// directory (Hub::Reload) once `done` has the party, off the writer thread. PermissionDenied unless
// `admin` is a hub-admin; Conflict for a taken code or identity; Unprocessable past the hub's party
// limit.
void ManageAddParty(Hub& hub, const policy::Reader& admin, PartySpec party,
                    std::function<void(Result<store::Party>)> done);

// Adds a user (UserSpec rules; a password is required, CheckPassword; alternates must be
// other existing users). PermissionDenied unless a hub-admin; Conflict for a taken name.
void ManageAddUser(Hub& hub, const policy::Reader& admin, UserSpec user,
                   std::function<void(Status)> done);

// What to change of a user; unset fields stay as they are.
struct UserChange {
  std::optional<std::vector<std::string>> roles;       // at least one known role
  std::optional<std::vector<std::string>> alternates;  // existing users, not the user
  std::optional<bool> enabled;
  std::optional<std::string> lang;      // IsUiLang, or "" for none
  std::optional<std::string> password;  // CheckPassword
  bool empty() const { return !roles && !alternates && !enabled && !lang && !password; }
};

// Changes user `name`. PermissionDenied unless a hub-admin; NotFound for no such user;
// Unprocessable when a hub-admin would disable themself or drop their own hub-admin role
// (the hub would lose its last way in through the UI).
void ManageChangeUser(Hub& hub, const policy::Reader& admin, std::string name, UserChange change,
                      std::function<void(Status)> done);

// The user `name` as an administrator sees it (roles, alternates, state, language), for the
// answer to a change. NotFound for no such user.
struct ManagedUser {
  std::string name;
  std::string party;  // code
  std::vector<std::string> roles;
  std::vector<std::string> alternates;
  bool enabled = true;
  std::string lang;
};
Result<ManagedUser> ManagedUserByName(Hub& hub, std::string_view name);

}  // namespace tansiq::hub
