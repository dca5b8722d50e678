// Tests for dissem/recipients.h: recipient resolution, the message's releasability, the
// release check against referenced objects (all-or-nothing), and invisible references.
#include "dissem/recipients.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace tansiq::dissem {
namespace {

using policy::Bit;
using policy::PartyIndex;

constexpr PartyIndex kIq = 0;  // the sender's party
constexpr PartyIndex kJo = 1;
constexpr PartyIndex kFr = 2;
constexpr PartyIndex kUk = 3;
constexpr policy::PartyMask kAll = Bit(kIq) | Bit(kJo) | Bit(kFr) | Bit(kUk);

constexpr std::string_view kIdentityIq = "identity--00000000-0000-4000-8000-000000000000";
constexpr std::string_view kIdentityJo = "identity--00000001-0000-4000-8000-000000000000";
constexpr std::string_view kIdentityFr = "identity--00000002-0000-4000-8000-000000000000";
constexpr std::string_view kIdentityUk = "identity--00000003-0000-4000-8000-000000000000";

std::optional<PartyIndex> PartyOfIdentity(std::string_view id) {
  if (id == kIdentityIq) return kIq;
  if (id == kIdentityJo) return kJo;
  if (id == kIdentityFr) return kFr;
  if (id == kIdentityUk) return kUk;
  return std::nullopt;
}

std::optional<PartyIndex> PartyOf(std::string_view code_or_id) {
  if (code_or_id == "iq") return kIq;
  if (code_or_id == "jo") return kJo;
  if (code_or_id == "fr") return kFr;
  if (code_or_id == "uk") return kUk;
  return PartyOfIdentity(code_or_id);
}

const std::vector<Member> kUsers = {
    {1, "amal", kIq, policy::kOfficer, false},
    {2, "basim", kIq, policy::kRecipient, false},
    {3, "jamil", kJo, policy::kRecipient, false},
    {4, "jana", kJo, policy::kOfficer | policy::kAnalyst, false},
    {5, "fleur", kFr, policy::kRecipient, false},
    {6, "francois", kFr, policy::kRecipient | policy::kAdmin, true},  // disabled
    {7, "una", kUk, policy::kRecipient, false},
    {8, "ulysses", kUk, policy::kAdmin, false},
};

std::vector<std::string> Names(const std::vector<Member>& members) {
  std::vector<std::string> out;
  for (const Member& m : members) out.push_back(m.name);
  return out;
}

Result<std::vector<Member>> Resolve(RecipientSpec spec) {
  return ResolveRecipients(spec, kUsers, PartyOf);
}

TEST(Recipients, NamedUsersOnly) {
  Result<std::vector<Member>> r = Resolve({{}, 0, {"una", "jamil"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"una", "jamil"}));
}

TEST(Recipients, PartiesWithoutRolesMeanEveryEnabledUser) {
  Result<std::vector<Member>> r = Resolve({{"fr", "jo"}, 0, {}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"jamil", "jana", "fleur"}));  // not francois
}

TEST(Recipients, PartiesByIdentityId) {
  Result<std::vector<Member>> r = Resolve({{std::string(kIdentityUk)}, 0, {}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"una", "ulysses"}));
}

TEST(Recipients, RolesFilterThePartiesUsers) {
  Result<std::vector<Member>> r = Resolve({{"jo", "fr", "uk"}, policy::kRecipient, {}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"jamil", "fleur", "una"}));
  r = Resolve({{"jo", "uk"}, policy::kAnalyst | policy::kAdmin, {}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"jana", "ulysses"}));
}

TEST(Recipients, UsersAndPartiesAreDeduplicated) {
  Result<std::vector<Member>> r = Resolve({{"uk", "uk"}, 0, {"una", "una", "jamil"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"una", "jamil", "ulysses"}));
}

