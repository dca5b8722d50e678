// Store conformance suite. The directory role: parties, users, tokens, collections, meta.
// Runs against every backend that implements the role (Backends, fixture.h).
#include "store/conformance/fixture.h"

namespace tansiq::store::conformance {
namespace {

class DirectoryConformance : public StoreConformance {};

TEST_P(DirectoryConformance, ClaimMetaSucceedsOncePerValue) {
  auto claim = [&](std::string_view value) {
    auto claimed = std::make_shared<bool>(false);
    Status s = store_->Write([&](WriteTxn& t) -> Status {
      auto r = t.ClaimMeta("analysis.brief_sent.7", value);
      if (!r.ok()) return r.status();
      *claimed = *r;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return *claimed;
  };
  EXPECT_TRUE(claim("2026-11-28"));   // absent: claimed
  EXPECT_FALSE(claim("2026-11-28"));  // the same value again: someone did it already
  EXPECT_TRUE(claim("2026-11-29"));   // a new day
  EXPECT_EQ(**store_->Meta("analysis.brief_sent.7"), "2026-11-29");
  // A claim in a job that fails afterwards is rolled back with it.
  Status failed = store_->Write([&](WriteTxn& t) -> Status {
    TANSIQ_RETURN_IF_ERROR(t.ClaimMeta("analysis.brief_sent.7", "2026-11-30").status());
    return Conflict("the send failed");
  });
  EXPECT_EQ(failed.code(), ErrorCode::kConflict);
  EXPECT_EQ(**store_->Meta("analysis.brief_sent.7"), "2026-11-29");
}

TEST_P(DirectoryConformance, PartiesUsersTokensCollectionsMeta) {
  auto parties = store_->Parties();
  ASSERT_TRUE(parties.ok());
  ASSERT_EQ(parties->size(), 3u);
  EXPECT_EQ((*parties)[1].code, "b");
  EXPECT_EQ((*parties)[1].index, 1);
  User u{0, "bob", 1, policy::kOfficer, false, "hash", {"carol"}, "ar"};
  auto id = std::make_shared<std::int64_t>(0);
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    auto r = t.AddUser(u);
                    if (!r.ok()) return r.status();
                    *id = *r;
                    TANSIQ_RETURN_IF_ERROR(t.AddToken({"tokhash", *r, "ci", 5}));
                    return t.PutMeta("hub.name", "Centre");
                  })
                  .ok());
  auto got = store_->UserByName("bob");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->alternates, std::vector<std::string>{"carol"});
  EXPECT_EQ((*got)->lang, "ar");
  EXPECT_EQ((*store_->TokenByHash("tokhash"))->user_id, *id);
  EXPECT_EQ((*store_->UserById(*id))->name, "bob");
  EXPECT_FALSE(store_->TokenByHash("other")->has_value());
  EXPECT_EQ(**store_->Meta("hub.name"), "Centre");
  EXPECT_EQ(store_->Collections()->size(), 2u);
  // Duplicate user name is a conflict and changes nothing.
  Status dup = store_->Write([&](WriteTxn& t) { return t.AddUser(u).status(); });
  EXPECT_EQ(dup.code(), ErrorCode::kConflict);
  EXPECT_EQ(store_->Users()->size(), 1u);
  // SetUserLang changes only the language; an unknown user is NotFound.
  ASSERT_TRUE(store_->Write([&](WriteTxn& t) { return t.SetUserLang(*id, "fa"); }).ok());
  auto after = store_->UserById(*id);
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->lang, "fa");
  EXPECT_EQ((*after)->password_hash, "hash");
  EXPECT_EQ((*after)->roles, policy::kOfficer);
  EXPECT_EQ(store_->Write([&](WriteTxn& t) { return t.SetUserLang(*id + 100, "ru"); }).code(),
            ErrorCode::kNotFound);
}

