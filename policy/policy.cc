// The visibility rule (DESIGN.md "The visibility rule") and the releasability of an object
// version computed from its markings. Pure: no I/O; the store supplies lookups.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"

namespace tansiq::policy {
namespace {

// How many gate hops IsVisible follows from the object asked about. The object itself is
// depth 0; a held gate target at a depth greater than this makes the object invisible.
constexpr std::size_t kMaxGateDepth = 8;

bool InRange(PartyIndex p) { return p >= 0 && p < kMaxParties; }

// Bit(p) for a valid index, no bit for an invalid one (never undefined behaviour).
PartyMask SafeBit(PartyIndex p) { return InRange(p) ? Bit(p) : PartyMask{0}; }

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Visibility of a held object whose id is path.back(): `path` is the chain of gate references
// that led here from the object asked about (path.front()), so a reference back into it is a
// cycle.
bool VisibleHead(const Reader& reader, const ObjectHead& head, const HeadLookup& lookup,
                 std::vector<std::string_view>& path) {
  if (head.deleted || !CanRead(reader, head.releasability)) return false;
  for (const std::string& gate : head.gate_refs) {
    if (std::find(path.begin(), path.end(), gate) != path.end()) return false;  // cycle
    std::optional<ObjectHead> target = lookup(gate);
    if (!target) continue;  // never held: nothing to protect (a deleted one is `deleted`)
    if (path.size() > kMaxGateDepth) return false;  // the target would sit too deep
    path.push_back(gate);
    const bool visible = VisibleHead(reader, *target, lookup, path);
    path.pop_back();
    if (!visible) return false;
  }
  return true;
}

// The mask of the parties a releasability marking names, or an error naming the first
// releasable_to_ref that is not a party of this hub.
Result<PartyMask> NamedParties(const stix::Releasability& marking,
                               const PartyOfIdentity& party_of_identity) {
  PartyMask mask = 0;
  for (const std::string& ref : marking.releasable_to_refs) {
    std::optional<PartyIndex> party = party_of_identity(ref);
    if (!party) {
      return InvalidArgument("releasable_to_refs: " + ref + " is not a party of this hub");
    }
    if (!InRange(*party)) {
      return Internal("party index " + std::to_string(*party) + " of " + ref + " out of range");
    }
    mask |= Bit(*party);
  }
  return mask;
}

Status CheckOriginator(PartyIndex originator) {
  if (InRange(originator)) return Status::Ok();
  return Internal("originator party index " + std::to_string(originator) + " out of range");
}

}  // namespace

bool CanRead(const Reader& reader, const Releasability& rel) {
  if (reader.party == rel.originator) return true;
  if (!rel.red) return (rel.parties & SafeBit(reader.party)) != 0;
  return !reader.user_name.empty() && Contains(rel.recipients, reader.user_name);
}

bool IsVisible(const Reader& reader, std::string_view id, const HeadLookup& lookup) {
  std::optional<ObjectHead> head = lookup(id);
  if (!head) return false;
  std::vector<std::string_view> path = {id};
  return VisibleHead(reader, *head, lookup, path);
}

Result<Releasability> ComputeReleasability(PartyIndex originator, stix::Tlp tlp,
                                           const std::optional<stix::Releasability>& marking,
                                           PartyMask all_parties,
                                           const PartyOfIdentity& party_of_identity) {
  TANSIQ_RETURN_IF_ERROR(CheckOriginator(originator));
  Releasability rel;
  rel.originator = originator;
  rel.parties = Bit(originator);
  rel.federable = false;

  // A marking naming an identity that is no party is malformed whatever the TLP level.
  PartyMask named = 0;
  if (marking) {
    Result<PartyMask> parties = NamedParties(*marking, party_of_identity);
    if (!parties.ok()) return parties.status();
    named = *parties;
  }

  switch (tlp) {
    case stix::Tlp::kRed:
      // Only the named recipients (and the originator's party); never leaves the hub.
      rel.red = true;
      if (marking) rel.recipients = marking->recipients;
      return rel;
    case stix::Tlp::kNone:
      if (!marking) return rel;  // unmarked: default deny, the originator alone
      rel.parties |= named;
      rel.federable = true;
      return rel;
    case stix::Tlp::kClear:
    case stix::Tlp::kGreen:
    case stix::Tlp::kAmber:
    case stix::Tlp::kAmberStrict:
      rel.parties |= marking ? named : all_parties;
      rel.federable = tlp == stix::Tlp::kClear || tlp == stix::Tlp::kGreen;
      return rel;
  }
  return Internal("unknown TLP level");
}

Result<Releasability> MarkingDefinitionReleasability(PartyIndex originator,
                                                     const stix::Releasability& marking,
                                                     const PartyOfIdentity& party_of_identity) {
  TANSIQ_RETURN_IF_ERROR(CheckOriginator(originator));
  Result<PartyMask> named = NamedParties(marking, party_of_identity);
  if (!named.ok()) return named.status();
  Releasability rel;
  rel.originator = originator;
  if (!marking.recipients.empty()) {
    rel.parties = Bit(originator);
    rel.red = true;
    rel.recipients = marking.recipients;
    return rel;
  }
  rel.parties = Bit(originator) | *named;
  rel.federable = true;
  return rel;
}

Releasability Public(PartyIndex originator, PartyMask all_parties) {
  Releasability rel;
  rel.originator = originator;
  rel.parties = all_parties | SafeBit(originator);
  rel.federable = true;
  return rel;
}

}  // namespace tansiq::policy
