// Who may read an object now, told to its originator before a recall (the web UI's preview
// names the parties and users that would lose access). Only the originating party's users who
// may write objects (officer, analyst, admin) are told; for anyone else the object is NotFound,
// as if invisible, so the answer leaks no reader, party or user name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hub/hub.h"
#include "policy/policy.h"

namespace tansiq::hub {

struct AudienceParty {
  std::string code;
  std::string identity;            // the party's STIX identity id
  std::vector<std::string> users;  // enabled users, sorted
};

struct Audience {
  bool red = false;                     // TLP:RED: only `recipients` read it
  std::vector<AudienceParty> parties;   // other parties in the releasable set (not red)
  std::vector<std::string> recipients;  // red: the named users (other than the caller's party)
};

Result<Audience> AudienceOf(Hub& hub, const policy::Reader& caller, std::string_view id);

}  // namespace tansiq::hub
