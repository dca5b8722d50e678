// Backend conformance suite, written against the Store interface only. Every backend
// (SQLite now, PostgreSQL later) runs these same tests through its factory.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "store/store.h"

namespace tansiq::store {
namespace {

using policy::Bit;
using policy::Reader;
using policy::Releasability;

// Opens a fresh backend at a unique location; `Reopen` opens the same data again.
struct Backend {
  std::string name;
  std::function<std::unique_ptr<Store>(const std::string& dir, const Clock* clock)> open;
};

std::vector<Backend> Backends() {
  return {{"sqlite", [](const std::string& dir, const Clock* clock) {
             auto s = OpenSqlite({.path = dir + "/hub.db", .clock = clock});
             EXPECT_TRUE(s.ok()) << s.status().message();
             return std::move(*s);
           }}};
}

Status PutDoc(Store& store, const std::string& coll, const std::string& id, Micros version,
              Releasability rel, const std::string& json, std::vector<std::string> gates = {},
              PutOutcome* out = nullptr) {
  NewVersion v;
  v.collection_id = coll;
  v.id = id;
  v.type = id.substr(0, id.find("--"));
  v.spec_version = "2.1";
  v.version = version;
  v.version_text = std::to_string(version);
  v.json = json;
  v.refs = gates;
  v.gate_refs = std::move(gates);
  v.releasability = std::move(rel);
  return store.Write([&](WriteTxn& t) -> Status {
    auto r = t.PutVersion(v);
    if (!r.ok()) return r.status();
    if (out) *out = *r;
    return Status::Ok();
  });
}

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tansiq-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = GetParam().open(dir_.string(), &clock_);
    ASSERT_TRUE(store_
                    ->Write([](WriteTxn& t) -> Status {
                      for (const char* code : {"a", "b", "c"}) {
                        auto p = t.AddParty({0, code, code, std::string("identity--") + code});
                        if (!p.ok()) return p.status();
                      }
                      TANSIQ_RETURN_IF_ERROR(
                          t.AddCollection({"c1", "coalition", "Coalition", "", std::nullopt}));
                      return t.AddCollection({"c2", "party-a", "A", "", 0});
                    })
                    .ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    store_ = GetParam().open(dir_.string(), &clock_);
  }

  static Releasability To(policy::PartyIndex originator, policy::PartyMask parties) {
    return {.originator = originator, .parties = parties | Bit(originator)};
  }
  Status Put(const std::string& coll, const std::string& id, Micros version, Releasability rel,
             std::vector<std::string> gates = {}, PutOutcome* out = nullptr) {
    return PutDoc(*store_, coll, id, version, std::move(rel),
                  "{\"id\":\"" + id + "\",\"v\":" + std::to_string(version) + "}", std::move(gates),
                  out);
  }
  std::vector<std::string> Ids(const Reader& r, VersionFilter f = {}, std::string coll = "c1") {
    auto page = store_->ListVersions(r, coll, f, std::nullopt, 1000);
    EXPECT_TRUE(page.ok());
    std::vector<std::string> out;
    for (const auto& row : page->rows) out.push_back(row.id + "@" + std::to_string(row.version));
    return out;
  }

