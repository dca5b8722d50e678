// Migrations 7 and 8 build the situation pre-aggregation from the rows a hub already holds: a
// database written before them (here: one taken back to schema version 6 by dropping what
// steps 7 and 8 created, or to version 7 by putting back the shape step 7 left) answers every
// situation query after the upgrade exactly as the per-row count does, for every reader, and
// keeps doing so through later writes. Migration 9 (the visibility inputs in entity_keys)
// leaves every reader's postings as they were.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "base/clock.h"
#include "store/sqlite/sqlite.h"
#include "store/store.h"
#include "store/testing/seed.h"

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

// Writes the fixture (60 objects of three parties: shared, private collection, RED, gated, each
// analysed) into a new hub in `dir`.
void WriteFixture(const fs::path& dir, const Clock* clock) {
  {
    auto store = Open(dir, clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(
        store->Write([](WriteTxn& t) { return store::test_support::SeedDirectory(t); }).ok());
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
}

void Exec(const fs::path& dir, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "hub.db").string().c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

// A recall, new recipients of RED objects (a new version in the same shared collection, nothing
// else changed) and a deletion.
void LaterWrites(Store& store) {
  ASSERT_TRUE(Put(store, "c1", "report--1", 2, {.originator = 0, .parties = Bit(0)}).ok());
  std::vector<std::pair<std::string, Releasability>> red;
  ASSERT_TRUE(store
                  .Write([&](WriteTxn& t) -> Status {
                    for (int i = 3; i < 60; ++i) {
                      const std::string id = "report--" + std::to_string(i);
                      auto h = t.GetHead(id);
                      if (!h.ok()) return h.status();
                      // Originator 0 may hold it in the private collection: skip it, so
                      // that only the recipients change.
                      if (*h && (*h)->releasability.red && (*h)->releasability.originator != 0) {
                        red.emplace_back(id, (*h)->releasability);
                      }
                    }
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_FALSE(red.empty());
  for (auto& [id, rel] : red) {
    rel.recipients = {rel.recipients == std::vector<std::string>{"alice"} ? "bob" : "alice"};
    ASSERT_TRUE(Put(store, "c1", id, 2, rel).ok());
  }
  ASSERT_TRUE(
      store.Write([](WriteTxn& t) { return t.DeleteVersions("c1", "report--2", {}).status(); })
          .ok());
}

// Each test starts from the fixture database, in a folder of its own, written at a fixed time.
class SituationMigration : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tansiq-situation-migration-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    WriteFixture(dir_, &clock_);  // a fatal failure here skips the test body
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  ManualClock clock_{1'700'000'000'000'000};
};

TEST_F(SituationMigration, BuildsTheAggregateFromExistingRows) {
  // Back to schema 6: what migrations 7 and 8 created is gone, the analysis rows stay.
  Exec(dir_,
       "DROP TABLE situation_counts; DROP TABLE situation_rows; "
       "DROP TABLE analysis_visibility; PRAGMA user_version = 6;");
  if (HasFailure()) return;
  auto store = Open(dir_, &clock_);
  ASSERT_TRUE(store);
  ExpectAggregateEqualsRows(*store, "after migration");
  LaterWrites(*store);
  ExpectAggregateEqualsRows(*store, "after later writes");
}

// Migration 8 alone, on a database of schema 7: situation_rows without the visibility inputs,
// analysis_visibility without the head columns.
TEST_F(SituationMigration, CarriesTheVisibilityInputsIntoSituationRows) {
  Exec(dir_,
       "CREATE TABLE situation_rows_7(key TEXT NOT NULL, at INTEGER NOT NULL, id TEXT NOT NULL, "
       "PRIMARY KEY(key, at, id)) WITHOUT ROWID; "
       "INSERT INTO situation_rows_7 SELECT key, at, id FROM situation_rows; "
       "DROP TABLE situation_rows; ALTER TABLE situation_rows_7 RENAME TO situation_rows; "
       "CREATE INDEX situation_rows_by_id ON situation_rows(id); "
       "ALTER TABLE analysis_visibility DROP COLUMN red; "
       "ALTER TABLE analysis_visibility DROP COLUMN recipients; "
       "ALTER TABLE analysis_visibility DROP COLUMN federable; "
       "ALTER TABLE analysis_visibility DROP COLUMN gates; PRAGMA user_version = 7;");
  if (HasFailure()) return;
  auto store = Open(dir_, &clock_);
  ASSERT_TRUE(store);
  ExpectAggregateEqualsRows(*store, "after migration 8");
  LaterWrites(*store);
  ExpectAggregateEqualsRows(*store, "after later writes");
}

// Every reader's postings of every key of the fixture.
std::map<std::string, std::vector<std::string>> AllPostings(Store& store) {
  const std::vector<Reader> readers{{1, "alice", 0, policy::kOfficer},
                                    {2, "bob", 1, policy::kOfficer},
                                    {3, "carol", 2, policy::kOfficer},
                                    {4, "a2", 0, policy::kRecipient}};
  std::map<std::string, std::vector<std::string>> out;
  for (const Reader& r : readers) {
    for (const char* key :
         {"gov:g0", "gov:g1", "gov:g2", "place:p0", "place:p1", "place:p2", "grp:k0", "grp:k1"}) {
      auto p = store.Postings(r, key, 100);
      EXPECT_TRUE(p.ok());
      if (p.ok()) out[r.user_name + " " + key] = p->ids;
    }
  }
  return out;
}

// Migration 9 alone, on a database of schema 8: entity_keys without the visibility inputs.
TEST_F(SituationMigration, CarriesTheVisibilityInputsIntoEntityKeys) {
  std::map<std::string, std::vector<std::string>> before;
  {
    auto store = Open(dir_, &clock_);
    ASSERT_TRUE(store);
    before = AllPostings(*store);
  }
  std::size_t seen = 0;
  for (const auto& [k, ids] : before) seen += ids.size();
  EXPECT_GT(seen, 0u);
  Exec(dir_,
       "CREATE TABLE entity_keys_8(key TEXT NOT NULL, at INTEGER NOT NULL, id TEXT NOT NULL, "
       "PRIMARY KEY(key, at, id)) WITHOUT ROWID; "
       "INSERT INTO entity_keys_8 SELECT key, at, id FROM entity_keys; "
       "DROP TABLE entity_keys; ALTER TABLE entity_keys_8 RENAME TO entity_keys; "
       "CREATE INDEX entity_keys_by_id ON entity_keys(id); PRAGMA user_version = 8;");
  if (HasFailure()) return;
  auto store = Open(dir_, &clock_);
  ASSERT_TRUE(store);
  EXPECT_EQ(AllPostings(*store), before);
  LaterWrites(*store);
  ExpectAggregateEqualsRows(*store, "after later writes");
}

}  // namespace
}  // namespace tansiq::store