TEST(Recipients, DisabledNamedUserIsSkipped) {
  Result<std::vector<Member>> r = Resolve({{}, 0, {"francois", "fleur"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), std::vector<std::string>{"fleur"});
}

TEST(Recipients, NobodyLeftIsAnError) {
  Result<std::vector<Member>> r = Resolve({{}, 0, {"francois"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnprocessable);
  r = Resolve({{"iq"}, policy::kHubAdmin, {}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nobody"), std::string::npos);
}

TEST(Recipients, UnknownUsersAreListed) {
  Result<std::vector<Member>> r = Resolve({{}, 0, {"una", "ghost", "phantom"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnprocessable);
  EXPECT_NE(r.status().message().find("ghost, phantom"), std::string::npos);
}

TEST(Recipients, PeerAccountReceivesForItsPartyWhateverTheRoles) {
  std::vector<Member> users = kUsers;
  users.push_back({9, "jo-link", kJo, policy::kPeer, false});
  users.push_back({10, "fr-link", kFr, policy::kPeer, true});  // disabled link
  Result<std::vector<Member>> r =
      ResolveRecipients({{"jo", "fr"}, policy::kRecipient, {}}, users, PartyOf);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"jamil", "fleur", "jo-link"}));
  r = ResolveRecipients({{"jo"}, 0, {}}, users, PartyOf);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"jamil", "jana", "jo-link"}));
  // Not addressed to its party: the link gets nothing.
  r = ResolveRecipients({{"uk"}, policy::kRecipient, {}}, users, PartyOf);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), std::vector<std::string>{"una"});
}

TEST(Recipients, UnknownPartyIsAnError) {
  Result<std::vector<Member>> r = Resolve({{"de"}, 0, {}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown party 'de'"), std::string::npos);
  EXPECT_FALSE(ResolveRecipients({{"iq"}, 0, {}}, kUsers, nullptr).ok());
}

// ---------------------------------------------------------------------------------------
// Releasability.

Message MessageFrom(PartyIndex party, stix::Tlp tlp, std::vector<std::string> releasable_to,
                    RecipientSpec spec) {
  Message m;
  m.id = "x-tansiq-message--00000000-0000-4000-8000-000000000001";
  m.precedence = Precedence::kFlash;
  m.subject = "s";
  m.tlp = tlp;
  m.releasable_to = std::move(releasable_to);
  m.recipients = std::move(spec);
  m.sender_user_id = 1;
  m.sender_user = "amal";
  m.sender_party = party;
  return m;
}

policy::Releasability Rel(PartyIndex originator, policy::PartyMask parties, bool red = false,
                          std::vector<std::string> recipients = {}) {
  policy::Releasability r;
  r.originator = originator;
  r.parties = parties | Bit(originator);
  r.red = red;
  r.recipients = std::move(recipients);
  return r;
}

TEST(Releasability, MessageUnmarkedIsTheSendersPartyOnly) {
  Result<policy::Releasability> r =
      MessageReleasability(MessageFrom(kIq, stix::Tlp::kNone, {}, {}), kAll, PartyOfIdentity);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->originator, kIq);
  EXPECT_EQ(r->parties, Bit(kIq));
}

TEST(Releasability, MessageAmberIsEveryPartyUnlessNarrowed) {
  Result<policy::Releasability> r =
      MessageReleasability(MessageFrom(kIq, stix::Tlp::kAmber, {}, {}), kAll, PartyOfIdentity);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->parties, kAll);
  r = MessageReleasability(MessageFrom(kIq, stix::Tlp::kAmber, {std::string(kIdentityJo)}, {}),
                           kAll, PartyOfIdentity);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->parties, Bit(kIq) | Bit(kJo));
}

TEST(Releasability, MessageRedIsForTheNamedUsers) {
  Result<policy::Releasability> r = MessageReleasability(
      MessageFrom(kIq, stix::Tlp::kRed, {}, {{}, 0, {"una"}}), kAll, PartyOfIdentity);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->red);
  EXPECT_EQ(r->recipients, std::vector<std::string>{"una"});
}