  static inline std::atomic<int> counter_{0};
  std::filesystem::path dir_;
  ManualClock clock_{1'700'000'000'000'000};
  std::unique_ptr<Store> store_;
  const Reader a_{1, "alice", 0, policy::kOfficer};
  const Reader b_{2, "bob", 1, policy::kOfficer};
  const Reader c_{3, "carol", 2, policy::kOfficer};
};

TEST_P(StoreConformance, ClaimMetaSucceedsOncePerValue) {
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

TEST_P(StoreConformance, StoresAndListsInDateAddedOrder) {
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

TEST_P(StoreConformance, DuplicateVersionIsIdempotent) {
  PutOutcome first, second;
  ASSERT_TRUE(Put("c1", "indicator--1", 100, To(0, 0), {}, &first).ok());
  ASSERT_TRUE(Put("c1", "indicator--1", 100, To(0, 0), {}, &second).ok());
  EXPECT_FALSE(first.duplicate);
  EXPECT_TRUE(second.duplicate);
  EXPECT_EQ(first.date_added, second.date_added);
  EXPECT_EQ(*store_->CountVersions(), 1);
}

TEST_P(StoreConformance, VersionSelection) {
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

TEST_P(StoreConformance, FiltersByIdTypeAndAddedAfter) {
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

TEST_P(StoreConformance, VisibilityIsFilteredInsideTheQuery) {
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

TEST_P(StoreConformance, RelationshipWithInvisibleEndIsInvisible) {
  ASSERT_TRUE(Put("c1", "indicator--ab", 1, To(0, Bit(1))).ok());
  ASSERT_TRUE(Put("c1", "malware--a", 1, To(0, 0)).ok());
  ASSERT_TRUE(Put("c1", "relationship--1", 1, To(0, Bit(1)), {"indicator--ab", "malware--a"}).ok());
  ASSERT_TRUE(
      Put("c1", "relationship--2", 1, To(0, Bit(1)), {"indicator--ab", "malware--absent"}).ok());
  EXPECT_EQ(Ids(b_), (std::vector<std::string>{"indicator--ab@1", "relationship--2@1"}));
  EXPECT_FALSE(store_->IsVisible(b_, "relationship--1"));
  EXPECT_TRUE(store_->IsVisible(a_, "relationship--1"));
}

TEST_P(StoreConformance, ObjectsOnlyInAnotherPartysPrivateCollectionAreHidden) {
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

TEST_P(StoreConformance, LatestVersionGovernsEveryVersion) {
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

TEST_P(StoreConformance, DeleteRecomputesTheHead) {
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

TEST_P(StoreConformance, PagingVisitsEveryVisibleRowOnce) {
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

TEST_P(StoreConformance, FailedJobRollsBackAloneInAGroupCommit) {
  std::atomic<int> done{0};
  Status bad_status, good_status;
  store_->Submit(
      [](WriteTxn& t) -> Status {
        NewVersion v{"c1", "indicator--x", "indicator", "2.1", 1, "1", "{}", {}, {}, {}};
        auto r = t.PutVersion(v);
        if (!r.ok()) return r.status();
        return Unprocessable("changed my mind");
      },
      [&](Status s) {
        bad_status = s;
        ++done;
      });
  store_->Submit(
      [](WriteTxn& t) -> Status {
        NewVersion v{"c1", "indicator--y", "indicator", "2.1", 1, "1", "{}", {}, {}, {}};
        return t.PutVersion(v).status();
      },
      [&](Status s) {
        good_status = s;
        ++done;
      });
  while (done < 2) std::this_thread::yield();
  EXPECT_EQ(bad_status.code(), ErrorCode::kUnprocessable);
  EXPECT_TRUE(good_status.ok());
  EXPECT_FALSE(store_->Head("indicator--x")->has_value());
  EXPECT_TRUE(store_->Head("indicator--y")->has_value());
}

TEST_P(StoreConformance, AcknowledgedWritesSurviveReopen) {
  ASSERT_TRUE(Put("c1", "indicator--1", 100, To(0, 0)).ok());
  Micros before = store_->ListVersions(a_, "c1", {}, std::nullopt, 1)->rows[0].date_added;
  Reopen();
  EXPECT_EQ(Ids(a_), std::vector<std::string>{"indicator--1@100"});
  // date_added stays strictly increasing across restarts even if the clock went back.
  clock_.Set(0);
  ASSERT_TRUE(Put("c1", "indicator--2", 100, To(0, 0)).ok());
  VersionFilter f;
  f.ids = {"indicator--2"};
  EXPECT_GT(store_->ListVersions(a_, "c1", f, std::nullopt, 1)->rows[0].date_added, before);
}

TEST_P(StoreConformance, PartiesUsersTokensCollectionsMeta) {
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

TEST_P(StoreConformance, StatusAndAuditRoundTrip) {
  ASSERT_TRUE(store_
                  ->Write([](WriteTxn& t) -> Status {
                    TANSIQ_RETURN_IF_ERROR(t.PutStatus({"s1", 7, 9, "{\"id\":\"s1\"}"}));
                    TANSIQ_RETURN_IF_ERROR(
                        t.AppendAudit({1, 2, "bob", "b", "object.write", "x", "ok", "0", "h1"}));
                    TANSIQ_RETURN_IF_ERROR(
                        t.AppendAudit({2, 3, "bob", "b", "object.read", "x", "ok", "h1", "h2"}));
                    auto last = t.LastAudit();
                    if (!last.ok() || !last->has_value() || (*last)->hash != "h2")
                      return Internal("last");
                    return t.AppendSeal({2, "h2", "sig", 4});
                  })
                  .ok());
  EXPECT_EQ((*store_->GetStatus("s1"))->owner_user, 7);
  std::vector<std::string> hashes;
  ASSERT_TRUE(store_
                  ->ScanAudit([&](const AuditRecord& r) {
                    hashes.push_back(r.hash);
                    return true;
                  })
                  .ok());
  EXPECT_EQ(hashes, (std::vector<std::string>{"h1", "h2"}));
  EXPECT_EQ(store_->Seals()->at(0).signature, "sig");
}

TEST_P(StoreConformance, ConcurrentWritersAndReaders) {
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE(Put("c1", "indicator--" + std::to_string(w * 1000 + i), 1, To(0, Bit(1))).ok());
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 50; ++i) EXPECT_TRUE(store_->ListVersions(b_, "c1", {}, {}, 10).ok());
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(*store_->CountVersions(), 200);
}

std::vector<std::string> HitIds(const SearchResult& r) {
  std::vector<std::string> ids;
  for (const auto& h : r.hits) ids.push_back(h.id);
  return ids;
}

SearchQuery Words(std::string text, std::vector<std::string> keys = {}) {
  SearchQuery q;
  q.all.push_back({{SearchTerm{std::move(text), false, {}}}});
  if (!keys.empty()) q.all.back().any.push_back(SearchTerm{"", false, std::move(keys)});
  return q;
}

TEST_P(StoreConformance, SearchFindsWhatTheReaderMaySeeInAnyScript) {
  ASSERT_TRUE(PutDoc(*store_, "c1", "report--1", 1, To(0, Bit(1)),
                     R"({"name":"تقرير","description":"دور فتاك في محاربة الإرهاب"})")
                  .ok());
  ASSERT_TRUE(PutDoc(*store_, "c1", "report--2", 1, To(0, 0),
                     R"({"name":"secret","description":"محاربة الارهاب سرا"})")
                  .ok());
  ASSERT_TRUE(PutDoc(*store_, "c1", "note--3", 1, To(1, 0),
                     R"({"content":"Террористы ИГИЛа","abstract":"Хафаджи"})")
                  .ok());
  SearchQuery q = Words("الارهاب");  // without hamza: meets الإرهاب
  auto a = store_->Search(a_, q);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->total, 2);
  auto b = store_->Search(b_, q);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->total, 1);
  EXPECT_EQ(HitIds(*b), std::vector<std::string>{"report--1"});
  EXPECT_NE(b->hits[0].snippet.find("\x02"), std::string::npos) << b->hits[0].snippet;
  EXPECT_NE(b->hits[0].snippet.find("الإرهاب"), std::string::npos);  // original script
  EXPECT_EQ(b->facets[0].first, "type");
  EXPECT_EQ(store_->Search(c_, q)->total, 0);
  // A Latin spelling meets the Cyrillic name through its name key.
  q = Words("al-Khafaji", {"hfj"});
  EXPECT_EQ(HitIds(*store_->Search(b_, q)), std::vector<std::string>{"note--3"});
  EXPECT_EQ(store_->Search(a_, q)->total, 0);  // note--3 is b's alone
}

TEST_P(StoreConformance, SearchLeavesOutExcludedCreators) {
  ASSERT_TRUE(PutDoc(*store_, "c1", "report--1", 1, To(0, Bit(1)),
                     R"({"name":"Mosul","created_by_ref":"identity--party"})")
                  .ok());
  ASSERT_TRUE(PutDoc(*store_, "c1", "location--2", 1, To(0, Bit(1)),
                     R"({"name":"Mosul","created_by_ref":"identity--hub"})")
                  .ok());
  SearchQuery q = Words("mosul");
  EXPECT_EQ(store_->Search(b_, q)->total, 2);
  q.exclude_creators = {"identity--hub"};
  auto r = store_->Search(b_, q);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(HitIds(*r), std::vector<std::string>{"report--1"});
  EXPECT_EQ(r->total, 1);
  ASSERT_FALSE(r->facets.empty());
  EXPECT_EQ(r->facets[0].second.size(), 1u);  // by type: report only
}

TEST_P(StoreConformance, SearchFollowsRecallAndDelete) {
  ASSERT_TRUE(PutDoc(*store_, "c1", "report--1", 1, To(0, Bit(1)), R"({"name":"Mosul"})").ok());
  SearchQuery q = Words("mosul");
  EXPECT_EQ(store_->Search(b_, q)->total, 1);
  ASSERT_TRUE(PutDoc(*store_, "c1", "report--1", 2, To(0, 0), R"({"name":"Mosul"})").ok());
  EXPECT_EQ(store_->Search(b_, q)->total, 0);  // recalled
  EXPECT_EQ(store_->Search(a_, q)->total, 1);
  ASSERT_TRUE(PutDoc(*store_, "c1", "report--1", 3, To(0, 0), R"({"name":"Basra"})").ok());
  EXPECT_EQ(store_->Search(a_, q)->total, 0);  // only the latest version is indexed
  ASSERT_TRUE(store_
                  ->Write([](WriteTxn& t) {
                    return t
                        .DeleteVersions("c1", "report--1", {VersionFilter::Which::kLast, {}, {}})
                        .status();
                  })
                  .ok());
  EXPECT_EQ(store_->Search(a_, q)->total, 1);  // version 2 governs again
  ASSERT_TRUE(
      store_->Write([](WriteTxn& t) { return t.DeleteVersions("c1", "report--1", {}).status(); })
          .ok());
  EXPECT_EQ(store_->Search(a_, q)->total, 0);
}

// Issue 16 item 1: a gate reference to a deleted object hides (a tombstone), for everyone and
// for good; the object stays its originator's (DeletedBy) until they store it again.
TEST_P(StoreConformance, DeletedGateTargetHidesWhatIsGatedOnIt) {
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
TEST_P(StoreConformance, DerivedObjectsFollowTheGoverningVersionOfTheirSource) {
  auto derive = [&](const std::string& id, Micros version, Releasability rel,
                    std::vector<std::string> gates) {
    NewVersion v;
    v.collection_id = "c1";
    v.id = id;
    v.type = id.substr(0, id.find("--"));
    v.spec_version = "2.1";
    v.version = version;
    v.version_text = std::to_string(version);
    v.json = "{\"id\":\"" + id + "\",\"name\":\"Khafaji\"}";
    v.gate_refs = std::move(gates);
    v.refs = v.gate_refs;
    v.releasability = std::move(rel);
    v.derived_from = "report--1";
    return store_->Write([v](WriteTxn& t) { return t.PutVersion(v).status(); });
  };
  const Releasability everyone = To(0, Bit(1) | Bit(2));
  ASSERT_TRUE(Put("c1", "report--1", 100, everyone).ok());
  ASSERT_TRUE(derive("identity--p", 100, everyone, {"report--1"}).ok());
  ASSERT_TRUE(derive("location--m", 100, everyone, {"report--1"}).ok());
  ASSERT_TRUE(derive("relationship--m", 100, everyone, {"report--1", "location--m"}).ok());
  EXPECT_TRUE(store_->IsVisible(b_, "identity--p"));
  EXPECT_EQ(store_->Search(c_, Words("khafaji"))->total, 3);
  // A redaction that keeps the release: every derived object of version 100 goes at once.
  ASSERT_TRUE(Put("c1", "report--1", 200, everyone).ok());
  for (const char* id : {"identity--p", "location--m", "relationship--m"}) {
    EXPECT_FALSE(store_->Head(id)->has_value()) << id;
    EXPECT_FALSE(store_->IsVisible(a_, id)) << id;
  }
  EXPECT_TRUE(Ids(b_, {.ids = {"identity--p", "location--m", "relationship--m"}}).empty());
  EXPECT_EQ(store_->Search(c_, Words("khafaji"))->total, 0);
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
    EXPECT_EQ(store_->Search(r, Words("khafaji"))->total, 0);
  }
}

TEST_P(StoreConformance, SearchBoundsCountAndRankVisibleMatchesOnly) {
  // 10 reports b may see, then 20 newer ones it may not (a's alone).
  for (int i = 0; i < 30; ++i) {
    const bool shared = i < 10;
    const std::string name = i % 4 == 1 ? "zeta bulletin" : "bulletin";
    ASSERT_TRUE(PutDoc(*store_, "c1", "report--" + std::to_string(100 + i), 1,
                       To(0, shared ? Bit(1) : 0),
                       R"({"name":")" + name + R"(","description":"zeta log )" +
                           std::string(static_cast<std::size_t>(i % 3 + 1), 'z') + R"("})")
                    .ok());
  }
  SearchQuery all = Words("zeta");
  all.limit = 100;
  auto exact = store_->Search(b_, all);
  ASSERT_TRUE(exact.ok()) << exact.status().message();
  EXPECT_EQ(exact->total, 10);
  EXPECT_TRUE(exact->total_exact);
  ASSERT_EQ(exact->hits.size(), 10u);
  // Below the window, the order is the unbounded one.
  SearchQuery wide = all;
  wide.total_bound = 10;
  wide.rank_window = 10;
  EXPECT_EQ(HitIds(*store_->Search(b_, wide)), HitIds(*exact));
  EXPECT_TRUE(store_->Search(b_, wide)->total_exact);
  // A small bound: "4 or more", facets over the same 4; every visible match still reachable.
  SearchQuery bounded = all;
  bounded.total_bound = 4;
  bounded.rank_window = 3;
  auto b = store_->Search(b_, bounded);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->total, 4);
  EXPECT_FALSE(b->total_exact);
  for (const auto& [name, values] : b->facets) {
    std::int64_t sum = 0;
    for (const auto& v : values) sum += v.second;
    EXPECT_EQ(sum, 4) << name;
  }
  std::vector<std::string> ids = HitIds(*b);
  std::vector<std::string> sorted = ids, expected = HitIds(*exact);
  std::sort(sorted.begin(), sorted.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted, expected);
  // Pages of one agree with the whole list.
  std::vector<std::string> paged;
  for (std::size_t offset = 0; offset < 12; ++offset) {
    SearchQuery one = bounded;
    one.limit = 1;
    one.offset = offset;
    for (auto& id : HitIds(*store_->Search(b_, one))) paged.push_back(id);
  }
  EXPECT_EQ(paged, ids);
  // The name tier first: of the newest 4 (the bound) visible reports, 109..106, the one with
  // "zeta" in its name; then windows of 3 over the visible ones, newest first, without it.
  EXPECT_EQ(ids[0], "report--109");
  const std::vector<std::vector<std::string>> windows = {
      {"report--107", "report--108"},
      {"report--104", "report--105", "report--106"},
      {"report--101", "report--102", "report--103"},
      {"report--100"}};
  std::size_t at = 1;
  for (const auto& w : windows) {
    std::vector<std::string> got(ids.begin() + static_cast<std::ptrdiff_t>(at),
                                 ids.begin() + static_cast<std::ptrdiff_t>(at + w.size()));
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, w);
    at += w.size();
  }
  // Party c sees none of them, bounded or not.
  EXPECT_EQ(store_->Search(c_, bounded)->total, 0);
  EXPECT_TRUE(store_->Search(c_, bounded)->total_exact);
}

TEST_P(StoreConformance, SearchHonoursPrivateCollections) {
  ASSERT_TRUE(PutDoc(*store_, "c2", "report--1", 1, To(0, Bit(1)), R"({"name":"Raqqa"})").ok());
  SearchQuery q = Words("raqqa");
  EXPECT_EQ(store_->Search(a_, q)->total, 1);
  EXPECT_EQ(store_->Search(b_, q)->total, 0);  // releasable to b, but only in a's collection
}

TEST_P(StoreConformance, SearchSyntaxInUserTextIsJustText) {
  ASSERT_TRUE(PutDoc(*store_, "c1", "report--1", 1, To(0, 0), R"({"name":"a NOT b \"x\""})").ok());
  for (std::string text : {"\"unbalanced", "a NOT", "NEAR(a b", "*", "names:x", "\x1f~x"}) {
    auto r = store_->Search(a_, Words(text));
    EXPECT_TRUE(r.ok()) << text << ": " << r.status().message();
  }
  EXPECT_EQ(store_->Search(a_, SearchQuery{}).status().code(), ErrorCode::kInvalidArgument);
  SearchQuery q = Words("a");
  q.none.push_back({{SearchTerm{"b", false, {}}}});
  EXPECT_EQ(store_->Search(a_, q)->total, 0);  // exclusion
}

// Totals, facets and pages mix rows decided by the party bitmask with TLP:RED and gated rows,
// which only the exact rule decides (against the live heads of the gate targets).
TEST_P(StoreConformance, SearchCountsRedAndGatedRowsExactly) {
  Releasability red{.originator = 0, .parties = Bit(0), .red = true, .recipients = {"carol"}};
  ASSERT_TRUE(PutDoc(*store_, "c1", "report--plain", 1, To(0, Bit(1)),
                     R"({"name":"Kirkuk","description":"kirkuk"})")
                  .ok());
  ASSERT_TRUE(
      PutDoc(*store_, "c1", "report--red", 1, red, R"({"description":"kirkuk kirkuk"})").ok());
  ASSERT_TRUE(PutDoc(*store_, "c1", "relationship--g", 1, To(0, Bit(1) | Bit(2)),
                     R"({"description":"kirkuk"})", {"report--red"})
                  .ok());
  auto ids = [&](const Reader& r) {
    std::set<std::string> out;
    std::int64_t total = -1;
    for (std::size_t offset = 0; offset < 4; ++offset) {
      SearchQuery q = Words("kirkuk");
      q.limit = 1;
      q.offset = offset;
      auto res = store_->Search(r, q);
      EXPECT_TRUE(res.ok());
      if (!res.ok()) return out;
      if (total >= 0) {
        EXPECT_EQ(res->total, total);
      }
      total = res->total;
      for (const auto& f : res->facets) {
        std::int64_t sum = 0;
        for (const auto& v : f.second) sum += v.second;
        EXPECT_EQ(sum, total) << f.first;
      }
      EXPECT_EQ(res->hits.size(), offset < static_cast<std::size_t>(total) ? 1u : 0u);
      for (const auto& h : res->hits) EXPECT_TRUE(out.insert(h.id).second) << h.id;
    }
    EXPECT_EQ(static_cast<std::int64_t>(out.size()), total);
    return out;
  };
  using S = std::set<std::string>;
  EXPECT_EQ(ids(a_), (S{"report--plain", "report--red", "relationship--g"}));
  EXPECT_EQ(ids(b_), (S{"report--plain"}));
  EXPECT_EQ(ids(c_), (S{"report--red", "relationship--g"}));
  // The gate target is re-released to b only: the gated row follows at once.
  ASSERT_TRUE(
      PutDoc(*store_, "c1", "report--red", 2, To(0, Bit(1)), R"({"description":"kirkuk kirkuk"})")
          .ok());
  EXPECT_EQ(ids(a_), (S{"report--plain", "report--red", "relationship--g"}));
  EXPECT_EQ(ids(b_), (S{"report--plain", "report--red", "relationship--g"}));
  EXPECT_EQ(ids(c_), S{});
}

TEST_P(StoreConformance, MessagesDeliveriesAndTheDurableQueue) {
  auto delivery = [](std::string id, std::int64_t user, int state, Micros deadline = 0) {
    DeliveryRecord d;
    d.message_id = std::move(id);
    d.user_id = user;
    d.state = state;
    d.queued_at = 10;
    d.deadline = deadline;
    return d;
  };
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    TANSIQ_RETURN_IF_ERROR(t.PutMessage({"m-routine", 3, 1, 100, "{\"r\":1}"}));
                    TANSIQ_RETURN_IF_ERROR(t.PutMessage({"m-flash", 0, 1, 50, "{\"f\":1}"}));
                    TANSIQ_RETURN_IF_ERROR(t.PutMessage({"m-other", 2, 2, 70, "{}"}));
                    TANSIQ_RETURN_IF_ERROR(t.PutDelivery(delivery("m-routine", 2, 0)));
                    TANSIQ_RETURN_IF_ERROR(t.PutDelivery(delivery("m-flash", 2, 0, 999)));
                    TANSIQ_RETURN_IF_ERROR(t.PutDelivery(delivery("m-flash", 3, 1, 999)));
                    return t.PutDelivery(delivery("m-other", 3, 0));
                  })
                  .ok());
  // A second message with a known id is a conflict, and rolls back its job.
  Status dup = store_->Write([&](WriteTxn& t) -> Status {
    TANSIQ_RETURN_IF_ERROR(t.PutDelivery(delivery("m-routine", 9, 0)));
    return t.PutMessage({"m-flash", 0, 1, 50, "{}"});
  });
  EXPECT_EQ(dup.code(), ErrorCode::kConflict);

  auto queue = store_->Inbox(2, /*undelivered_only=*/true, 100, 0);
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 2u);                  // m-ghost was rolled back
  EXPECT_EQ((*queue)[0].message.id, "m-flash");  // FLASH first
  EXPECT_EQ((*queue)[0].message.json, "{\"f\":1}");
  EXPECT_EQ((*queue)[1].message.id, "m-routine");

