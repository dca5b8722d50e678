// Store conformance suite. The search role: per-reader matches in any script, bounds, ranking,
// totals and facets. Runs against every backend of Backends() (fixture.h).
#include "store/conformance/fixture.h"

namespace tansiq::store::conformance {
namespace {

class SearchConformance : public StoreConformance {};

TEST_P(SearchConformance, SearchFindsWhatTheReaderMaySeeInAnyScript) {
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

TEST_P(SearchConformance, SearchLeavesOutExcludedCreators) {
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

TEST_P(SearchConformance, SearchFollowsRecallAndDelete) {
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

TEST_P(SearchConformance, SearchBoundsCountAndRankVisibleMatchesOnly) {
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

TEST_P(SearchConformance, SearchHonoursPrivateCollections) {
  ASSERT_TRUE(PutDoc(*store_, "c2", "report--1", 1, To(0, Bit(1)), R"({"name":"Raqqa"})").ok());
  SearchQuery q = Words("raqqa");
  EXPECT_EQ(store_->Search(a_, q)->total, 1);
  EXPECT_EQ(store_->Search(b_, q)->total, 0);  // releasable to b, but only in a's collection
}

TEST_P(SearchConformance, SearchSyntaxInUserTextIsJustText) {
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
TEST_P(SearchConformance, SearchCountsRedAndGatedRowsExactly) {
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

INSTANTIATE_TEST_SUITE_P(Backends, SearchConformance, ::testing::ValuesIn(Backends(Role::kSearch)),
                         BackendName);

}  // namespace
}  // namespace tansiq::store::conformance