TEST(Releasability, ReleasableToAStrangerIsAnError) {
  Result<policy::Releasability> r = MessageReleasability(
      MessageFrom(kIq, stix::Tlp::kGreen, {"identity--0000000e-0000-4000-8000-000000000000"}, {}),
      kAll, PartyOfIdentity);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("releasable_to"), std::string::npos);
}

TEST(Releasability, EffectiveIsTheIntersection) {
  EffectiveReleasability e;
  e.all = {Rel(kIq, kAll), Rel(kJo, Bit(kIq) | Bit(kUk)), Rel(kFr, Bit(kIq) | Bit(kJo) | Bit(kUk))};
  // iq: in all three; jo: originator of the 2nd, in 1st and 3rd; uk: in all; fr: not in 2nd.
  EXPECT_TRUE(e.Allows(kUsers[0].AsReader()));
  EXPECT_TRUE(e.Allows(kUsers[2].AsReader()));
  EXPECT_TRUE(e.Allows(kUsers[6].AsReader()));
  EXPECT_FALSE(e.Allows(kUsers[4].AsReader()));
  EXPECT_FALSE(EffectiveReleasability{}.Allows(kUsers[0].AsReader()));
}

TEST(Releasability, ReadsRefsNarrowsWhatTheMarkingsAllow) {
  EffectiveReleasability e;
  e.all = {Rel(kIq, kAll)};
  std::vector<std::string> asked;
  e.reads_refs = [&](const policy::Reader& r) {
    asked.push_back(r.user_name);
    return r.party == kIq;  // e.g. a reference held in iq's private collection
  };
  EXPECT_TRUE(e.Allows(kUsers[0].AsReader()));
  EXPECT_FALSE(e.Allows(kUsers[2].AsReader()));  // jo: released by the markings, not the refs
  EXPECT_EQ(asked.size(), 2u);
  // Markings first: a reader they refuse is never looked up.
  e.all = {Rel(kIq, Bit(kIq))};
  EXPECT_FALSE(e.Allows(kUsers[2].AsReader()));
  EXPECT_EQ(asked.size(), 2u);
}

TEST(Releasability, RedReferenceAdmitsOnlyItsNamedUsers) {
  EffectiveReleasability e;
  e.all = {Rel(kIq, kAll), Rel(kUk, 0, true, {"jamil"})};
  EXPECT_TRUE(e.Allows(kUsers[2].AsReader()));   // jamil, named
  EXPECT_FALSE(e.Allows(kUsers[3].AsReader()));  // jana, same party, not named
  EXPECT_TRUE(e.Allows(kUsers[7].AsReader()));   // ulysses, the originator's party
  EXPECT_FALSE(e.Allows(kUsers[0].AsReader()));  // amal, the sender's party: not named
}

std::string IdentityOf(PartyIndex p) {
  switch (p) {
    case kIq:
      return std::string(kIdentityIq);
    case kJo:
      return std::string(kIdentityJo);
    case kFr:
      return std::string(kIdentityFr);
    case kUk:
      return std::string(kIdentityUk);
    default:
      return "";
  }
}

// Who outside the sender's party reads the stored message object: the names of kUsers whose
// reader passes the releasability ingest computes from StoredMarkings.
std::vector<std::string> StoredReaders(const Message& m, const EffectiveReleasability& e) {
  MessageMarkings mk = StoredMarkings(m, e, kUsers, IdentityOf);
  std::optional<stix::Releasability> marking;
  if (!mk.releasable_to.empty() || !mk.recipients.empty()) {
    marking.emplace();
    marking->releasable_to_refs = mk.releasable_to;
    marking->recipients = mk.recipients;
  }
  Result<policy::Releasability> rel =
      policy::ComputeReleasability(m.sender_party, mk.tlp, marking, kAll, PartyOfIdentity);
  EXPECT_TRUE(rel.ok()) << rel.status().message();
  std::vector<std::string> out;
  for (const Member& u : kUsers) {
    if (u.party != m.sender_party && rel.ok() && policy::CanRead(u.AsReader(), *rel)) {
      out.push_back(u.name);
    }
  }
  return out;
}

