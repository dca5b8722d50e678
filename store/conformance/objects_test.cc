// Store conformance suite. The objects role: versions, TAXII filters and paging, visibility inside
// the query, heads, deletes, tombstones and derived objects. Runs against every backend of
// Backends() (fixture.h).
#include "store/conformance/fixture.h"
#include "store/testing/seed.h"

namespace tansiq::store::conformance {
namespace {

class ObjectConformance : public StoreConformance {};

TEST_P(ObjectConformance, StoresAndListsInDateAddedOrder) {
  ASSERT_TRUE(Put("c1", "indicator--1", 100, To(0, Bit(1))).ok());
  ASSERT_TRUE(Put("c1", "indicator--2", 100, To(0, Bit(1))).ok());
  auto page = store_->ListVersions(a_, "c1", {}, std::nullopt, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->rows.size(), 2u);
  EXPECT_EQ(page->rows[0].id, "indicator--1");
  EXPECT_LT(page->rows[0].date_added, page->rows[1].date_added);  // strictly increasing
  EXPECT_EQ(page->rows[0].json, "{\"id\":\"indicator--1\",\"v\":100}");
  EXPECT_EQ(page->rows[0].version_text, "100");
  EXPECT_FALSE(page->more);
}

TEST_P(ObjectConformance, DuplicateVersionIsIdempotent) {
  PutOutcome first, second;
  ASSERT_TRUE(Put("c1", "indicator--1", 100, To(0, 0), {}, &first).ok());
  ASSERT_TRUE(Put("c1", "indicator--1", 100, To(0, 0), {}, &second).ok());
  EXPECT_FALSE(first.duplicate);
  EXPECT_TRUE(second.duplicate);
  EXPECT_EQ(first.date_added, second.date_added);
  EXPECT_EQ(*store_->CountVersions(), 1);
}

TEST_P(ObjectConformance, VersionSelection) {
  for (Micros v : {100, 200, 300}) ASSERT_TRUE(Put("c1", "indicator--1", v, To(0, 0)).ok());
  VersionFilter f;
  EXPECT_EQ(Ids(a_, f), std::vector<std::string>{"indicator--1@300"});
  f.which = VersionFilter::Which::kFirst;
  EXPECT_EQ(Ids(a_, f), std::vector<std::string>{"indicator--1@100"});
  f.which = VersionFilter::Which::kAll;
  EXPECT_EQ(Ids(a_, f).size(), 3u);
  f.which = VersionFilter::Which::kListed;
  f.versions = {200, 300, 999};
  EXPECT_EQ(Ids(a_, f), (std::vector<std::string>{"indicator--1@200", "indicator--1@300"}));
}

TEST_P(ObjectConformance, FiltersByIdTypeAndAddedAfter) {
  PutOutcome o1;
  ASSERT_TRUE(Put("c1", "indicator--1", 100, To(0, 0), {}, &o1).ok());
  ASSERT_TRUE(Put("c1", "malware--2", 100, To(0, 0)).ok());
  VersionFilter f;
  f.types = {"malware"};
  EXPECT_EQ(Ids(a_, f), std::vector<std::string>{"malware--2@100"});
  f = {};
  f.ids = {"indicator--1", "nothing--3"};
  EXPECT_EQ(Ids(a_, f), std::vector<std::string>{"indicator--1@100"});
  f = {};
  f.added_after = o1.date_added;
  EXPECT_EQ(Ids(a_, f), std::vector<std::string>{"malware--2@100"});
}

TEST_P(ObjectConformance, VisibilityIsFilteredInsideTheQuery) {
  ASSERT_TRUE(Put("c1", "indicator--ab", 1, To(0, Bit(1))).ok());
  ASSERT_TRUE(Put("c1", "indicator--a", 1, To(0, 0)).ok());
  Releasability red{.originator = 0, .parties = Bit(0), .red = true, .recipients = {"carol"}};
  ASSERT_TRUE(Put("c1", "indicator--red", 1, red).ok());
  EXPECT_EQ(Ids(a_).size(), 3u);
  EXPECT_EQ(Ids(b_), std::vector<std::string>{"indicator--ab@1"});
  EXPECT_EQ(Ids(c_), std::vector<std::string>{"indicator--red@1"});
  EXPECT_TRUE(store_->IsVisible(b_, "indicator--ab"));
  EXPECT_FALSE(store_->IsVisible(b_, "indicator--a"));
  EXPECT_FALSE(store_->IsVisible(b_, "indicator--absent"));
  auto hidden = store_->HiddenAmong(b_, {"indicator--ab", "indicator--a", "indicator--absent"});
  ASSERT_TRUE(hidden.ok());
  EXPECT_EQ(*hidden, std::vector<std::string>{"indicator--a"});
}

TEST_P(ObjectConformance, RelationshipWithInvisibleEndIsInvisible) {
  ASSERT_TRUE(Put("c1", "indicator--ab", 1, To(0, Bit(1))).ok());
  ASSERT_TRUE(Put("c1", "malware--a", 1, To(0, 0)).ok());
  ASSERT_TRUE(Put("c1", "relationship--1", 1, To(0, Bit(1)), {"indicator--ab", "malware--a"}).ok());
  ASSERT_TRUE(
      Put("c1", "relationship--2", 1, To(0, Bit(1)), {"indicator--ab", "malware--absent"}).ok());
  EXPECT_EQ(Ids(b_), (std::vector<std::string>{"indicator--ab@1", "relationship--2@1"}));
  EXPECT_FALSE(store_->IsVisible(b_, "relationship--1"));
  EXPECT_TRUE(store_->IsVisible(a_, "relationship--1"));
}

TEST_P(ObjectConformance, ObjectsOnlyInAnotherPartysPrivateCollectionAreHidden) {
  // indicator--p is releasable to b, but held only in party a's private collection (c2).
  ASSERT_TRUE(Put("c2", "indicator--p", 1, To(0, Bit(1))).ok());
  ASSERT_TRUE(Put("c1", "indicator--ab", 1, To(0, Bit(1))).ok());
  ASSERT_TRUE(
      Put("c1", "relationship--p", 1, To(0, Bit(1)), {"indicator--ab", "indicator--p"}).ok());
  EXPECT_FALSE(store_->IsVisible(b_, "indicator--p"));
  EXPECT_TRUE(store_->IsVisible(a_, "indicator--p"));
  auto hidden = store_->HiddenAmong(b_, {"indicator--ab", "indicator--p"});
  ASSERT_TRUE(hidden.ok());
  EXPECT_EQ(*hidden, std::vector<std::string>{"indicator--p"});
  EXPECT_TRUE(store_->HiddenAmong(a_, {"indicator--ab", "indicator--p"})->empty());
  // A relationship to it is hidden with it; the originator's party sees both.
  EXPECT_FALSE(store_->IsVisible(b_, "relationship--p"));
  EXPECT_EQ(Ids(b_), std::vector<std::string>{"indicator--ab@1"});
  EXPECT_EQ(Ids(a_).size(), 2u);
  // Once it is also in the shared collection, b reads it (and the relationship).
  ASSERT_TRUE(Put("c1", "indicator--p", 1, To(0, Bit(1))).ok());
  EXPECT_TRUE(store_->IsVisible(b_, "indicator--p"));
  EXPECT_TRUE(store_->IsVisible(b_, "relationship--p"));
}

TEST_P(ObjectConformance, LatestVersionGovernsEveryVersion) {
  ASSERT_TRUE(Put("c1", "indicator--1", 100, To(0, Bit(1) | Bit(2))).ok());
  ASSERT_TRUE(Put("c1", "indicator--1", 200, To(0, Bit(2))).ok());  // recall from b
  VersionFilter all;
  all.which = VersionFilter::Which::kAll;
  EXPECT_TRUE(Ids(b_, all).empty());
  EXPECT_EQ(Ids(c_, all).size(), 2u);
  // An older version arriving late does not govern.
  ASSERT_TRUE(Put("c1", "indicator--1", 150, To(0, Bit(1))).ok());
  EXPECT_TRUE(Ids(b_, all).empty());
}

TEST_P(ObjectConformance, DeleteRecomputesTheHead) {
  ASSERT_TRUE(Put("c1", "indicator--1", 100, To(0, Bit(1))).ok());
  ASSERT_TRUE(Put("c1", "indicator--1", 200, To(0, 0)).ok());
  EXPECT_FALSE(store_->IsVisible(b_, "indicator--1"));
  auto n = std::make_shared<int>(0);
  ASSERT_TRUE(
      store_
          ->Write([&](WriteTxn& t) -> Status {
            auto r = t.DeleteVersions("c1", "indicator--1", {VersionFilter::Which::kLast, {}, {}});
            if (!r.ok()) return r.status();
            *n = *r;
            return Status::Ok();
          })
          .ok());
  EXPECT_EQ(*n, 1);
  EXPECT_TRUE(store_->IsVisible(b_, "indicator--1"));
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    return t.DeleteVersions("c1", "indicator--1", {}).status();
                  })
                  .ok());
  auto head = store_->Head("indicator--1");
  ASSERT_TRUE(head.ok());
  EXPECT_FALSE(head->has_value());
}

