// Recipient resolution and the release check (all-or-nothing).
#include "dissem/recipients.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "stix/markings.h"

namespace tansiq::dissem {
namespace {

std::string Join(std::span<const std::string> names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace

Result<std::vector<Member>> ResolveRecipients(const RecipientSpec& spec,
                                              std::span<const Member> users,
                                              const PartyResolver& party_of) {
  std::vector<Member> out;
  std::unordered_set<std::int64_t> seen;
  auto add = [&](const Member& m) {
    if (!m.disabled && seen.insert(m.user_id).second) out.push_back(m);
  };

  std::vector<std::string> unknown_users;
  for (const std::string& name : spec.users) {
    auto it =
        std::find_if(users.begin(), users.end(), [&](const Member& m) { return m.name == name; });
    if (it == users.end()) {
      unknown_users.push_back(name);
    } else {
      add(*it);
    }
  }
  if (!unknown_users.empty()) {
    return Unprocessable("recipients.users: unknown user(s): " + Join(unknown_users));
  }

  policy::PartyMask parties = 0;
  for (const std::string& p : spec.parties) {
    std::optional<policy::PartyIndex> index = party_of ? party_of(p) : std::nullopt;
    if (!index || *index < 0 || *index >= policy::kMaxParties) {
      return Unprocessable("recipients.parties: unknown party '" + p + "'");
    }
    parties |= policy::Bit(*index);
  }
  for (const Member& m : users) {
    if (m.party < 0 || m.party >= policy::kMaxParties) continue;
    if ((parties & policy::Bit(m.party)) == 0) continue;
    // A party's peer account (a federation link) receives on behalf of the node, whose own
    // users of that party holding the addressed roles get it there.
    if (spec.roles != 0 && (m.roles & (spec.roles | policy::kPeer)) == 0) continue;
    add(m);
  }
  if (out.empty()) {
    return Unprocessable("recipients: nobody to send to (no enabled user matches)");
  }
  return out;
}

bool EffectiveReleasability::Allows(const policy::Reader& reader) const {
  if (all.empty()) return false;
  return std::all_of(all.begin(), all.end(),
                     [&](const policy::Releasability& r) { return policy::CanRead(reader, r); }) &&
         (!reads_refs || reads_refs(reader));
}

Result<policy::Releasability> MessageReleasability(const Message& message,
                                                   policy::PartyMask all_parties,
                                                   const policy::PartyOfIdentity& party_of) {
  std::optional<stix::Releasability> marking;
  if (!message.releasable_to.empty() || message.tlp == stix::Tlp::kRed) {
    marking.emplace();
    marking->releasable_to_refs = message.releasable_to;
    if (message.tlp == stix::Tlp::kRed) marking->recipients = message.recipients.users;
  }
  Result<policy::Releasability> rel = policy::ComputeReleasability(
      message.sender_party, message.tlp, marking, all_parties, party_of);
  if (!rel.ok()) {
    return Status(rel.status().code(), "releasable_to: " + rel.status().message());
  }
  return rel;
}

Result<EffectiveReleasability> EffectiveFor(const policy::Releasability& message_releasability,
                                            std::span<const std::string> object_refs,
                                            const SenderCanSee& sender_can_see,
                                            const ReleasabilityOf& releasability_of) {
  EffectiveReleasability effective;
  effective.all.push_back(message_releasability);
  for (const std::string& id : object_refs) {
    // Visibility first: the lookup is not even asked about an object the sender may not see.
    std::optional<policy::Releasability> rel;
    if (sender_can_see && sender_can_see(id) && releasability_of) rel = releasability_of(id);
    if (!rel) return Unprocessable("object_refs: unknown object '" + id + "'");
    effective.all.push_back(std::move(*rel));
  }
  return effective;
}

std::vector<std::string> OutsideReleasability(std::span<const Member> recipients,
                                              const EffectiveReleasability& effective) {
  std::vector<std::string> outside;
  for (const Member& m : recipients) {
    if (!effective.Allows(m.AsReader())) outside.push_back(m.name);
  }
  return outside;
}

Status OutsideError(std::span<const std::string> outside) {
  return Unprocessable("recipients outside the message's releasability: " + Join(outside));
}

Result<std::vector<Member>> CheckRelease(std::vector<Member> recipients,
                                         const EffectiveReleasability& effective) {
  std::vector<std::string> outside = OutsideReleasability(recipients, effective);
  if (!outside.empty()) return OutsideError(outside);
  return recipients;
}

MessageMarkings StoredMarkings(const Message& message, const EffectiveReleasability& effective,
                               std::span<const Member> users, const IdentityOfParty& identity_of) {
  MessageMarkings own{message.tlp, message.releasable_to, {}};
  if (message.tlp == stix::Tlp::kRed) own.recipients = message.recipients.users;
  if (effective.all.size() < 2) return own;
  const policy::Releasability& mine = effective.all.front();
  const auto refs = std::span(effective.all).subspan(1);
  const bool red = std::any_of(effective.all.begin(), effective.all.end(),
                               [](const policy::Releasability& r) { return r.red; });
  if (red) {
    MessageMarkings out{stix::Tlp::kRed, {}, {}};
    for (const Member& u : users) {
      const policy::Reader reader = u.AsReader();
      const bool reads_mine = mine.red ? std::find(mine.recipients.begin(), mine.recipients.end(),
                                                   u.name) != mine.recipients.end()
                                       : policy::CanRead(reader, mine);
      if (reads_mine && std::all_of(refs.begin(), refs.end(), [&](const policy::Releasability& r) {
            return policy::CanRead(reader, r);
          })) {
        out.recipients.push_back(u.name);
      }
    }
    return out;
  }
  // A party reads an entry that is not RED iff it is released to or originated it.
  auto released = [](const policy::Releasability& r) {
    policy::PartyMask m = r.parties;
    if (r.originator >= 0 && r.originator < policy::kMaxParties) m |= policy::Bit(r.originator);
    return m;
  };
  policy::PartyMask parties = released(mine);
  for (const policy::Releasability& r : refs) parties &= released(r);
  if (parties == released(mine)) return own;
  MessageMarkings out{message.tlp, {}, {}};
  for (policy::PartyIndex p = 0; p < policy::kMaxParties; ++p) {
    if ((parties & policy::Bit(p)) == 0) continue;
    std::string identity = identity_of ? identity_of(p) : std::string();
    if (!identity.empty()) out.releasable_to.push_back(std::move(identity));
  }
  // No party with an identity left: the originator alone, never the TLP's every party.
  if (out.releasable_to.empty()) return {stix::Tlp::kRed, {}, {}};
  return out;
}

Result<SendPlan> PlanSend(const Message& message, const SendLookups& lookups) {
  Result<policy::Releasability> own =
      MessageReleasability(message, lookups.all_parties, lookups.party_of_identity);
  if (!own.ok()) return own.status();
  Result<EffectiveReleasability> effective =
      EffectiveFor(*own, message.object_refs, lookups.sender_can_see, lookups.releasability_of);
  if (!effective.ok()) return effective.status();
  Result<std::vector<Member>> resolved =
      ResolveRecipients(message.recipients, lookups.users, lookups.party_of);
  if (!resolved.ok()) return resolved.status();
  Result<std::vector<Member>> released = CheckRelease(std::move(*resolved), *effective);
  if (!released.ok()) return released.status();
  return SendPlan{std::move(*released), std::move(*own), std::move(*effective)};
}

}  // namespace tansiq::dissem