// The stored message is never wider than what it references (issue 16 item 3): a GREEN
// message about an object released to iq and jo only is not readable by fr or uk.
TEST(StoredMarkings, NarrowedToWhatEveryReferenceReleases) {
  Message m = MessageFrom(kIq, stix::Tlp::kGreen, {}, {{}, 0, {"basim"}});
  EffectiveReleasability e;
  e.all = {Rel(kIq, kAll), Rel(kJo, Bit(kIq))};
  MessageMarkings mk = StoredMarkings(m, e, kUsers, IdentityOf);
  EXPECT_EQ(mk.tlp, stix::Tlp::kGreen);
  EXPECT_EQ(mk.releasable_to,
            (std::vector<std::string>{std::string(kIdentityIq), std::string(kIdentityJo)}));
  EXPECT_EQ(StoredReaders(m, e), (std::vector<std::string>{"jamil", "jana"}));
  // Two references: what both release (the originator of each included).
  e.all = {Rel(kIq, kAll), Rel(kJo, Bit(kIq) | Bit(kUk)), Rel(kUk, Bit(kIq) | Bit(kFr))};
  EXPECT_EQ(StoredReaders(m, e), (std::vector<std::string>{"una", "ulysses"}));
}

TEST(StoredMarkings, OwnMarkingsWhenNothingNarrows) {
  Message m = MessageFrom(kIq, stix::Tlp::kAmber, {std::string(kIdentityJo)}, {{}, 0, {"jamil"}});
  EffectiveReleasability e;
  e.all = {Rel(kIq, Bit(kJo))};
  MessageMarkings own{stix::Tlp::kAmber, {std::string(kIdentityJo)}, {}};
  EXPECT_EQ(StoredMarkings(m, e, kUsers, IdentityOf), own);  // no reference
  e.all.push_back(Rel(kFr, kAll));
  EXPECT_EQ(StoredMarkings(m, e, kUsers, IdentityOf), own);  // a wider reference
  Message unmarked = MessageFrom(kIq, stix::Tlp::kNone, {}, {{}, 0, {"basim"}});
  e.all = {Rel(kIq, 0), Rel(kJo, Bit(kIq))};
  EXPECT_EQ(StoredMarkings(unmarked, e, kUsers, IdentityOf), (MessageMarkings{}));
  EXPECT_TRUE(StoredReaders(unmarked, e).empty());
}

TEST(StoredMarkings, RedReferenceMakesTheMessageRed) {
  Message m = MessageFrom(kIq, stix::Tlp::kGreen, {}, {{}, 0, {"basim"}});
  EffectiveReleasability e;
  e.all = {Rel(kIq, kAll), Rel(kUk, 0, true, {"jamil", "basim"})};
  MessageMarkings mk = StoredMarkings(m, e, kUsers, IdentityOf);
  EXPECT_EQ(mk.tlp, stix::Tlp::kRed);
  // jamil is named; una and ulysses are of the reference's originator; jana and fleur not.
  EXPECT_EQ(StoredReaders(m, e), (std::vector<std::string>{"jamil", "una", "ulysses"}));
}

TEST(StoredMarkings, RedStaysRedForItsNamedUsersOnly) {
  Message m = MessageFrom(kIq, stix::Tlp::kRed, {}, {{}, 0, {"jamil", "fleur"}});
  EffectiveReleasability e;
  e.all = {Rel(kIq, 0, true, {"jamil", "fleur"}), Rel(kJo, Bit(kIq) | Bit(kUk))};
  MessageMarkings mk = StoredMarkings(m, e, kUsers, IdentityOf);
  EXPECT_EQ(mk.tlp, stix::Tlp::kRed);
  EXPECT_EQ(mk.recipients, std::vector<std::string>{"jamil"});  // fleur: not in the reference
  EXPECT_EQ(StoredReaders(m, e), std::vector<std::string>{"jamil"});
}