  // Delivery to user 2 of the FLASH: off the queue, the row replaced with its new state.
  DeliveryRecord done = delivery("m-flash", 2, 3);
  done.delivered_at = 20;
  done.acknowledged_at = 30;
  done.detail = "{\"x\":1}";
  ASSERT_TRUE(store_->Write([&](WriteTxn& t) { return t.PutDelivery(done); }).ok());
  queue = store_->Inbox(2, true, 100, 0);
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].message.id, "m-routine");
  auto inbox = store_->Inbox(2, false, 100, 0);
  ASSERT_EQ(inbox->size(), 2u);
  EXPECT_EQ((*inbox)[0].delivery.state, 3);
  EXPECT_EQ((*inbox)[0].delivery.acknowledged_at, 30);
  EXPECT_EQ((*inbox)[0].delivery.detail, "{\"x\":1}");
  EXPECT_EQ(store_->Inbox(2, false, 1, 1)->at(0).message.id, "m-routine");  // paging

  EXPECT_EQ(store_->Deliveries("m-flash")->size(), 2u);
  EXPECT_EQ(store_->MessagesWithDeadlines().value(), std::vector<std::string>{"m-flash"});
  auto sent = store_->Sent(1, 10, 0);
  ASSERT_EQ(sent->size(), 2u);
  EXPECT_EQ((*sent)[0].id, "m-routine");  // newest first
  EXPECT_FALSE(store_->GetMessage("m-ghost")->has_value());
  EXPECT_FALSE(store_->Write([&](WriteTxn& t) { return t.PutDelivery(delivery("m-ghost", 2, 0)); })
                   .ok());  // no such message
  EXPECT_EQ(store_->GetMessage("m-other").value()->precedence, 2);

  Reopen();  // durable
  EXPECT_EQ(store_->Inbox(3, false, 100, 0)->size(), 2u);
}

