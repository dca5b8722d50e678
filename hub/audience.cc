// The readers of an object, for its originator (hub/audience.h).
#include "hub/audience.h"

#include <algorithm>
#include <map>

#include "stix/identifier.h"

namespace tansiq::hub {

Result<Audience> AudienceOf(Hub& hub, const policy::Reader& caller, std::string_view id) {
  const auto not_found = [&] { return NotFound("no such object: " + std::string(id)); };
  if (!stix::IsValidIdentifier(id)) return InvalidArgument("not a STIX identifier");
  auto head = hub.store().Head(id);
  if (!head.ok()) return head.status();
  if (!head->has_value()) return not_found();
  const policy::Releasability& rel = (*head)->releasability;
  // The originator's writers only; everyone else learns nothing, not even that it exists.
  if (rel.originator != caller.party || !policy::CanWriteObjects(caller)) return not_found();
  auto users = hub.store().Users();
  if (!users.ok()) return users.status();
  auto dir = hub.directory();
  Audience out;
  out.red = rel.red;
  if (rel.red) {
    for (const auto& u : *users) {
      if (u.disabled || u.party == rel.originator) continue;
      if (std::find(rel.recipients.begin(), rel.recipients.end(), u.name) != rel.recipients.end()) {
        out.recipients.push_back(u.name);
      }
    }
    std::sort(out.recipients.begin(), out.recipients.end());
    return out;
  }
  std::map<policy::PartyIndex, AudienceParty> by_party;
  for (const auto& p : dir->parties) {
    if (p.index == rel.originator || (rel.parties & policy::Bit(p.index)) == 0) continue;
    by_party[p.index] = {p.code, p.identity_id, {}};
  }
  for (const auto& u : *users) {
    auto it = by_party.find(u.party);
    if (it != by_party.end() && !u.disabled) it->second.users.push_back(u.name);
  }
  for (auto& [index, party] : by_party) {
    std::sort(party.users.begin(), party.users.end());
    out.parties.push_back(std::move(party));
  }
  return out;
}

}  // namespace tansiq::hub