// The property, over every combination of a small universe: a reader outside the sender's
// party reads the stored message iff the markings of every entry let them.
TEST(StoredMarkings, NeverWiderNorNarrowerThanTheEntries) {
  const std::vector<policy::Releasability> refs = {Rel(kJo, Bit(kIq)),
                                                   Rel(kJo, kAll),
                                                   Rel(kFr, Bit(kIq) | Bit(kUk)),
                                                   Rel(kUk, 0, true, {"amal", "jana"}),
                                                   Rel(kIq, 0),
                                                   Rel(kIq, 0, true, {"una"})};
  const std::vector<Message> messages = {
      MessageFrom(kIq, stix::Tlp::kGreen, {}, {}),
      MessageFrom(kIq, stix::Tlp::kAmber, {std::string(kIdentityJo), std::string(kIdentityUk)}, {}),
      MessageFrom(kIq, stix::Tlp::kRed, {}, {{}, 0, {"jana", "una", "fleur"}}),
      MessageFrom(kIq, stix::Tlp::kNone, {}, {})};
  for (const Message& m : messages) {
    Result<policy::Releasability> own = MessageReleasability(m, kAll, PartyOfIdentity);
    ASSERT_TRUE(own.ok());
    for (std::size_t i = 0; i < refs.size(); ++i) {
      for (std::size_t j = i; j < refs.size(); ++j) {
        EffectiveReleasability e;
        e.all = {*own, refs[i], refs[j]};
        std::vector<std::string> expected;
        for (const Member& u : kUsers) {
          if (u.party != kIq && e.Allows(u.AsReader())) expected.push_back(u.name);
        }
        EXPECT_EQ(StoredReaders(m, e), expected)
            << "message tlp " << int(m.tlp) << ", refs " << i << ", " << j;
      }
    }
  }
}

TEST(Release, AllInsideReturnsTheRecipients) {
  EffectiveReleasability e{{Rel(kIq, kAll)}};
  std::vector<Member> recipients = {kUsers[2], kUsers[4]};
  Result<std::vector<Member>> r = CheckRelease(recipients, e);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, recipients);
}

TEST(Release, EveryOutsiderIsListedAndNothingIsReleased) {
  // The message is AMBER to all, but it references an object releasable to iq and jo only.
  EffectiveReleasability e{{Rel(kIq, kAll), Rel(kJo, Bit(kIq))}};
  std::vector<Member> recipients = {kUsers[1], kUsers[2], kUsers[4], kUsers[6], kUsers[7]};
  EXPECT_EQ(OutsideReleasability(recipients, e),
            (std::vector<std::string>{"fleur", "una", "ulysses"}));
  Result<std::vector<Member>> r = CheckRelease(recipients, e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnprocessable);
  EXPECT_EQ(r.status().message(),
            "recipients outside the message's releasability: fleur, una, ulysses");
}

TEST(Release, InvisibleAndAbsentReferencesGiveTheSameError) {
  const std::string visible = "indicator--00000000-0000-4000-8000-000000000001";
  const std::string hidden = "indicator--00000000-0000-4000-8000-000000000002";
  const std::string absent = "indicator--00000000-0000-4000-8000-000000000003";
  std::map<std::string, policy::Releasability> held = {{visible, Rel(kJo, kAll)},
                                                       {hidden, Rel(kJo, Bit(kUk))}};
  int asked_about_hidden = 0;
  SenderCanSee can_see = [&](std::string_view id) { return id != hidden; };
  ReleasabilityOf rel_of = [&](std::string_view id) -> std::optional<policy::Releasability> {
    if (id == hidden) ++asked_about_hidden;
    auto it = held.find(std::string(id));
    if (it == held.end()) return std::nullopt;
    return it->second;
  };
  const policy::Releasability own = Rel(kIq, kAll);

  std::vector<std::string> refs = {visible};
  Result<EffectiveReleasability> ok = EffectiveFor(own, refs, can_see, rel_of);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->all.size(), 2u);

  refs = {visible, hidden};
  Result<EffectiveReleasability> h = EffectiveFor(own, refs, can_see, rel_of);
  refs = {visible, absent};
  Result<EffectiveReleasability> a = EffectiveFor(own, refs, can_see, rel_of);
  ASSERT_FALSE(h.ok());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(h.status().code(), a.status().code());
  EXPECT_EQ(h.status().message(), "object_refs: unknown object '" + hidden + "'");
  EXPECT_EQ(a.status().message(), "object_refs: unknown object '" + absent + "'");
  EXPECT_EQ(asked_about_hidden, 0);
}