TEST_P(StoreConformance, WatchesBelongToTheirUser) {
  ASSERT_TRUE(store_
                  ->Write([](WriteTxn& t) -> Status {
                    TANSIQ_RETURN_IF_ERROR(t.PutWatch({"w1", 1, 5, "{\"q\":\"a\"}"}));
                    return t.PutWatch({"w2", 2, 6, "{}"});
                  })
                  .ok());
  EXPECT_EQ(store_->Watches(std::nullopt)->size(), 2u);
  ASSERT_EQ(store_->Watches(1)->size(), 1u);
  EXPECT_EQ(store_->Watches(1)->at(0).json, "{\"q\":\"a\"}");
  Result<bool> gone = false;
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    gone = t.DeleteWatch("w1", 2);  // not user 2's
                    return gone.status();
                  })
                  .ok());
  EXPECT_FALSE(*gone);
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    gone = t.DeleteWatch("w1", 1);
                    return gone.status();
                  })
                  .ok());
  EXPECT_TRUE(*gone);
  EXPECT_TRUE(store_->Watches(1)->empty());
}

TEST_P(StoreConformance, WebhooksAndTheirOutbox) {
  WebhookRecord user_hook{"h1", 1, std::nullopt, "http://127.0.0.1:1/a", std::string(32, 's'), 5};
  WebhookRecord party_hook{"h2", 2, policy::PartyIndex{1}, "https://x.example/", "k", 6};
  WebhookDelivery late{"d1", "h1", 1, "m1", 0, "", 10, 0, 200};
  WebhookDelivery soon{"d2", "h2", 3, "m1", 2, "b2", 10, 1, 100};
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    TANSIQ_RETURN_IF_ERROR(t.PutWebhook(user_hook));
                    TANSIQ_RETURN_IF_ERROR(t.PutWebhook(party_hook));
                    TANSIQ_RETURN_IF_ERROR(t.PutWebhookDelivery(late));
                    return t.PutWebhookDelivery(soon);
                  })
                  .ok());
  auto hooks = store_->Webhooks();
  ASSERT_TRUE(hooks.ok());
  ASSERT_EQ(hooks->size(), 2u);
  EXPECT_EQ(hooks->at(0).id, "h1");
  EXPECT_FALSE(hooks->at(0).party.has_value());
  EXPECT_EQ(hooks->at(0).secret, std::string(32, 's'));
  EXPECT_EQ(hooks->at(1).party, policy::PartyIndex{1});
  auto outbox = store_->WebhookOutbox(10);
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 2u);
  EXPECT_EQ(outbox->at(0).id, "d2");  // soonest first
  EXPECT_EQ(outbox->at(0).escalated_for, "b2");
  EXPECT_EQ(outbox->at(0).realert, 2);
  EXPECT_EQ(outbox->at(0).attempts, 1);
  // Rescheduled in place; deleting a webhook drops its pending posts.
  soon.attempts = 2;
  soon.next_at = 300;
  Result<bool> gone = false;
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    TANSIQ_RETURN_IF_ERROR(t.PutWebhookDelivery(soon));
                    gone = t.DeleteWebhook("h1");
                    return gone.status();
                  })
                  .ok());
  EXPECT_TRUE(*gone);
  outbox = store_->WebhookOutbox(10);
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ(outbox->at(0).attempts, 2);
  EXPECT_EQ(outbox->at(0).next_at, 300);
  ASSERT_TRUE(store_->Write([](WriteTxn& t) { return t.DeleteWebhookDelivery("d2"); }).ok());
  EXPECT_TRUE(store_->WebhookOutbox(10)->empty());
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    gone = t.DeleteWebhook("nope");
                    return gone.status();
                  })
                  .ok());
  EXPECT_FALSE(*gone);
}

