// Store conformance suite. The analysis role: analysis records, entity-key postings and situation
// counts per reader, against brute force. Runs against every backend of Backends() (fixture.h).
#include "store/conformance/fixture.h"

namespace tansiq::store::conformance {
namespace {

class AnalysisConformance : public StoreConformance {};

TEST_P(AnalysisConformance, AnalysisRecordsRoundTripAndReplace) {
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

TEST_P(AnalysisConformance, PostingsOnlyListWhatTheReaderMaySee) {
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

TEST_P(AnalysisConformance, SituationCountsPerReaderEqualBruteForce) {
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
TEST_P(AnalysisConformance, SituationAndPostingsEqualBruteForceThroughRandomHistory) {
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

TEST_P(AnalysisConformance, AnalysedBetweenIsVisibleAndNewestFirst) {
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

TEST_P(AnalysisConformance, UnanalysedListsObjectsWithoutAnAnalysisRecord) {
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
  auto rows = store_->Unanalysed("identity--hub", 0, "", 10);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  std::map<std::string, std::string> got;
  for (const auto& r : *rows) got[r.version.id] = r.version.json + "@" + r.collection_id;
  EXPECT_EQ(got, (std::map<std::string, std::string>{
                     {"report--1", R"({"name":"a2","created_by_ref":"identity--a"}@c1)"},
                     {"report--2", R"({"name":"b","created_by_ref":"identity--a"}@c2)"}}));
  ASSERT_TRUE(PutRecord(*store_, "report--1", 1, {}).ok());
  rows = store_->Unanalysed("identity--hub", 0, "", 10);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].version.id, "report--2");
  EXPECT_EQ(store_->Unanalysed("identity--hub", 0, "", 0)->size(), 0u);
}

// A record another version of the analysis wrote counts as not analysed, until a record of
// the version asked for replaces it; the rows come in id order after the cursor.
TEST_P(AnalysisConformance, UnanalysedListsRecordsOfAnotherAnalysisVersionAfterTheCursor) {
  for (const char* id : {"report--1", "report--2", "report--3"}) {
    ASSERT_TRUE(PutDoc(*store_, "c1", id, 1, To(0, 0), R"({"created_by_ref":"identity--a"})").ok());
  }
  auto put = [&](const char* id, int version) {
    return store_->Write([&](WriteTxn& t) {
      store::AnalysisRecord r{id, "report", "n", 1, 0, {"grp:isis"}};
      r.analysis_version = version;
      return t.PutAnalysis(r);
    });
  };
  ASSERT_TRUE(put("report--1", 1).ok());
  ASSERT_TRUE(put("report--2", 2).ok());
  auto ids = [&](int version, std::string_view after, std::size_t limit) {
    std::vector<std::string> out;
    auto rows = store_->Unanalysed("identity--hub", version, after, limit);
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    if (rows.ok()) {
      for (const auto& r : *rows) out.push_back(r.version.id);
    }
    return out;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids(2, "", 10), (Ids{"report--1", "report--3"}));
  EXPECT_EQ(ids(1, "", 10), (Ids{"report--2", "report--3"}));
  EXPECT_EQ(ids(3, "", 2), (Ids{"report--1", "report--2"}));
  EXPECT_EQ(ids(3, "report--2", 2), (Ids{"report--3"}));
  EXPECT_EQ(ids(3, "report--3", 2), Ids{});
  ASSERT_TRUE(put("report--1", 2).ok());  // analysed again: replaced, keys and all
  EXPECT_EQ(ids(2, "", 10), (Ids{"report--3"}));
  auto postings = store_->Postings(a_, "grp:isis", 10);
  ASSERT_TRUE(postings.ok());
  EXPECT_EQ(postings->ids.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, AnalysisConformance,
                         ::testing::ValuesIn(Backends(Role::kAnalysis)), BackendName);

}  // namespace
}  // namespace tansiq::store::conformance