SendLookups Lookups(const std::map<std::string, policy::Releasability>& held) {
  SendLookups l;
  l.users = kUsers;
  l.party_of = PartyOf;
  l.party_of_identity = PartyOfIdentity;
  l.all_parties = kAll;
  l.sender_can_see = [&held](std::string_view id) { return held.contains(std::string(id)); };
  l.releasability_of = [&held](std::string_view id) -> std::optional<policy::Releasability> {
    auto it = held.find(std::string(id));
    if (it == held.end()) return std::nullopt;
    return it->second;
  };
  return l;
}

TEST(PlanSend, ReleasesToRecipientsInsideEveryReference) {
  const std::string ref = "report--00000000-0000-4000-8000-000000000001";
  std::map<std::string, policy::Releasability> held = {{ref, Rel(kJo, Bit(kIq) | Bit(kUk))}};
  Message m = MessageFrom(kIq, stix::Tlp::kAmber, {}, {{"jo", "uk"}, policy::kRecipient, {}});
  m.object_refs = {ref};
  Result<SendPlan> plan = PlanSend(m, Lookups(held));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(Names(plan->recipients), (std::vector<std::string>{"jamil", "una"}));
  EXPECT_EQ(plan->message_releasability.parties, kAll);
  EXPECT_EQ(plan->effective.all.size(), 2u);
}

TEST(PlanSend, RefusesWhenAnyRecipientIsOutsideAReference) {
  const std::string ref = "report--00000000-0000-4000-8000-000000000001";
  std::map<std::string, policy::Releasability> held = {{ref, Rel(kJo, Bit(kIq))}};
  Message m = MessageFrom(kIq, stix::Tlp::kAmber, {}, {{"jo", "fr", "uk"}, policy::kRecipient, {}});
  m.object_refs = {ref};
  Result<SendPlan> plan = PlanSend(m, Lookups(held));
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(), "recipients outside the message's releasability: fleur, una");
}

TEST(PlanSend, MessageReleasabilityAloneAlsoBounds) {
  // GREEN narrowed to jo: a recipient in fr is outside even with no reference.
  Message m =
      MessageFrom(kIq, stix::Tlp::kGreen, {std::string(kIdentityJo)}, {{}, 0, {"jamil", "fleur"}});
  Result<SendPlan> plan = PlanSend(m, Lookups({}));
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find(": fleur"), std::string::npos);
}

TEST(PlanSend, RedMessageReachesOnlyNamedUsersAndTheSendersParty) {
  Message m = MessageFrom(kIq, stix::Tlp::kRed, {}, {{"iq", "jo"}, 0, {"jamil"}});
  Result<SendPlan> plan = PlanSend(m, Lookups({}));
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find(": jana"), std::string::npos);  // jo, not named
  m.recipients = {{"iq"}, 0, {"jamil"}};
  plan = PlanSend(m, Lookups({}));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(Names(plan->recipients), (std::vector<std::string>{"jamil", "amal", "basim"}));
}

TEST(PlanSend, ReferenceErrorComesBeforeRecipientErrors) {
  Message m = MessageFrom(kIq, stix::Tlp::kAmber, {}, {{}, 0, {"ghost"}});
  m.object_refs = {"report--00000000-0000-4000-8000-000000000009"};
  Result<SendPlan> plan = PlanSend(m, Lookups({}));
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("object_refs: unknown object"), std::string::npos);
}

}  // namespace
}  // namespace tansiq::dissem