// --- Analysis: entity keys, postings and situation counts per reader.

Status PutRecord(Store& store, const std::string& id, Micros at, std::vector<std::string> keys,
                 std::string type = "report") {
  return store.Write([&](WriteTxn& t) {
    return t.PutAnalysis({id, type, "name of " + id, at, 0, std::move(keys)});
  });
}

constexpr Micros kDay = 86'400'000'000;

TEST_P(StoreConformance, AnalysisRecordsRoundTripAndReplace) {
  ASSERT_TRUE(Put("c1", "report--1", 1, To(0, Bit(1))).ok());
  ASSERT_TRUE(
      PutRecord(*store_, "report--1", 5 * kDay, {"grp:isis", "place:iq-mosul", "gov:x"}).ok());
  auto r = store_->Analysis("report--1");
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((*r)->keys, (std::vector<std::string>{"gov:x", "grp:isis", "place:iq-mosul"}));
  EXPECT_EQ((*r)->at, 5 * kDay);
  EXPECT_EQ((*r)->name, "name of report--1");
  EXPECT_EQ((*r)->added, clock_.NowMicros());
  ASSERT_TRUE(PutRecord(*store_, "report--1", 6 * kDay, {"grp:hts"}).ok());  // replaces
  EXPECT_EQ((*store_->Analysis("report--1"))->keys, std::vector<std::string>{"grp:hts"});
  EXPECT_EQ(store_->Postings(a_, "grp:isis", 10)->ids.size(), 0u);
  EXPECT_FALSE(store_->Analysis("report--2")->has_value());
  // Deleting the object removes its analysis.
  ASSERT_TRUE(
      store_->Write([](WriteTxn& t) { return t.DeleteVersions("c1", "report--1", {}).status(); })
          .ok());
  EXPECT_FALSE(store_->Analysis("report--1")->has_value());
}

