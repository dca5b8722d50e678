// The hub's directory managed from the web UI: a hub-admin adds and renames parties; a hub-admin
// (any user) or a party admin (the users of their own party) adds users and changes their
// roles, alternates, state, language or password. The checks are the CLI's and the bootstrap
// file's (hub/internal/directory_rules.h: names, roles, CheckPassword); every change is one
// audited write job (party.add, party.change, user.add, user.change), and a refused request
// changes nothing. Writes go through Store::Submit: `done` runs on the writer thread.
//
// What a party admin (role `admin`, not hub-admin) may do, and nothing more:
//  - add users to their own party, and change users of their own party;
//  - grant only kPartyAdminGrants (officer, analyst, recipient, admin): never hub-admin or peer;
//  - never change a user who holds hub-admin or peer (PermissionDenied), never disable
//    themself nor drop their own admin role (Unprocessable);
//  - name only users of their own party as alternates.
// A user of another party answers exactly as a missing user does (NotFound "no user '…'", or
// "alternates[i]: no user '…'"), so a party admin cannot probe other parties' user names.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
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

// A change of a party's names; unset fields stay as they are.
struct PartyChange {
  std::optional<std::string> name;  // its display name: 1-256 bytes, not blank
  // Its name per UI language (ar, en, fa, ru): a name (1-256 bytes, not blank), or nullopt to
  // remove that language's name.
  std::map<std::string, std::optional<std::string>> names;
  bool empty() const { return !name && names.empty(); }
};

// Renames party `code` (its display name and names per language; never its code or identity,
// which other hubs and the releasability markings key on). The caller reloads the directory
// (Hub::Reload) once `done` has succeeded, off the writer thread. PermissionDenied unless a
// hub-admin; NotFound for no such party; InvalidArgument naming the field for nothing to
// change, a blank or over-long name, a language not one of ar, en, fa, ru. Audited
// party.change "<code> (name names.ar …)": the fields given, never a value.
void ManageRenameParty(Hub& hub, const policy::Reader& admin, std::string code, PartyChange change,
                       std::function<void(Status)> done);

// The roles a party admin may grant.
inline constexpr std::uint32_t kPartyAdminGrants =
    policy::kOfficer | policy::kAnalyst | policy::kRecipient | policy::kAdmin;

// Adds a user (UserSpec rules; a password is required, CheckPassword; alternates must be
// other existing users). PermissionDenied unless a hub-admin or a party admin adding to their
// own party only roles of kPartyAdminGrants; Conflict for a taken name (user names are
// hub-wide, so this one answer does tell a party admin that the name is taken).
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

// Changes user `name`. PermissionDenied unless a hub-admin or a party admin (see above);
// NotFound for no such user, and for a party admin for a user of another party; Unprocessable
// when an admin would disable themself or drop their own hub-admin (or, a party admin, admin)
// role (the hub or the party would lose its way in through the UI).
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
