// Who receives a message: resolution of the recipient spec to users, and the release check
// that keeps a message within the releasability of every object it references. Pure.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "dissem/message.h"
#include "policy/policy.h"

namespace tansiq::dissem {

// A user as dissemination sees them: the parts of store::User that decide who receives
// (the caller maps store users to these; alternates are looked up separately). Value type.
struct Member {
  std::int64_t user_id = 0;
  std::string name;
  policy::PartyIndex party = 0;
  std::uint32_t roles = 0;
  bool disabled = false;
  bool operator==(const Member&) const = default;

  policy::Reader AsReader() const { return {user_id, name, party, roles}; }
};

// Resolves a recipients.parties entry (a party identity id or a party code) to its party;
// nullopt when the hub has no such party. Typically backed by hub::Directory.
using PartyResolver = std::function<std::optional<policy::PartyIndex>(std::string_view)>;

// The users a spec names: every named user, then every user of the listed parties holding
// one of the listed roles (every user of those parties when no role is listed), in the order
// of `users`, de-duplicated by user id; disabled users are skipped. A listed party's `peer`
// account (its federation link) receives whatever roles are listed: it carries the message to
// the party's node, which applies the roles to its own users. Errors (Unprocessable,
// 422): a named user or a party the hub does not know; nobody left to receive.
Result<std::vector<Member>> ResolveRecipients(const RecipientSpec& spec,
                                              std::span<const Member> users,
                                              const PartyResolver& party_of);

// The releasability a message is sent under: its own (from tlp + releasable_to, the sender's
// party as originator) intersected with that of every object it references. Held as the list
// of releasabilities a reader must pass, because each object exempts its own originator and
// a single policy::Releasability cannot express that intersection. Value type.
struct EffectiveReleasability {
  std::vector<policy::Releasability> all;  // the message's first, then each reference's
  // The hub's read-side check that `reader` may read every reference now (what markings alone
  // do not say: an object held only in another party's private collection); none: markings
  // decide alone.
  std::function<bool(const policy::Reader&)> reads_refs;
  // True when `reader` passes policy::CanRead for every entry and reads_refs (false when `all`
  // is empty). Decides direct recipients and alternates alike.
  bool Allows(const policy::Reader& reader) const;
};

// The message's own releasability: policy::ComputeReleasability with the sender's party as
// originator, the tlp, and a Tansiq releasability marking made of `releasable_to` (and, for
// TLP:RED, the named recipient users as the marking's recipients). Errors: a releasable_to
// id that is no party of the hub (InvalidArgument).
Result<policy::Releasability> MessageReleasability(const Message& message,
                                                   policy::PartyMask all_parties,
                                                   const policy::PartyOfIdentity& party_of);

// Whether the sender may see a referenced object (policy::IsVisible for the sender).
using SenderCanSee = std::function<bool(std::string_view object_id)>;
// The governing releasability of a referenced object; nullopt when the hub does not hold it.
using ReleasabilityOf = std::function<std::optional<policy::Releasability>(std::string_view)>;

// Builds the effective releasability of `message`: every reference must be visible to the
// sender, else Unprocessable "object_refs: unknown object '<id>'" — the same text whether the
// object is absent or invisible, so nothing about invisible objects leaks.
Result<EffectiveReleasability> EffectiveFor(const policy::Releasability& message_releasability,
                                            std::span<const std::string> object_refs,
                                            const SenderCanSee& sender_can_see,
                                            const ReleasabilityOf& releasability_of);

// Names of the recipients outside `effective` (in recipient order); empty when all may read.
std::vector<std::string> OutsideReleasability(std::span<const Member> recipients,
                                              const EffectiveReleasability& effective);

// The refusal for recipients outside the releasability: Unprocessable (422) "recipients outside
// the message's releasability: a, b".
Status OutsideError(std::span<const std::string> outside);

// All-or-nothing: `recipients` unchanged when every one may read under `effective`; else
// OutsideError listing every one (use OutsideReleasability and OutsideError for the names as
// data: one Allows per recipient, which may ask the hub's store).
Result<std::vector<Member>> CheckRelease(std::vector<Member> recipients,
                                         const EffectiveReleasability& effective);

// The party identity id of a party index; empty for none (e.g. the hub's pseudo-party).
using IdentityOfParty = std::function<std::string(policy::PartyIndex)>;

// The markings a stored message object carries (its TLP; the Tansiq releasability marking's
// releasable_to_refs and, for TLP:RED, recipients — no marking when both are empty). Value type.
struct MessageMarkings {
  stix::Tlp tlp = stix::Tlp::kNone;
  std::vector<std::string> releasable_to;  // party identity ids
  std::vector<std::string> recipients;     // user names, TLP:RED only
  bool operator==(const MessageMarkings&) const = default;
};

// The markings of the stored message object, never wider than `effective` (DESIGN.md: a
// message's releasability is no wider than the objects it references), for a reader outside
// the sender's party, who reads it under policy::ComputeReleasability with the sender's party
// as originator. Without references, or when every reference releases at least as wide: the
// message's own (tlp, releasable_to; for RED the named users). Else, when any entry is RED: RED
// for the users of `users` who may read every entry (for a RED message, its named users among
// them). Else the message's TLP narrowed to the parties every entry releases to (each entry's
// originator among them). The message's own entry must come first in `effective.all`.
MessageMarkings StoredMarkings(const Message& message, const EffectiveReleasability& effective,
                               std::span<const Member> users, const IdentityOfParty& identity_of);

// What the send path needs from the hub, as lookups. Not owned; must outlive the call.
struct SendLookups {
  std::span<const Member> users;  // every user of the hub
  PartyResolver party_of;         // recipients.parties entries
  policy::PartyOfIdentity party_of_identity;
  policy::PartyMask all_parties = 0;
  SenderCanSee sender_can_see;
  ReleasabilityOf releasability_of;
};

// The outcome of planning a send: the recipients and the releasability they were checked
// against (kept by the delivery tracker to check alternates on escalation). Value type.
struct SendPlan {
  std::vector<Member> recipients;
  policy::Releasability message_releasability;
  EffectiveReleasability effective;
};

// MessageReleasability → EffectiveFor → ResolveRecipients → CheckRelease, stopping at the
// first error. The sender fields of `message` must be filled.
Result<SendPlan> PlanSend(const Message& message, const SendLookups& lookups);

}  // namespace tansiq::dissem