TEST_P(StoreConformance, PostingsOnlyListWhatTheReaderMaySee) {
  ASSERT_TRUE(Put("c1", "report--1", 1, To(0, Bit(1))).ok());  // a, b
  ASSERT_TRUE(Put("c1", "report--2", 1, To(1, 0)).ok());       // b only
  ASSERT_TRUE(Put("c1", "report--3", 1,
                  {.originator = 2, .parties = Bit(2), .red = true, .recipients = {"alice"}})
                  .ok());                                      // c + alice
  ASSERT_TRUE(Put("c2", "report--4", 1, To(0, Bit(1))).ok());  // a's private collection
  ASSERT_TRUE(Put("c1", "relationship--5", 1, To(0, Bit(1) | Bit(2)), {"report--2"}).ok());
  for (int i = 1; i <= 5; ++i) {
    std::string id = i == 5 ? "relationship--5" : "report--" + std::to_string(i);
    ASSERT_TRUE(PutRecord(*store_, id, i * kDay, {"grp:x"}).ok());
  }
  auto ids = [&](const Reader& r) { return store_->Postings(r, "grp:x", 10)->ids; };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(a_), (V{"report--4", "report--3", "report--1"}));  // newest first
  EXPECT_EQ(ids(b_), (V{"relationship--5", "report--2", "report--1"}));
  EXPECT_EQ(ids(c_), (V{"report--3"}));  // relationship--5's end report--2 is b's
  const Reader a2{4, "a2", 0, policy::kRecipient};
  EXPECT_EQ(ids(a2), (V{"report--4", "report--1"}));  // not named in the RED
  auto capped = store_->Postings(a_, "grp:x", 2);
  EXPECT_EQ(capped->ids.size(), 2u);
  EXPECT_TRUE(capped->more);
  EXPECT_FALSE(store_->Postings(a_, "grp:x", 3)->more);
  EXPECT_TRUE(store_->Postings(a_, "grp:none", 3)->ids.empty());
  // Recall: narrowing report--1 to a hides it from b at once.
  ASSERT_TRUE(Put("c1", "report--1", 2, To(0, 0)).ok());
  EXPECT_EQ(ids(b_), (V{"relationship--5", "report--2"}));
}

TEST_P(StoreConformance, SituationCountsPerReaderEqualBruteForce) {
  // 40 objects with pseudo-random releasability, places, groups and days.
  std::vector<std::tuple<std::string, Releasability, std::string, Micros, std::vector<std::string>>>
      docs;
  std::uint32_t seed = 7;
  auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  for (int i = 0; i < 40; ++i) {
    const policy::PartyIndex origin = static_cast<policy::PartyIndex>(next() % 3);
    Releasability rel;
    switch (next() % 4) {
      case 0:
        rel = To(origin, Bit(0) | Bit(1) | Bit(2));
        break;
      case 1:
        rel = To(origin, 0);
        break;
      case 2:
        rel = To(origin, Bit(static_cast<policy::PartyIndex>(next() % 3)));
        break;
      default:
        rel = {.originator = origin,
               .parties = Bit(origin),
               .red = true,
               .recipients = {next() % 2 ? "alice" : "bob"}};
    }
    std::string id = (next() % 2 ? "report--" : "note--") + std::to_string(i);
    std::vector<std::string> keys{"gov:g" + std::to_string(next() % 3)};
    if (next() % 2) keys.push_back("grp:k" + std::to_string(next() % 2));
    const Micros at = 100 * kDay + (next() % 5) * kDay + (next() % 1000) * 1000;
    std::string coll = next() % 5 == 0 ? "c2" : "c1";
    if (coll == "c2") rel.originator = 0;
    ASSERT_TRUE(Put(coll, id, 1, rel).ok());
    ASSERT_TRUE(PutRecord(*store_, id, at, keys, id.substr(0, id.find("--"))).ok());
    docs.emplace_back(id, rel, coll, at, keys);
  }
  const Reader a2{4, "a2", 0, policy::kRecipient};
  for (const Reader* r : {&a_, &b_, &c_, &a2}) {
    for (auto by : {SituationQuery::By::kPlace, SituationQuery::By::kGroup,
                    SituationQuery::By::kType, SituationQuery::By::kParty}) {
      for (const bool per_row : {false, true}) {
        SituationQuery q{101 * kDay, 104 * kDay, kDay, by, per_row};
        auto got = store_->Situation(*r, q);
        ASSERT_TRUE(got.ok()) << got.status().message();
        std::map<std::pair<std::string, Micros>, std::int64_t> want;
        std::int64_t total = 0;
        for (const auto& [id, rel, coll, at, keys] : docs) {
          if (at < q.from || at >= q.to) continue;
          // What this reader can list through the collections it may access.
          VersionFilter f;
          f.ids = {id};
          auto page = store_->ListVersions(*r, coll, f, std::nullopt, 10);
          const bool access = coll == "c1" || r->party == 0;
          if (!access || page->rows.empty()) continue;
          ++total;
          const Micros bucket = q.from + (at - q.from) / kDay * kDay;
          std::vector<std::string> dims;
          for (const auto& k : keys) {
            if (by == SituationQuery::By::kPlace && k.rfind("gov:", 0) == 0)
              dims.push_back(k.substr(4));
            if (by == SituationQuery::By::kGroup && k.rfind("grp:", 0) == 0)
              dims.push_back(k.substr(4));
          }
          if (by == SituationQuery::By::kType) dims.push_back(id.substr(0, id.find("--")));
          if (by == SituationQuery::By::kParty) dims.push_back(std::to_string(rel.originator));
          for (const auto& d : dims) ++want[{d, bucket}];
        }
        std::map<std::pair<std::string, Micros>, std::int64_t> have;
        for (const auto& c : got->cells) have[{c.key, c.bucket}] = c.count;
        EXPECT_EQ(got->total, total) << r->user_name;
        EXPECT_EQ(have, want) << r->user_name << " by " << static_cast<int>(by);
      }
    }
  }
  EXPECT_EQ(store_->Situation(a_, {5, 5, kDay, SituationQuery::By::kPlace}).status().code(),
            ErrorCode::kInvalidArgument);
}