// RenameParty changes the display name and the names per language it is given (a language
// mapped to nothing loses its name), never the code, index or identity; an unknown party is
// NotFound; a rename in a job that fails is rolled back with it; it survives a reopen.
TEST_P(DirectoryConformance, RenamePartyChangesItsNamesAndNothingElse) {
  auto party = [&](policy::PartyIndex index) {
    auto all = store_->Parties();
    EXPECT_TRUE(all.ok());
    for (const auto& p : *all) {
      if (p.index == index) return p;
    }
    ADD_FAILURE() << "no party " << index;
    return Party{};
  };
  const Party before = party(1);
  const Party other = party(2);
  PartyRename first;
  first.name = "Bravo";
  first.names = {{"ar", "برافو"}, {"en", "Bravo"}, {"ru", "Браво"}};
  ASSERT_TRUE(store_->Write([&](WriteTxn& t) { return t.RenameParty(1, first); }).ok());
  Party p = party(1);
  EXPECT_EQ(p.name, "Bravo");
  EXPECT_EQ(p.code, before.code);
  EXPECT_EQ(p.identity_id, before.identity_id);
  EXPECT_EQ(p.names, (std::map<std::string, std::string>{
                         {"ar", "برافو"}, {"en", "Bravo"}, {"ru", "Браво"}}));

  // Only what is given changes: a new Arabic name, the Russian one removed, English kept.
  PartyRename second;
  second.names = {{"ar", "برافو الجديدة"}, {"ru", std::nullopt}, {"fa", std::nullopt}};
  ASSERT_TRUE(store_->Write([&](WriteTxn& t) { return t.RenameParty(1, second); }).ok());
  p = party(1);
  EXPECT_EQ(p.name, "Bravo");
  EXPECT_EQ(p.names,
            (std::map<std::string, std::string>{{"ar", "برافو الجديدة"}, {"en", "Bravo"}}));
  const Party other_after = party(2);
  EXPECT_EQ(other_after.name, other.name);
  EXPECT_EQ(other_after.names, other.names);

  // No such party: NotFound, and the rest of the hub unchanged.
  EXPECT_EQ(store_->Write([&](WriteTxn& t) { return t.RenameParty(40, first); }).code(),
            ErrorCode::kNotFound);
  // A rename inside a job that fails afterwards is rolled back with it.
  PartyRename undone;
  undone.name = "Never";
  undone.names = {{"en", std::nullopt}};
  Status failed = store_->Write([&](WriteTxn& t) -> Status {
    TANSIQ_RETURN_IF_ERROR(t.RenameParty(1, undone));
    return Conflict("changed my mind");
  });
  EXPECT_EQ(failed.code(), ErrorCode::kConflict);
  Reopen();
  p = party(1);
  EXPECT_EQ(p.name, "Bravo");
  EXPECT_EQ(p.names,
            (std::map<std::string, std::string>{{"ar", "برافو الجديدة"}, {"en", "Bravo"}}));
  EXPECT_EQ(store_->Parties()->size(), 3u);
}

// The write path through directory jobs (so it also runs on backends that do not store objects
// yet): a failing job rolls back alone in a group commit, a refused write (a known name) leaves
// the rest of its job usable, and acknowledged writes survive a reopen.
TEST_P(DirectoryConformance, GroupCommitRollsBackAFailedJobAloneAndKeepsTheRest) {
  std::atomic<int> done{0};
  Status bad_status, good_status;
  store_->Submit(
      [](WriteTxn& t) -> Status {
        TANSIQ_RETURN_IF_ERROR(t.PutMeta("k.bad", "1"));
        return Unprocessable("changed my mind");
      },
      [&](Status s) {
        bad_status = s;
        ++done;
      });
  store_->Submit([](WriteTxn& t) { return t.PutMeta("k.good", "1"); },
                 [&](Status s) {
                   good_status = s;
                   ++done;
                 });
  while (done < 2) std::this_thread::yield();
  EXPECT_EQ(bad_status.code(), ErrorCode::kUnprocessable);
  EXPECT_TRUE(good_status.ok()) << good_status.message();
  EXPECT_FALSE(store_->Meta("k.bad")->has_value());
  EXPECT_EQ(**store_->Meta("k.good"), "1");

  const User u{0, "dana", 1, policy::kOfficer, false, "", {}, ""};
  ASSERT_TRUE(store_->Write([&](WriteTxn& t) { return t.AddUser(u).status(); }).ok());
  auto second = std::make_shared<Status>();
  Status job = store_->Write([&](WriteTxn& t) -> Status {
    *second = t.AddUser(u).status();  // refused: the name is taken
    TANSIQ_RETURN_IF_ERROR(t.AddCollection({"c3", "party-b", "B", "", 1}));
    return t.PutMeta("k.after", "1");
  });
  EXPECT_EQ(second->code(), ErrorCode::kConflict);
  EXPECT_TRUE(job.ok()) << job.message();
  Reopen();
  EXPECT_EQ(**store_->Meta("k.after"), "1");
  EXPECT_EQ(**store_->Meta("k.good"), "1");
  EXPECT_EQ(store_->Collections()->size(), 3u);
  EXPECT_EQ(store_->Users()->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, DirectoryConformance,
                         ::testing::ValuesIn(Backends(Role::kDirectory)), BackendName);

}  // namespace
}  // namespace tansiq::store::conformance
