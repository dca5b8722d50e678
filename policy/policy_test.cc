// Tests for policy/: the visibility rule as a generated truth table checked against a plain
// reading of DESIGN.md, hand-written spot cases, gate references, releasability and roles.
#include "policy/policy.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tansiq::policy {
namespace {

using stix::Tlp;

// ---------------------------------------------------------------------------------------
// The coalition used throughout: parties A (originator), B, C, D; one user each.

constexpr PartyIndex kA = 0;
constexpr PartyIndex kB = 1;
constexpr PartyIndex kC = 2;
constexpr PartyIndex kD = 3;
constexpr PartyMask kAllParties = Bit(kA) | Bit(kB) | Bit(kC) | Bit(kD);

constexpr std::string_view kIdentityA = "identity--0000000a-0000-4000-8000-000000000000";
constexpr std::string_view kIdentityB = "identity--0000000b-0000-4000-8000-000000000000";
constexpr std::string_view kIdentityC = "identity--0000000c-0000-4000-8000-000000000000";
constexpr std::string_view kIdentityD = "identity--0000000d-0000-4000-8000-000000000000";
constexpr std::string_view kStranger = "identity--0000000e-0000-4000-8000-000000000000";

std::optional<PartyIndex> PartyOf(std::string_view identity) {
  if (identity == kIdentityA) return kA;
  if (identity == kIdentityB) return kB;
  if (identity == kIdentityC) return kC;
  if (identity == kIdentityD) return kD;
  return std::nullopt;
}

Reader MakeReader(PartyIndex party, std::string name, std::uint32_t roles = kOfficer) {
  return Reader{
      .user_id = party + 100, .user_name = std::move(name), .party = party, .roles = roles};
}

const Reader kAlice = MakeReader(kA, "alice");
const Reader kBob = MakeReader(kB, "bob");
const Reader kCarol = MakeReader(kC, "carol");

stix::Releasability Marking(std::vector<std::string_view> refs,
                            std::vector<std::string> recipients = {}) {
  stix::Releasability m;
  for (std::string_view r : refs) m.releasable_to_refs.emplace_back(r);
  m.recipients = std::move(recipients);
  return m;
}

Releasability Compute(Tlp tlp, const std::optional<stix::Releasability>& marking) {
  Result<Releasability> rel = ComputeReleasability(kA, tlp, marking, kAllParties, PartyOf);
  EXPECT_TRUE(rel.ok()) << rel.status().message();
  return rel.ok() ? *rel : Releasability{};
}

// ---------------------------------------------------------------------------------------
// The truth table.

// One version of an object, as its markings say.
struct Version {
  Tlp tlp = Tlp::kNone;
  std::optional<stix::Releasability> marking;
};

enum class MarkingCase { kAbsent, kNamesB, kNamesBC, kNamesNobody };
enum class History { kLatestOnly, kEarlierWider, kEarlierNarrower };

std::string_view Name(Tlp t) { return t == Tlp::kNone ? "none" : stix::TlpName(t); }

std::string_view Name(MarkingCase m) {
  switch (m) {
    case MarkingCase::kAbsent:
      return "no marking";
    case MarkingCase::kNamesB:
      return "marking naming B";
    case MarkingCase::kNamesBC:
      return "marking naming B,C";
    case MarkingCase::kNamesNobody:
      return "marking naming nobody";
  }
  return "?";
}

std::string_view Name(History h) {
  switch (h) {
    case History::kLatestOnly:
      return "one version";
    case History::kEarlierWider:
      return "earlier version wider";
    case History::kEarlierNarrower:
      return "earlier version narrower";
  }
  return "?";
}

// The RED recipients name the reader or not; "dave" (of D) is always named.
std::optional<stix::Releasability> MakeMarking(MarkingCase m, bool reader_named,
                                               const std::string& reader_name) {
  std::vector<std::string> recipients = {"dave"};
  if (reader_named) recipients.push_back(reader_name);
  switch (m) {
    case MarkingCase::kAbsent:
      return std::nullopt;
    case MarkingCase::kNamesB:
      return Marking({kIdentityB}, recipients);
    case MarkingCase::kNamesBC:
      return Marking({kIdentityB, kIdentityC}, recipients);
    case MarkingCase::kNamesNobody:
      return Marking({}, recipients);
  }
  return std::nullopt;
}

std::vector<Version> MakeHistory(History h, Version latest) {
  // Wider: CLEAR without a releasability marking, every party reads.
  // Narrower: RED with a marking that names no recipient, the originator alone reads.
  switch (h) {
    case History::kLatestOnly:
      return {latest};
    case History::kEarlierWider:
      return {Version{Tlp::kClear, std::nullopt}, latest};
    case History::kEarlierNarrower:
      return {Version{Tlp::kRed, Marking({}, {})}, latest};
  }
  return {latest};
}

// The store's use of policy: the latest version's markings govern the object.
Releasability Governing(const std::vector<Version>& history) {
  return Compute(history.back().tlp, history.back().marking);
}

// --- The expected answers, written plainly from DESIGN.md, independent of the bitmasks. ---

char PartyLetter(std::string_view identity) {
  if (identity == kIdentityA) return 'A';
  if (identity == kIdentityB) return 'B';
  if (identity == kIdentityC) return 'C';
  if (identity == kIdentityD) return 'D';
  return '?';
}

// "The releasable set: the releasability marking if there is one; otherwise every party for
// TLP:CLEAR, GREEN, AMBER and AMBER+STRICT; [...] the originator alone when unmarked."
std::set<char> ReleasableSet(const Version& v) {
  if (v.marking) {
    std::set<char> named;
    for (const std::string& ref : v.marking->releasable_to_refs) named.insert(PartyLetter(ref));
    return named;
  }
  if (v.tlp == Tlp::kClear || v.tlp == Tlp::kGreen || v.tlp == Tlp::kAmber ||
      v.tlp == Tlp::kAmberStrict) {
    return {'A', 'B', 'C', 'D'};
  }
  return {'A'};
}

// "Let L be the latest version of object O. A user of party P may read O (any version) iff:
// P originated O; or L is not TLP:RED and P is in L's releasable set; or L is TLP:RED and
// the user is named in L's recipients." A originates every object of the table.
bool ExpectedMayRead(const std::vector<Version>& history, char party, const std::string& user) {
  const Version& latest = history.back();
  if (party == 'A') return true;
  if (latest.tlp != Tlp::kRed) return ReleasableSet(latest).contains(party);
  if (!latest.marking) return false;
  for (const std::string& named : latest.marking->recipients) {
    if (named == user) return true;
  }
  return false;
}

// AMBER never leaves the hub by federation, nor does RED, nor an unmarked object.
bool ExpectedFederable(const Version& latest) {
  if (latest.tlp == Tlp::kRed || latest.tlp == Tlp::kAmber || latest.tlp == Tlp::kAmberStrict) {
    return false;
  }
  return latest.tlp != Tlp::kNone || latest.marking.has_value();
}

char LetterOf(const Reader& r) { return static_cast<char>('A' + r.party); }

TEST(PolicyTruthTable, ImplementationAgreesWithDesignTextOnEveryCell) {
  const Tlp tlps[] = {Tlp::kNone,  Tlp::kClear,       Tlp::kGreen,
                      Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed};
  const MarkingCase markings[] = {MarkingCase::kAbsent, MarkingCase::kNamesB, MarkingCase::kNamesBC,
                                  MarkingCase::kNamesNobody};
  const Reader readers[] = {kAlice, kBob, kCarol};
  const History histories[] = {History::kLatestOnly, History::kEarlierWider,
                               History::kEarlierNarrower};
  int cells = 0;
  int readable = 0;
  int recalls = 0;    // the earlier version alone would let the reader read; the latest not
  int widenings = 0;  // the earlier version alone would not; the latest does
  for (Tlp tlp : tlps) {
    for (MarkingCase mc : markings) {
      for (const Reader& reader : readers) {
        for (bool reader_named : {false, true}) {
          for (History h : histories) {
            const Version latest{tlp, MakeMarking(mc, reader_named, reader.user_name)};
            const std::vector<Version> history = MakeHistory(h, latest);
            SCOPED_TRACE(testing::Message()
                         << "TLP " << Name(tlp) << ", " << Name(mc) << ", reader of party "
                         << LetterOf(reader) << (reader_named ? " named" : " not named")
                         << " in RED recipients, " << Name(h));
            ++cells;

            const Releasability rel = Governing(history);
            const bool expected = ExpectedMayRead(history, LetterOf(reader), reader.user_name);
            EXPECT_EQ(CanRead(reader, rel), expected);
            EXPECT_EQ(rel.federable, ExpectedFederable(latest));
            EXPECT_EQ(rel.red, tlp == Tlp::kRed);
            EXPECT_EQ(rel.originator, kA);

            // IsVisible of an object without gate references is CanRead.
            const HeadLookup lookup = [&](std::string_view id) -> std::optional<ObjectHead> {
              if (id == "indicator--1") return ObjectHead{rel, {}};
              return std::nullopt;
            };
            EXPECT_EQ(IsVisible(reader, "indicator--1", lookup), expected);

            if (expected) ++readable;
            if (h != History::kLatestOnly) {
              const std::vector<Version> earlier_only = {history.front()};
              const bool earlier =
                  ExpectedMayRead(earlier_only, LetterOf(reader), reader.user_name);
              EXPECT_EQ(CanRead(reader, Governing(earlier_only)), earlier);
              if (earlier && !expected) ++recalls;
              if (!earlier && expected) ++widenings;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(cells, 6 * 4 * 3 * 2 * 3);
  // The table exercises both answers and both directions of a change between versions.
  EXPECT_GT(readable, 0);
  EXPECT_LT(readable, cells);
  EXPECT_GT(recalls, 0);
  EXPECT_GT(widenings, 0);
}

// ---------------------------------------------------------------------------------------
// Hand-written spot cases.

TEST(PolicyCanRead, UnmarkedIsDefaultDeny) {
  const Releasability rel = Compute(Tlp::kNone, std::nullopt);
  EXPECT_EQ(rel.parties, Bit(kA));
  EXPECT_FALSE(rel.federable);
  EXPECT_TRUE(CanRead(kAlice, rel));
  EXPECT_FALSE(CanRead(kBob, rel));
  EXPECT_FALSE(CanRead(kCarol, rel));
}

TEST(PolicyCanRead, TlpWithoutMarkingReachesEveryParty) {
  for (Tlp tlp : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict}) {
    const Releasability rel = Compute(tlp, std::nullopt);
    EXPECT_EQ(rel.parties, kAllParties) << Name(tlp);
    EXPECT_TRUE(CanRead(kCarol, rel)) << Name(tlp);
  }
  EXPECT_TRUE(Compute(Tlp::kClear, std::nullopt).federable);
  EXPECT_TRUE(Compute(Tlp::kGreen, std::nullopt).federable);
  EXPECT_FALSE(Compute(Tlp::kAmber, std::nullopt).federable);
  EXPECT_FALSE(Compute(Tlp::kAmberStrict, std::nullopt).federable);
}

TEST(PolicyCanRead, MarkingNarrowsToNamedParties) {
  const Releasability rel = Compute(Tlp::kGreen, Marking({kIdentityB}));
  EXPECT_EQ(rel.parties, Bit(kA) | Bit(kB));
  EXPECT_TRUE(rel.federable);
  EXPECT_TRUE(CanRead(kAlice, rel));
  EXPECT_TRUE(CanRead(kBob, rel));
  EXPECT_FALSE(CanRead(kCarol, rel));
}

TEST(PolicyCanRead, MarkingWithoutTlpIsReleasableAndFederable) {
  const Releasability rel = Compute(Tlp::kNone, Marking({kIdentityB, kIdentityC}));
  EXPECT_EQ(rel.parties, Bit(kA) | Bit(kB) | Bit(kC));
  EXPECT_TRUE(rel.federable);
  EXPECT_TRUE(CanRead(kCarol, rel));
}

TEST(PolicyCanRead, AmberMarkingNeverFederates) {
  EXPECT_FALSE(Compute(Tlp::kAmber, Marking({kIdentityB})).federable);
  EXPECT_FALSE(Compute(Tlp::kAmberStrict, Marking({kIdentityB})).federable);
}

TEST(PolicyCanRead, MarkingNamingNobodyLeavesTheOriginator) {
  const Releasability rel = Compute(Tlp::kClear, Marking({}));
  EXPECT_EQ(rel.parties, Bit(kA));
  EXPECT_TRUE(CanRead(kAlice, rel));
  EXPECT_FALSE(CanRead(kBob, rel));
}

TEST(PolicyCanRead, RedGoesToNamedRecipientsNotTheirParties) {
  const Releasability rel = Compute(Tlp::kRed, Marking({kIdentityB, kIdentityC}, {"bob"}));
  EXPECT_TRUE(rel.red);
  EXPECT_FALSE(rel.federable);
  EXPECT_EQ(rel.parties, Bit(kA));
  EXPECT_EQ(rel.recipients, std::vector<std::string>{"bob"});
  EXPECT_TRUE(CanRead(kAlice, rel));  // the originator's party reads RED too
  EXPECT_TRUE(CanRead(kBob, rel));
  EXPECT_FALSE(CanRead(kCarol, rel));                  // her party is named, she is not
  EXPECT_FALSE(CanRead(MakeReader(kB, "bob2"), rel));  // another user of bob's party
}

TEST(PolicyCanRead, RedWithoutMarkingIsTheOriginatorAlone) {
  const Releasability rel = Compute(Tlp::kRed, std::nullopt);
  EXPECT_TRUE(rel.red);
  EXPECT_TRUE(rel.recipients.empty());
  EXPECT_TRUE(CanRead(kAlice, rel));
  EXPECT_FALSE(CanRead(kBob, rel));
}

TEST(PolicyCanRead, RedIgnoresThePartyMask) {
  Releasability rel;
  rel.originator = kA;
  rel.parties = kAllParties;  // never set so by ComputeReleasability; red wins regardless
  rel.red = true;
  EXPECT_FALSE(CanRead(kBob, rel));
}

TEST(PolicyCanRead, UnnamedUserNeverMatchesARecipient) {
  Releasability rel;
  rel.originator = kA;
  rel.red = true;
  rel.recipients = {""};
  EXPECT_FALSE(CanRead(MakeReader(kB, ""), rel));
}

TEST(PolicyCanRead, OutOfRangePartyReadsNothingButOwnObjects) {
  const Releasability all = Public(kA, kAllParties);
  EXPECT_FALSE(CanRead(MakeReader(-1, "x"), all));
  EXPECT_FALSE(CanRead(MakeReader(kMaxParties, "x"), all));
  EXPECT_TRUE(CanRead(MakeReader(kMaxParties - 1, "x"), Public(kA, ~PartyMask{0})));
}

TEST(PolicyCanRead, LatestVersionGovernsRecall) {
  // v1 went to every party; v2 narrows to B. Carol loses every version at once.
  const std::vector<Version> history = {{Tlp::kGreen, std::nullopt},
                                        {Tlp::kGreen, Marking({kIdentityB})}};
  EXPECT_TRUE(CanRead(kCarol, Governing({history.front()})));
  EXPECT_FALSE(CanRead(kCarol, Governing(history)));
  EXPECT_TRUE(CanRead(kBob, Governing(history)));
}

TEST(PolicyCanRead, LatestVersionGovernsWidening) {
  const std::vector<Version> history = {{Tlp::kNone, std::nullopt}, {Tlp::kClear, std::nullopt}};
  EXPECT_FALSE(CanRead(kCarol, Governing({history.front()})));
  EXPECT_TRUE(CanRead(kCarol, Governing(history)));
}

// ---------------------------------------------------------------------------------------
// IsVisible with gate references.

// An in-memory hub: id → head, counting lookups.
class FakeHub {
 public:
  void Put(std::string id, Releasability rel, std::vector<std::string> gates = {}) {
    heads_[std::move(id)] = ObjectHead{std::move(rel), std::move(gates)};
  }
  void PutHead(std::string id, ObjectHead head) { heads_[std::move(id)] = std::move(head); }
  HeadLookup Lookup() {
    return [this](std::string_view id) -> std::optional<ObjectHead> {
      ++lookups_;
      auto it = heads_.find(std::string(id));
      if (it == heads_.end()) return std::nullopt;
      return it->second;
    };
  }
  int lookups() const { return lookups_; }

 private:
  std::map<std::string, ObjectHead> heads_;
  int lookups_ = 0;
};

const Releasability kEveryone = Public(kA, kAllParties);
const Releasability kOnlyA = Releasability{.originator = kA, .parties = Bit(kA)};

TEST(PolicyIsVisible, AbsentObjectIsInvisible) {
  FakeHub hub;
  EXPECT_FALSE(IsVisible(kAlice, "indicator--missing", hub.Lookup()));
}

TEST(PolicyIsVisible, UnreadableObjectIsInvisibleWhateverItsGates) {
  FakeHub hub;
  hub.Put("indicator--1", kEveryone);
  hub.Put("relationship--1", kOnlyA, {"indicator--1", "indicator--1"});
  EXPECT_FALSE(IsVisible(kBob, "relationship--1", hub.Lookup()));
  EXPECT_TRUE(IsVisible(kAlice, "relationship--1", hub.Lookup()));
}

TEST(PolicyIsVisible, RelationshipToAnInvisibleTargetIsInvisible) {
  FakeHub hub;
  hub.Put("threat-actor--1", kEveryone);
  hub.Put("location--secret", kOnlyA);
  hub.Put("relationship--1", kEveryone, {"threat-actor--1", "location--secret"});
  EXPECT_TRUE(IsVisible(kAlice, "relationship--1", hub.Lookup()));
  EXPECT_FALSE(IsVisible(kBob, "relationship--1", hub.Lookup()));
  EXPECT_TRUE(IsVisible(kBob, "threat-actor--1", hub.Lookup()));
}

TEST(PolicyIsVisible, RelationshipFromAnInvisibleSourceIsInvisible) {
  FakeHub hub;
  hub.Put("threat-actor--secret", kOnlyA);
  hub.Put("location--1", kEveryone);
  hub.Put("relationship--1", kEveryone, {"threat-actor--secret", "location--1"});
  EXPECT_FALSE(IsVisible(kCarol, "relationship--1", hub.Lookup()));
}

TEST(PolicyIsVisible, SightingOfAnInvisibleIndicatorIsInvisible) {
  FakeHub hub;
  hub.Put("indicator--red", Compute(Tlp::kRed, Marking({}, {"bob"})));
  hub.Put("sighting--1", kEveryone, {"indicator--red"});
  EXPECT_TRUE(IsVisible(kBob, "sighting--1", hub.Lookup()));
  EXPECT_FALSE(IsVisible(kCarol, "sighting--1", hub.Lookup()));
}

TEST(PolicyIsVisible, AbsentGateTargetIsIgnored) {
  FakeHub hub;
  hub.Put("threat-actor--1", kEveryone);
  hub.Put("relationship--1", kEveryone, {"threat-actor--1", "location--not-held"});
  EXPECT_TRUE(IsVisible(kCarol, "relationship--1", hub.Lookup()));
}

TEST(PolicyIsVisible, DeletedGateTargetHidesForEveryone) {
  // Issue 16 item 1: what is gated on a deleted object (a derived object on its source, a
  // relationship naming it) must not come back with the deletion — not even for the
  // originator of the deleted object, nor for the relationship's own party.
  FakeHub hub;
  hub.Put("threat-actor--1", kEveryone);
  hub.Put("relationship--1", kEveryone, {"threat-actor--1", "report--deleted"});
  hub.Put("relationship--2", kEveryone, {"relationship--1"});
  EXPECT_TRUE(IsVisible(kCarol, "relationship--1", hub.Lookup()));  // before: held
  ObjectHead tombstone{.releasability = kEveryone, .gate_refs = {}, .deleted = true};
  hub.PutHead("report--deleted", tombstone);
  for (const Reader& r : {kAlice, kBob, kCarol}) {
    EXPECT_FALSE(IsVisible(r, "report--deleted", hub.Lookup()));
    EXPECT_FALSE(IsVisible(r, "relationship--1", hub.Lookup()));
    EXPECT_FALSE(IsVisible(r, "relationship--2", hub.Lookup()));
    EXPECT_TRUE(IsVisible(r, "threat-actor--1", hub.Lookup()));
  }
}

TEST(PolicyIsVisible, ChainHiddenAtTheEndHidesEveryLink) {
  FakeHub hub;
  hub.Put("indicator--secret", kOnlyA);
  hub.Put("relationship--3", kEveryone, {"indicator--secret"});
  hub.Put("relationship--2", kEveryone, {"relationship--3"});
  hub.Put("relationship--1", kEveryone, {"relationship--2"});
  for (const char* id : {"relationship--1", "relationship--2", "relationship--3"}) {
    EXPECT_FALSE(IsVisible(kBob, id, hub.Lookup())) << id;
    EXPECT_TRUE(IsVisible(kAlice, id, hub.Lookup())) << id;
  }
}

// A chain root → link-1 → … → link-`hops`, every object readable by everyone.
FakeHub Chain(int hops, bool last_held = true) {
  FakeHub hub;
  for (int i = 0; i < hops; ++i) {
    hub.Put("relationship--" + std::to_string(i), kEveryone,
            {"relationship--" + std::to_string(i + 1)});
  }
  if (last_held) hub.Put("relationship--" + std::to_string(hops), kEveryone);
  return hub;
}

TEST(PolicyIsVisible, ChainOfEightHopsIsVisible) {
  FakeHub hub = Chain(8);
  EXPECT_TRUE(IsVisible(kBob, "relationship--0", hub.Lookup()));
}

TEST(PolicyIsVisible, ChainDeeperThanEightHopsIsInvisible) {
  FakeHub hub = Chain(9);
  EXPECT_FALSE(IsVisible(kBob, "relationship--0", hub.Lookup()));
  EXPECT_FALSE(IsVisible(kAlice, "relationship--0", hub.Lookup()));  // even the originator
  EXPECT_TRUE(IsVisible(kBob, "relationship--1", hub.Lookup()));     // eight hops from here
}

TEST(PolicyIsVisible, AbsentTargetBeyondTheDepthLimitIsStillIgnored) {
  FakeHub hub = Chain(9, /*last_held=*/false);
  EXPECT_TRUE(IsVisible(kBob, "relationship--0", hub.Lookup()));
}

TEST(PolicyIsVisible, CycleIsInvisible) {
  FakeHub hub;
  hub.Put("relationship--1", kEveryone, {"relationship--2"});
  hub.Put("relationship--2", kEveryone, {"relationship--3"});
  hub.Put("relationship--3", kEveryone, {"relationship--1"});
  EXPECT_FALSE(IsVisible(kAlice, "relationship--1", hub.Lookup()));
  EXPECT_FALSE(IsVisible(kBob, "relationship--2", hub.Lookup()));
}

TEST(PolicyIsVisible, SelfReferenceIsACycle) {
  FakeHub hub;
  hub.Put("relationship--1", kEveryone, {"relationship--1"});
  EXPECT_FALSE(IsVisible(kAlice, "relationship--1", hub.Lookup()));
}

TEST(PolicyIsVisible, SharedTargetIsNotACycle) {
  // relationship--1 → {relationship--2, relationship--3} → indicator--1: a diamond.
  FakeHub hub;
  hub.Put("indicator--1", kEveryone);
  hub.Put("relationship--2", kEveryone, {"indicator--1"});
  hub.Put("relationship--3", kEveryone, {"indicator--1"});
  hub.Put("relationship--1", kEveryone, {"relationship--2", "relationship--3"});
  EXPECT_TRUE(IsVisible(kBob, "relationship--1", hub.Lookup()));
}

TEST(PolicyIsVisible, WideTreeOfRelationshipsStaysBounded) {
  // Every link gates on the next one twice: 2^8 paths, bounded by the depth limit.
  FakeHub hub;
  for (int i = 0; i < 20; ++i) {
    const std::string next = "relationship--" + std::to_string(i + 1);
    hub.Put("relationship--" + std::to_string(i), kEveryone, {next, next});
  }
  hub.Put("relationship--20", kEveryone);
  EXPECT_FALSE(IsVisible(kBob, "relationship--0", hub.Lookup()));
  EXPECT_LT(hub.lookups(), 1 << 10);
}

// ---------------------------------------------------------------------------------------
// Releasability errors and the other constructors.

TEST(PolicyReleasability, UnknownIdentityIsAnInvalidArgument) {
  for (Tlp tlp :
       {Tlp::kNone, Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    Result<Releasability> rel = ComputeReleasability(
        kA, tlp, Marking({kIdentityB, kStranger}, {"bob"}), kAllParties, PartyOf);
    ASSERT_FALSE(rel.ok()) << Name(tlp);
    EXPECT_EQ(rel.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(rel.status().message(),
              "releasable_to_refs: " + std::string(kStranger) + " is not a party of this hub");
  }
}

TEST(PolicyReleasability, PartyIndexOutOfRangeIsABug) {
  Result<Releasability> bad_originator =
      ComputeReleasability(kMaxParties, Tlp::kGreen, std::nullopt, kAllParties, PartyOf);
  ASSERT_FALSE(bad_originator.ok());
  EXPECT_EQ(bad_originator.status().code(), ErrorCode::kInternal);

  const PartyOfIdentity broken = [](std::string_view) -> std::optional<PartyIndex> {
    return kMaxParties;
  };
  Result<Releasability> bad_party =
      ComputeReleasability(kA, Tlp::kGreen, Marking({kIdentityB}), kAllParties, broken);
  ASSERT_FALSE(bad_party.ok());
  EXPECT_EQ(bad_party.status().code(), ErrorCode::kInternal);
}

TEST(PolicyReleasability, OriginatorIsAlwaysIncluded) {
  // The originator's own identity need not be named, nor its party be in all_parties.
  Result<Releasability> rel =
      ComputeReleasability(kD, Tlp::kGreen, std::nullopt, Bit(kA) | Bit(kB), PartyOf);
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(rel->originator, kD);
  EXPECT_EQ(rel->parties, Bit(kA) | Bit(kB) | Bit(kD));
}

TEST(PolicyReleasability, MarkingDefinitionIsReadByCreatorAndNamedParties) {
  Result<Releasability> rel = MarkingDefinitionReleasability(kA, Marking({kIdentityC}), PartyOf);
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(*rel, (Releasability{.originator = kA,
                                 .parties = Bit(kA) | Bit(kC),
                                 .red = false,
                                 .recipients = {},
                                 .federable = true}));
  EXPECT_TRUE(CanRead(kCarol, *rel));
  EXPECT_FALSE(CanRead(kBob, *rel));
}

TEST(PolicyReleasability, RedMarkingDefinitionIsReadByCreatorAndNamedUsersOnly) {
  // Issue 16 item 8: who receives RED traffic is sensitive — bob's colleagues (and the
  // parties the marking also names) must not read a marking that names bob as a recipient.
  Result<Releasability> rel =
      MarkingDefinitionReleasability(kA, Marking({kIdentityB, kIdentityC}, {"bob"}), PartyOf);
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(*rel, (Releasability{.originator = kA,
                                 .parties = Bit(kA),
                                 .red = true,
                                 .recipients = {"bob"},
                                 .federable = false}));
  EXPECT_TRUE(CanRead(kBob, *rel));
  EXPECT_TRUE(CanRead(kAlice, *rel));                 // the creator's party
  EXPECT_FALSE(CanRead(MakeReader(kB, "b2"), *rel));  // bob's colleague
  EXPECT_FALSE(CanRead(kCarol, *rel));
  // A marking naming a stranger is still an error with recipients.
  EXPECT_FALSE(MarkingDefinitionReleasability(kA, Marking({kStranger}, {"bob"}), PartyOf).ok());
}

TEST(PolicyReleasability, MarkingDefinitionWithUnknownIdentityIsAnError) {
  Result<Releasability> rel = MarkingDefinitionReleasability(kA, Marking({kStranger}), PartyOf);
  ASSERT_FALSE(rel.ok());
  EXPECT_EQ(rel.status().code(), ErrorCode::kInvalidArgument);
}

TEST(PolicyReleasability, PublicIsEveryPartyAndFederable) {
  const Releasability rel = Public(kD, Bit(kA) | Bit(kB));
  EXPECT_EQ(rel.parties, Bit(kA) | Bit(kB) | Bit(kD));
  EXPECT_TRUE(rel.federable);
  EXPECT_FALSE(rel.red);
  EXPECT_TRUE(CanRead(kBob, rel));
}

// ---------------------------------------------------------------------------------------
// Roles and permissions.

TEST(PolicyRoles, ParsesEveryRole) {
  const std::map<std::string, std::uint32_t> roles = {
      {"officer", kOfficer}, {"analyst", kAnalyst},    {"recipient", kRecipient},
      {"admin", kAdmin},     {"hub-admin", kHubAdmin}, {"peer", kPeer}};
  for (const auto& [name, role] : roles) {
    Result<std::uint32_t> parsed = ParseRole(name);
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_EQ(*parsed, role);
  }
}

TEST(PolicyRoles, RejectsUnknownNames) {
  for (std::string_view name : {"", "Officer", "hub_admin", "root", "admin ", "officer,admin"}) {
    Result<std::uint32_t> parsed = ParseRole(name);
    ASSERT_FALSE(parsed.ok()) << name;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(PolicyRoles, NamesRoundTripInEnumOrder) {
  EXPECT_TRUE(RoleNames(0).empty());
  EXPECT_EQ(RoleNames(kHubAdmin | kOfficer | kRecipient),
            (std::vector<std::string>{"officer", "recipient", "hub-admin"}));
  EXPECT_EQ(RoleNames(1u << 20), std::vector<std::string>{});  // unknown bits are not roles
  for (std::uint32_t roles = 0; roles < 64; ++roles) {
    std::uint32_t back = 0;
    for (const std::string& name : RoleNames(roles)) back |= *ParseRole(name);
    EXPECT_EQ(back, roles);
  }
}

TEST(PolicyRoles, Permissions) {
  struct Row {
    std::uint32_t roles;
    bool write, administer_party, administer_hub, web_ui;
  };
  const Row rows[] = {
      {0, false, false, false, true},
      {kOfficer, true, false, false, true},
      {kAnalyst, true, false, false, true},
      {kRecipient, false, false, false, true},
      {kAdmin, true, true, false, true},
      {kHubAdmin, false, true, true, true},
      {kRecipient | kHubAdmin, false, true, true, true},
      {kPeer, true, false, false, false},  // writes as its party; no web UI
  };
  for (const Row& row : rows) {
    const Reader r = MakeReader(kA, "alice", row.roles);
    EXPECT_EQ(CanWriteObjects(r), row.write) << row.roles;
    EXPECT_EQ(CanAdministerParty(r), row.administer_party) << row.roles;
    EXPECT_EQ(CanAdministerHub(r), row.administer_hub) << row.roles;
    EXPECT_EQ(CanUseWebUi(r), row.web_ui) << row.roles;
    EXPECT_EQ(IsPeer(r), row.roles == kPeer) << row.roles;
  }
}

TEST(PolicyRoles, PeerIsHeldAlone) {
  EXPECT_TRUE(CheckRoleCombination(kPeer).ok());
  EXPECT_TRUE(CheckRoleCombination(kOfficer | kRecipient | kAdmin | kHubAdmin).ok());
  for (Role other : {kOfficer, kAnalyst, kRecipient, kAdmin, kHubAdmin}) {
    Status st = CheckRoleCombination(kPeer | other);
    EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << other;
  }
}

}  // namespace
}  // namespace tansiq::policy