// The pre-aggregated situation (per day and visibility class, kept by the store in the write
// transaction) against the per-row path and a brute force over ListVersions, for every reader,
// dimension and several windows, after each step of a random history: new objects (some RED,
// some gated on others, some in party a's private collection), new versions that widen, narrow
// (recall) or turn RED, older versions that do not govern, re-analysis, deletions.
TEST_P(StoreConformance, SituationAndPostingsEqualBruteForceThroughRandomHistory) {
  struct Obj {
    policy::PartyIndex origin = 0;
    Micros version = 0;
    std::map<std::string, std::set<Micros>> colls;  // collection → versions held
    std::vector<std::string> gates;
    bool analysed = false;
    std::string type;
    Micros at = 0;
    std::vector<std::string> keys;
  };
  std::map<std::string, Obj> objs;
  std::uint32_t seed = 2026;
  auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  auto random_rel = [&](policy::PartyIndex origin) -> Releasability {
    switch (next() % 5) {
      case 0:
        return To(origin, Bit(0) | Bit(1) | Bit(2));
      case 1:
        return To(origin, 0);
      case 2:
        return To(origin, Bit(static_cast<policy::PartyIndex>(next() % 3)));
      case 3:
        return To(origin, Bit(0) | Bit(static_cast<policy::PartyIndex>(next() % 3)));
      default: {
        static const char* kNames[] = {"alice", "bob", "carol"};
        return {.originator = origin,
                .parties = Bit(origin),
                .red = true,
                .recipients = {kNames[next() % 3]}};
      }
    }
  };
  auto analyse = [&](const std::string& id, Obj& o) {
    o.analysed = true;
    o.type = next() % 3 == 0 ? "note" : "report";
    o.at = 100 * kDay + static_cast<Micros>(next() % 8) * kDay +
           static_cast<Micros>(next() % 24) * 3'600'000'000;
    o.keys = {"gov:g" + std::to_string(next() % 3), "place:p" + std::to_string(next() % 4)};
    if (next() % 2) o.keys.push_back("grp:k" + std::to_string(next() % 3));
    if (next() % 4 == 0) o.keys.push_back("gov:g" + std::to_string(next() % 3));
    std::sort(o.keys.begin(), o.keys.end());
    o.keys.erase(std::unique(o.keys.begin(), o.keys.end()), o.keys.end());
    ASSERT_TRUE(PutRecord(*store_, id, o.at, o.keys, o.type).ok());
  };
  const Reader a2{4, "a2", 0, policy::kRecipient};
  const std::vector<const Reader*> readers{&a_, &b_, &c_, &a2};
  // Windows: whole days (pre-aggregated), a week bucket, a tail of a day (aggregate + rows),
  // a `from` inside a day (rows only).
  const std::vector<SituationQuery> windows{{100 * kDay, 108 * kDay, kDay},
                                            {101 * kDay, 106 * kDay, 2 * kDay},
                                            {100 * kDay, 105 * kDay + 7 * 3'600'000'000, kDay},
                                            {102 * kDay + 5, 107 * kDay, kDay}};
  auto check = [&](int step) {
    for (const Reader* r : readers) {
      // Brute force: what the reader can list, by collection it may access.
      std::set<std::string> visible;
      for (const auto& [id, o] : objs) {
        for (const auto& [coll, versions] : o.colls) {
          if (versions.empty() || (coll == "c2" && r->party != 0)) continue;
          VersionFilter f;
          f.ids = {id};
          auto page = store_->ListVersions(*r, coll, f, std::nullopt, 10);
          ASSERT_TRUE(page.ok());
          if (!page->rows.empty()) visible.insert(id);
        }
      }
      // Postings decide visibility through the same maintained inputs: equal to the brute
      // force too.
      for (const char* key : {"gov:g0", "gov:g1", "gov:g2", "grp:k0", "grp:k1", "grp:k2",
                              "place:p0", "place:p1", "place:p2", "place:p3"}) {
        std::set<std::string> want;
        for (const auto& [id, o] : objs) {
          if (o.analysed && visible.count(id) &&
              std::find(o.keys.begin(), o.keys.end(), key) != o.keys.end())
            want.insert(id);
        }
        auto got = store_->Postings(*r, key, 1000);
        ASSERT_TRUE(got.ok());
        EXPECT_EQ(std::set<std::string>(got->ids.begin(), got->ids.end()), want)
            << "step " << step << " " << r->user_name << " " << key;
        EXPECT_EQ(got->ids.size(), want.size());
      }
      for (SituationQuery q : windows) {
        for (auto by : {SituationQuery::By::kPlace, SituationQuery::By::kGroup,
                        SituationQuery::By::kType, SituationQuery::By::kParty}) {
          q.by = by;
          std::map<std::pair<std::string, Micros>, std::int64_t> want;
          std::int64_t total = 0;
          for (const auto& [id, o] : objs) {
            if (!o.analysed || !visible.count(id) || o.at < q.from || o.at >= q.to) continue;
            ++total;
            const Micros bucket = q.from + (o.at - q.from) / q.bucket * q.bucket;
            for (const auto& k : o.keys) {
              if ((by == SituationQuery::By::kPlace && k.rfind("gov:", 0) == 0) ||
                  (by == SituationQuery::By::kGroup && k.rfind("grp:", 0) == 0))
                ++want[{k.substr(4), bucket}];
            }
            if (by == SituationQuery::By::kType) ++want[{o.type, bucket}];
            if (by == SituationQuery::By::kParty) ++want[{std::to_string(o.origin), bucket}];
          }
          for (const bool per_row : {false, true}) {
            q.per_row = per_row;
            auto got = store_->Situation(*r, q);
            ASSERT_TRUE(got.ok()) << got.status().message();
            std::map<std::pair<std::string, Micros>, std::int64_t> have;
            for (const auto& c : got->cells) have[{c.key, c.bucket}] = c.count;
            EXPECT_EQ(got->total, total) << "step " << step << " " << r->user_name;
            EXPECT_EQ(have, want) << "step " << step << " " << r->user_name << " by "
                                  << static_cast<int>(by) << " from " << q.from << " per_row "
                                  << per_row;
          }
        }
      }
    }
  };
  int created = 0;
  for (int step = 0; step < 160; ++step) {
    const auto op = objs.empty() ? 0u : next() % 8;
    auto pick = [&]() -> std::pair<const std::string, Obj>& {
      auto it = objs.begin();
      std::advance(it, static_cast<long>(next() % objs.size()));
      return *it;
    };
    if (op <= 2) {  // a new object, analysed
      Obj o;
      std::string id;
      if (next() % 5 == 0 && !objs.empty()) {  // gated on another object
        id = "relationship--" + std::to_string(created++);
        o.gates = {pick().first};
      } else {
        id = "report--" + std::to_string(created++);
      }
      o.origin = static_cast<policy::PartyIndex>(next() % 3);
      std::string coll = "c1";
      if (next() % 5 == 0) {
        coll = "c2";
        o.origin = 0;
      }
      o.version = 10;
      ASSERT_TRUE(Put(coll, id, o.version, random_rel(o.origin), o.gates).ok());
      o.colls[coll].insert(o.version);
      analyse(id, o);
      objs[id] = o;
    } else if (op <= 4) {  // a new governing version: widen, narrow (recall) or RED
      auto& [id, o] = pick();
      std::string coll = o.origin == 0 && next() % 3 == 0 ? "c2" : "c1";
      o.version += 10;
      ASSERT_TRUE(Put(coll, id, o.version, random_rel(o.origin), o.gates).ok());
      o.colls[coll].insert(o.version);
    } else if (op == 5) {  // an older version that does not govern
      auto& [id, o] = pick();
      const Micros v = o.version - 5;
      ASSERT_TRUE(Put("c1", id, v, random_rel(o.origin), o.gates).ok());
      o.colls["c1"].insert(v);
    } else if (op == 6) {  // re-analysis
      auto& [id, o] = pick();
      if (o.colls.empty()) continue;
      analyse(id, o);
    } else {  // delete the latest version or all versions from one collection
      auto& picked = pick();
      const std::string id = picked.first;
      Obj& o = picked.second;
      auto held = std::find_if(o.colls.begin(), o.colls.end(),
                               [](const auto& c) { return !c.second.empty(); });
      if (held == o.colls.end()) continue;
      const std::string coll = held->first;
      const bool last = next() % 2;
      ASSERT_TRUE(store_
                      ->Write([&](WriteTxn& t) {
                        DeleteSelector sel;
                        if (last) sel.which = VersionFilter::Which::kLast;
                        return t.DeleteVersions(coll, id, sel).status();
                      })
                      .ok());
      if (last) {
        held->second.erase(std::prev(held->second.end()));
      } else {
        held->second.clear();
      }
      bool any = false;
      for (const auto& c : o.colls) any = any || !c.second.empty();
      if (!any) {
        objs.erase(id);  // its analysis went with its last version
      } else {
        Micros latest = 0;
        for (const auto& c : o.colls)
          if (!c.second.empty()) latest = std::max(latest, *c.second.rbegin());
        o.version = std::max(o.version, latest);
      }
    }
    if (step % 8 == 7) {
      check(step);
      if (HasFailure()) return;
    }
  }
  check(160);
  // The aggregate survives a reopen (it is stored, not cached).
  Reopen();
  check(161);
}

TEST_P(StoreConformance, AnalysedBetweenIsVisibleAndNewestFirst) {
  ASSERT_TRUE(Put("c1", "report--1", 1, To(0, Bit(1))).ok());
  ASSERT_TRUE(Put("c1", "report--2", 1, To(0, 0)).ok());
  ASSERT_TRUE(PutRecord(*store_, "report--1", kDay, {"grp:x"}).ok());
  clock_.Advance(1000);
  ASSERT_TRUE(PutRecord(*store_, "report--2", kDay, {"grp:x"}).ok());
  const Micros now = clock_.NowMicros();
  auto a = store_->AnalysedBetween(a_, now - 5000, now + 1, 10);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].id, "report--2");
  auto b = store_->AnalysedBetween(b_, now - 5000, now + 1, 10);
  ASSERT_EQ(b->size(), 1u);
  EXPECT_EQ((*b)[0].id, "report--1");
  EXPECT_TRUE(store_->AnalysedBetween(a_, now + 1, now + 2, 10)->empty());
}