TEST_P(ObjectConformance, PagingVisitsEveryVisibleRowOnce) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(Put("c1", "indicator--" + std::to_string(i), 1, To(0, i % 3 ? Bit(1) : 0)).ok());
  }
  std::set<std::string> seen;
  std::optional<Cursor> cursor;
  int pages = 0;
  for (;;) {
    auto page = store_->ListVersions(b_, "c1", {}, cursor, 7);
    ASSERT_TRUE(page.ok());
    for (const auto& r : page->rows) EXPECT_TRUE(seen.insert(r.id).second);
    ++pages;
    if (!page->more) break;
    cursor = Cursor{page->rows.back().date_added, page->rows.back().seq};
  }
  EXPECT_EQ(seen.size(), 33u);
  EXPECT_EQ(pages, 5);
}

// Issue 16 item 1: a gate reference to a deleted object hides (a tombstone), for everyone and
// for good; the object stays its originator's (DeletedBy) until they store it again.
TEST_P(ObjectConformance, DeletedGateTargetHidesWhatIsGatedOnIt) {
  ASSERT_TRUE(Put("c1", "report--1", 100, To(0, Bit(1) | Bit(2))).ok());
  const Releasability all_of_b = To(1, Bit(0) | Bit(2));
  ASSERT_TRUE(Put("c1", "threat-actor--1", 100, all_of_b).ok());
  ASSERT_TRUE(Put("c1", "relationship--1", 100, all_of_b, {"threat-actor--1", "report--1"}).ok());
  ASSERT_TRUE(Put("c1", "relationship--2", 100, all_of_b, {"threat-actor--1", "report--x"})
                  .ok());  // report--x was never held
  EXPECT_TRUE(store_->IsVisible(c_, "relationship--1"));
  ASSERT_TRUE(
      store_->Write([](WriteTxn& t) { return t.DeleteVersions("c1", "report--1", {}).status(); })
          .ok());
  for (const Reader& r : {a_, b_, c_}) {
    EXPECT_FALSE(store_->IsVisible(r, "report--1")) << r.user_name;
    EXPECT_FALSE(store_->IsVisible(r, "relationship--1")) << r.user_name;  // bob's own too
    EXPECT_TRUE(store_->IsVisible(r, "relationship--2")) << r.user_name;   // never held
    auto hidden = store_->HiddenAmong(r, {"report--1", "report--x", "threat-actor--1"});
    ASSERT_TRUE(hidden.ok());
    EXPECT_EQ(*hidden, std::vector<std::string>{"report--1"}) << r.user_name;
    for (const auto& row : Ids(r)) EXPECT_EQ(row.find("relationship--1"), std::string::npos);
  }
  auto deleted = std::make_shared<std::optional<policy::PartyIndex>>();
  auto read_deleted = [&](WriteTxn& t) -> Status {
    auto d = t.DeletedBy("report--1");
    if (!d.ok()) return d.status();
    *deleted = *d;
    return Status::Ok();
  };
  ASSERT_TRUE(store_->Write(read_deleted).ok());
  EXPECT_EQ(*deleted, std::optional<policy::PartyIndex>(0));
  Reopen();  // for good: tombstones are durable
  EXPECT_FALSE(store_->IsVisible(c_, "relationship--1"));
  // Stored again by its originator: held, no longer deleted.
  ASSERT_TRUE(Put("c1", "report--1", 300, To(0, Bit(1) | Bit(2))).ok());
  EXPECT_TRUE(store_->IsVisible(c_, "relationship--1"));
  ASSERT_TRUE(store_->Write(read_deleted).ok());
  EXPECT_FALSE(deleted->has_value());
}

