// Migration 7 builds the situation pre-aggregation from the rows a hub already holds: a
// database written before it (here: one taken back to schema version 6 by dropping what step 7
// created) answers every situation query after the upgrade exactly as the per-row count does,
// for every reader, and keeps doing so through later writes.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "base/clock.h"
#include "store/store.h"

namespace tansiq::store {
namespace {

namespace fs = std::filesystem;
using policy::Bit;
using policy::Reader;
using policy::Releasability;

constexpr Micros kDay = 86'400'000'000;

std::unique_ptr<Store> Open(const fs::path& dir, const Clock* clock) {
  auto s = OpenSqlite({.path = (dir / "hub.db").string(), .clock = clock});
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(*s) : nullptr;
}

Status Put(Store& store, const std::string& coll, const std::string& id, Micros version,
           Releasability rel, std::vector<std::string> gates = {}) {
  NewVersion v;
  v.collection_id = coll;
  v.id = id;
  v.type = id.substr(0, id.find("--"));
  v.spec_version = "2.1";
  v.version = version;
  v.version_text = std::to_string(version);
  v.json = "{\"id\":\"" + id + "\"}";
  v.refs = gates;
  v.gate_refs = std::move(gates);
  v.releasability = std::move(rel);
  return store.Write([&](WriteTxn& t) { return t.PutVersion(v).status(); });
}

void ExpectAggregateEqualsRows(Store& store, const std::string& when) {
  const std::vector<Reader> readers{{1, "alice", 0, policy::kOfficer},
                                    {2, "bob", 1, policy::kOfficer},
                                    {3, "carol", 2, policy::kOfficer},
                                    {4, "a2", 0, policy::kRecipient}};
  std::int64_t seen = 0;
  for (const Reader& r : readers) {
    for (auto by : {SituationQuery::By::kPlace, SituationQuery::By::kGroup,
                    SituationQuery::By::kType, SituationQuery::By::kParty}) {
      SituationQuery q{100 * kDay, 110 * kDay, kDay, by};
      auto agg = store.Situation(r, q);
      q.per_row = true;
      auto rows = store.Situation(r, q);
      ASSERT_TRUE(agg.ok() && rows.ok());
      EXPECT_EQ(agg->total, rows->total) << when << " " << r.user_name;
      std::map<std::pair<std::string, Micros>, std::int64_t> a, b;
      for (const auto& c : agg->cells) a[{c.key, c.bucket}] = c.count;
      for (const auto& c : rows->cells) b[{c.key, c.bucket}] = c.count;
      EXPECT_EQ(a, b) << when << " " << r.user_name << " by " << static_cast<int>(by);
      seen += rows->total;
    }
  }
  EXPECT_GT(seen, 0) << when;  // the fixture is not empty for everyone
}

TEST(SituationMigration, BuildsTheAggregateFromExistingRows) {
  const fs::path dir =
      fs::temp_directory_path() / ("tansiq-situation-migration-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  ManualClock clock(1'700'000'000'000'000);
  {
    auto store = Open(dir, &clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store
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
    std::uint32_t seed = 11;
    auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
    for (int i = 0; i < 60; ++i) {
      const auto origin = static_cast<policy::PartyIndex>(next() % 3);
      Releasability rel{.originator = origin, .parties = Bit(origin)};
      switch (next() % 4) {
        case 0:
          rel.parties |= Bit(0) | Bit(1) | Bit(2);
          break;
        case 1:
          rel.parties |= Bit(static_cast<policy::PartyIndex>(next() % 3));
          break;
        case 2:
          rel.red = true;
          rel.recipients = {next() % 2 ? "alice" : "bob"};
          break;
        default:
          break;
      }
      const bool gated = i > 0 && next() % 6 == 0;
      const std::string id = (gated ? "relationship--" : "report--") + std::to_string(i);
      const bool private_coll = next() % 5 == 0;
      if (private_coll) rel.originator = 0;
      std::vector<std::string> gates;
      if (gated) gates.push_back("report--" + std::to_string(next() % i));
      ASSERT_TRUE(Put(*store, private_coll ? "c2" : "c1", id, 1, rel, gates).ok());
      std::vector<std::string> keys{"gov:g" + std::to_string(next() % 3),
                                    "place:p" + std::to_string(next() % 3)};
      if (next() % 2) keys.push_back("grp:k" + std::to_string(next() % 2));
      const Micros at = 100 * kDay + static_cast<Micros>(next() % 10) * kDay + 3'600'000'000;
      ASSERT_TRUE(store
                      ->Write([&](WriteTxn& t) {
                        return t.PutAnalysis({id, i % 3 ? "report" : "note", id, at, 0, keys});
                      })
                      .ok());
    }
    ExpectAggregateEqualsRows(*store, "before");
  }
  // Back to schema 6: what migration 7 created is gone, the analysis rows stay.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "hub.db").string().c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db,
                           "DROP TABLE situation_counts; DROP TABLE situation_rows; "
                           "DROP TABLE analysis_visibility; PRAGMA user_version = 6;",
                           nullptr, nullptr, &err),
              SQLITE_OK)
        << (err ? err : "");
    sqlite3_close(db);
  }
  auto store = Open(dir, &clock);
  ASSERT_TRUE(store);
  ExpectAggregateEqualsRows(*store, "after migration");
  // A recall and a deletion after the upgrade.
  ASSERT_TRUE(Put(*store, "c1", "report--1", 2, {.originator = 0, .parties = Bit(0)}).ok());
  ASSERT_TRUE(
      store->Write([](WriteTxn& t) { return t.DeleteVersions("c1", "report--2", {}).status(); })
          .ok());
  ExpectAggregateEqualsRows(*store, "after later writes");
  store.reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tansiq::store