TEST_P(StoreConformance, UnanalysedListsObjectsWithoutAnAnalysisRecord) {
  ASSERT_TRUE(PutDoc(*store_, "c1", "report--1", 1, To(0, 0),
                     R"({"name":"a","created_by_ref":"identity--a"})")
                  .ok());
  ASSERT_TRUE(PutDoc(*store_, "c2", "report--2", 1, To(0, 0),
                     R"({"name":"b","created_by_ref":"identity--a"})")
                  .ok());
  ASSERT_TRUE(PutDoc(*store_, "c1", "location--3", 1, To(0, 0),
                     R"({"name":"c","created_by_ref":"identity--hub"})")
                  .ok());
  ASSERT_TRUE(Put("c1", "relationship--4", 1, To(0, 0)).ok());
  ASSERT_TRUE(PutDoc(*store_, "c1", "report--1", 2, To(0, 0),
                     R"({"name":"a2","created_by_ref":"identity--a"})")
                  .ok());
  auto rows = store_->Unanalysed("identity--hub", 10);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  std::map<std::string, std::string> got;
  for (const auto& r : *rows) got[r.version.id] = r.version.json + "@" + r.collection_id;
  EXPECT_EQ(got, (std::map<std::string, std::string>{
                     {"report--1", R"({"name":"a2","created_by_ref":"identity--a"}@c1)"},
                     {"report--2", R"({"name":"b","created_by_ref":"identity--a"}@c2)"}}));
  ASSERT_TRUE(PutRecord(*store_, "report--1", 1, {}).ok());
  rows = store_->Unanalysed("identity--hub", 10);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].version.id, "report--2");
  EXPECT_EQ(store_->Unanalysed("identity--hub", 0)->size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::ValuesIn(Backends()),
                         [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace tansiq::store