// Issue 16 items 1 and 2: derived objects are withdrawn (every version, every collection,
// tombstoned) in the transaction that makes another version of their source govern or
// deletes it; those derived from the governing version stay.
TEST_P(ObjectConformance, DerivedObjectsFollowTheGoverningVersionOfTheirSource) {
  auto derive = [&](const std::string& id, Micros version, Releasability rel,
                    std::vector<std::string> gates) {
    NewVersion v =
        test_support::DocVersion("c1", id, version, std::move(rel),
                                 "{\"id\":\"" + id + "\",\"name\":\"Khafaji\"}", std::move(gates));
    v.derived_from = "report--1";
    return store_->Write([v](WriteTxn& t) { return t.PutVersion(v).status(); });
  };
  const Releasability everyone = To(0, Bit(1) | Bit(2));
  ASSERT_TRUE(Put("c1", "report--1", 100, everyone).ok());
  ASSERT_TRUE(derive("identity--p", 100, everyone, {"report--1"}).ok());
  ASSERT_TRUE(derive("location--m", 100, everyone, {"report--1"}).ok());
  ASSERT_TRUE(derive("relationship--m", 100, everyone, {"report--1", "location--m"}).ok());
  EXPECT_TRUE(store_->IsVisible(b_, "identity--p"));
  if (Implements(Role::kSearch)) {
    EXPECT_EQ(store_->Search(c_, Words("khafaji"))->total, 3);
  }
  // A redaction that keeps the release: every derived object of version 100 goes at once.
  ASSERT_TRUE(Put("c1", "report--1", 200, everyone).ok());
  for (const char* id : {"identity--p", "location--m", "relationship--m"}) {
    EXPECT_FALSE(store_->Head(id)->has_value()) << id;
    EXPECT_FALSE(store_->IsVisible(a_, id)) << id;
  }
  EXPECT_TRUE(Ids(b_, {.ids = {"identity--p", "location--m", "relationship--m"}}).empty());
  if (Implements(Role::kSearch)) {
    EXPECT_EQ(store_->Search(c_, Words("khafaji"))->total, 0);
  }
  // The analysis of version 200 derives the place again (not the person): it stays.
  ASSERT_TRUE(derive("location--m", 200, everyone, {"report--1"}).ok());
  EXPECT_TRUE(store_->IsVisible(b_, "location--m"));
  // A recall (narrower, new version) withdraws it; its re-derivation is narrow.
  ASSERT_TRUE(Put("c1", "report--1", 300, To(0, 0)).ok());
  EXPECT_FALSE(store_->Head("location--m")->has_value());
  ASSERT_TRUE(derive("location--m", 300, To(0, 0), {"report--1"}).ok());
  EXPECT_FALSE(store_->IsVisible(b_, "location--m"));
  EXPECT_TRUE(store_->IsVisible(a_, "location--m"));
  // Deleting the recall version makes version 200 govern: what came from 300 goes.
  ASSERT_TRUE(store_
                  ->Write([](WriteTxn& t) {
                    return t
                        .DeleteVersions("c1", "report--1", {VersionFilter::Which::kLast, {}, {}})
                        .status();
                  })
                  .ok());
  EXPECT_FALSE(store_->Head("location--m")->has_value());
  // The delete of the source: everything derived goes and stays hidden (tombstones).
  ASSERT_TRUE(derive("location--m", 200, everyone, {"report--1"}).ok());
  ASSERT_TRUE(
      store_->Write([](WriteTxn& t) { return t.DeleteVersions("c1", "report--1", {}).status(); })
          .ok());
  for (const Reader& r : {a_, b_, c_}) {
    for (const char* id : {"report--1", "identity--p", "location--m", "relationship--m"}) {
      EXPECT_FALSE(store_->IsVisible(r, id)) << r.user_name << " " << id;
    }
    EXPECT_TRUE(Ids(r).empty()) << r.user_name;
    if (Implements(Role::kSearch)) {
      EXPECT_EQ(store_->Search(r, Words("khafaji"))->total, 0);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ObjectConformance, ::testing::ValuesIn(Backends(Role::kObjects)),
                         BackendName);

}  // namespace
}  // namespace tansiq::store::conformance
