// The visibility rule (DESIGN.md) and the permissions derived from roles. Pure: no I/O;
// callers supply lookups. Every read path in the hub decides visibility through IsVisible.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "stix/markings.h"

namespace tansiq::policy {

// A party's position in the releasability bitmask (0..kMaxParties-1).
using PartyIndex = int;
using PartyMask = std::uint64_t;
inline constexpr int kMaxParties = 64;
inline constexpr PartyMask Bit(PartyIndex p) { return PartyMask{1} << p; }

enum Role : std::uint32_t {
  kOfficer = 1u << 0,    // reads, writes, shares
  kAnalyst = 1u << 1,    // reads, writes analysis
  kRecipient = 1u << 2,  // receives disseminations
  kAdmin = 1u << 3,      // administers their party
  kHubAdmin = 1u << 4,   // administers the hub (no extra read rights on content)
  // The remote account of a federation link (issue 15): reads and writes as its party,
  // receives the messages addressed to its party on behalf of the node, never logs in to the
  // web UI. Held alone: no other role combines with it.
  kPeer = 1u << 5,
};

// Parses "officer", "analyst", "recipient", "admin", "hub-admin", "peer".
Result<std::uint32_t> ParseRole(std::string_view name);
std::vector<std::string> RoleNames(std::uint32_t roles);
// OK unless `roles` combines peer with another role (InvalidArgument naming the rule).
Status CheckRoleCombination(std::uint32_t roles);

// The authenticated caller of a read or write. Value type.
struct Reader {
  std::int64_t user_id = 0;
  std::string user_name;
  PartyIndex party = 0;
  std::uint32_t roles = 0;
};

bool CanWriteObjects(const Reader& r);     // officer, analyst, admin or peer
bool CanAdministerParty(const Reader& r);  // admin or hub-admin
bool CanAdministerHub(const Reader& r);    // hub-admin
bool CanUseWebUi(const Reader& r);         // everyone but peer accounts
bool IsPeer(const Reader& r);              // the remote account of a federation link

// Who may read an object, taken from its latest version's markings. Value type.
struct Releasability {
  PartyIndex originator = 0;
  PartyMask parties = 0;                // releasable set when !red
  bool red = false;                     // TLP:RED: only `recipients` (and the originator)
  std::vector<std::string> recipients;  // user names, meaningful when red
  bool federable = false;               // may leave the hub (not AMBER, AMBER+STRICT, RED)
  bool operator==(const Releasability&) const = default;
};

// THE visibility rule for one object, ignoring references: the originator's party; else,
// not red and the reader's party in the releasable set; else red and the reader named.
bool CanRead(const Reader& reader, const Releasability& rel);

// What the rule needs to know about a stored object: its governing releasability and the
// gate references of its latest version (relationship ends, sighting_of_ref, a derived
// object's source). `deleted`: the hub held the object and it was deleted (a tombstone) —
// nobody reads it, and it hides everything gated on it, for good.
struct ObjectHead {
  Releasability releasability;
  std::vector<std::string> gate_refs;
  bool deleted = false;
};

// Looks up an object's head by id; std::nullopt when the hub never held the object, a head
// with `deleted` set when it held and deleted it.
using HeadLookup = std::function<std::optional<ObjectHead>(std::string_view id)>;

// Visibility of object `id` to `reader`: the hub holds it, CanRead allows it, and every
// gate reference that the hub holds or deleted is itself visible (recursively; a cycle, or a
// held gate target more than 8 hops from `id`, counts as invisible). A deleted gate target
// hides: what was derived from or said about a deleted object must not come back with its
// deletion (issue 16). A gate target the hub never held hides nothing: there is nothing to
// protect. Every read path decides through this function.
bool IsVisible(const Reader& reader, std::string_view id, const HeadLookup& lookup);

// Resolves a party identity id to its party index; nullopt for other identities.
using PartyOfIdentity = std::function<std::optional<PartyIndex>(std::string_view identity_id)>;

// Computes the releasability of a new version from its markings (DESIGN.md): the
// originator's party always reads; RED: only the marking's recipients besides (none without
// a marking); else the releasability marking if present (its releasable_to_refs); otherwise
// every party (`all_parties`) for CLEAR/GREEN/AMBER/AMBER+STRICT, the originator alone when
// unmarked. Federable unless AMBER, AMBER+STRICT, RED or unmarked. A releasable_to_ref that
// is not a party identity is an InvalidArgument error at any TLP (the writer must fix the
// marking).
Result<Releasability> ComputeReleasability(PartyIndex originator, stix::Tlp tlp,
                                           const std::optional<stix::Releasability>& marking,
                                           PartyMask all_parties,
                                           const PartyOfIdentity& party_of_identity);

// Releasability of a releasability marking-definition itself (DESIGN.md): its creator and
// the parties it names (releasable_to_refs), federable; but one that names TLP:RED
// `recipients` is read by its creator's party and those users only — red, not federable, not
// their colleagues: who receives RED traffic is itself sensitive. A ref that is not a party
// identity is an error either way.
Result<Releasability> MarkingDefinitionReleasability(PartyIndex originator,
                                                     const stix::Releasability& marking,
                                                     const PartyOfIdentity& party_of_identity);

// Objects every party reads (party identities, the hub's extension-definition, TLP
// marking-definitions): all parties, federable.
Releasability Public(PartyIndex originator, PartyMask all_parties);

}  // namespace tansiq::policy
