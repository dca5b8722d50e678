// The rules for parties and users that the bootstrap file, the CLI and the web UI's
// administration share (hub/admin.cc defines them; hub/manage.cc uses them too), so a name,
// a role or a password is checked the same way whichever door it comes through.
#pragma once

#include <string>

#include "base/status.h"
#include "hub/admin.h"
#include "hub/hub.h"
#include "store/store.h"

namespace tansiq::hub::internal {

// A user record from `spec`: name [A-Za-z0-9._@-]{1,64}, a party of `dir`, known roles, a
// password that passes CheckPassword (hashed), alternates as given (callers check them).
Result<store::User> MakeUser(const UserSpec& spec, const Directory& dir);

// Checks a party (code [a-z0-9-]{1,32}, a name, an identity--<uuid>, generated when empty).
Status CheckParty(PartySpec& party);

// Adds a party, its published identity and its private collection inside a write job.
Status AddPartyIn(store::WriteTxn& txn, const PartySpec& spec, const std::string& created,
                  policy::PartyMask all_after, const std::string& coalition_id,
                  policy::PartyIndex* index_out);

}  // namespace tansiq::hub::internal
