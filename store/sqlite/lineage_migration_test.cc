// Migration 10 on a database written before it (issue 16): derived objects of a source's older
// version or of a deleted source, which the store did not withdraw then, are withdrawn at the
// first open; a deleted source of derived objects gets its tombstone; a releasability
// marking-definition naming TLP:RED recipients is no longer read by their colleagues.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

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

constexpr char kExt[] = "extension-definition--65d21291-bcb8-457a-8bff-8b997f76182b";

std::unique_ptr<Store> Open(const fs::path& dir, const Clock* clock) {
  auto s = OpenSqlite({.path = (dir / "hub.db").string(), .clock = clock});
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(*s) : nullptr;
}

Status Put(Store& store, const std::string& id, Micros version, Releasability rel, std::string json,
           std::vector<std::string> gates = {}) {
  const NewVersion v = test_support::DocVersion("c1", id, version, std::move(rel), std::move(json),
                                                std::move(gates));
  return store.Write([&](WriteTxn& t) { return t.PutVersion(v).status(); });
}

std::string Derived(const std::string& id) {
  return R"({"id":")" + id + R"(","created_by_ref":"identity--hub"})";
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

TEST(LineageMigration, WithdrawsStaleDerivedObjectsAndNarrowsRedMarkings) {
  const fs::path dir = fs::temp_directory_path() / ("tansiq-lineage-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  ManualClock clock{1'700'000'000'000'000};
  const Releasability everyone{.originator = 0, .parties = Bit(0) | Bit(1) | Bit(2)};
  const Reader bob{2, "bob", 1, policy::kOfficer}, b2{5, "b2", 1, policy::kRecipient};
  const Reader carol{3, "carol", 2, policy::kOfficer};
  {
    auto store = Open(dir, &clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store
                    ->Write([](WriteTxn& t) -> Status {
                      TANSIQ_RETURN_IF_ERROR(t.PutMeta("hub.identity", "identity--hub"));
                      return store::test_support::SeedDirectory(t, {"a", "b", "c"}, false);
                    })
                    .ok());
    // Written as the store did before migration 10: no derivation records, so neither the new
    // version of report--1 nor the delete of report--2 withdrew what was derived.
    ASSERT_TRUE(Put(*store, "report--1", 100, everyone, R"({"id":"report--1"})").ok());
    ASSERT_TRUE(
        Put(*store, "identity--p", 100, everyone, Derived("identity--p"), {"report--1"}).ok());
    ASSERT_TRUE(
        Put(*store, "location--1", 200, everyone, Derived("location--1"), {"report--1"}).ok());
    ASSERT_TRUE(Put(*store, "report--1", 200, everyone, R"({"id":"report--1"})").ok());
    ASSERT_TRUE(Put(*store, "report--2", 100, everyone, R"({"id":"report--2"})").ok());
    ASSERT_TRUE(
        Put(*store, "location--2", 100, everyone, Derived("location--2"), {"report--2"}).ok());
    ASSERT_TRUE(Put(*store, "relationship--b", 100, {.originator = 1, .parties = Bit(1) | Bit(2)},
                    R"({"id":"relationship--b"})", {"report--2"})
                    .ok());
    ASSERT_TRUE(
        store->Write([](WriteTxn& t) { return t.DeleteVersions("c1", "report--2", {}).status(); })
            .ok());
    // A RED marking as it was stored: read by the recipients' whole party.
    const std::string marking = std::string(R"({"id":"marking-definition--m","extensions":{")") +
                                kExt + R"(":{"releasable_to_refs":["identity--b"],)" +
                                R"("recipients":["bob"]}}})";
    ASSERT_TRUE(Put(*store, "marking-definition--m", 100,
                    {.originator = 0, .parties = Bit(0) | Bit(1)}, marking)
                    .ok());
  }
  Exec(dir,
       "DROP TABLE tombstones; DROP TABLE derived; DELETE FROM meta WHERE key = "
       "'lineage.reconcile'; PRAGMA user_version = 9;");
  if (HasFailure()) return;
  // Before: what the old store left readable (the premise of the test).
  {
    auto store = Open(dir, &clock);  // migrates and reconciles
    ASSERT_TRUE(store);
    EXPECT_FALSE(store->Head("identity--p")->has_value());     // from version 100: withdrawn
    EXPECT_TRUE(store->IsVisible(bob, "location--1"));         // from version 200: kept
    EXPECT_FALSE(store->Head("location--2")->has_value());     // of a deleted source
    EXPECT_FALSE(store->IsVisible(carol, "relationship--b"));  // its gate is a tombstone now
    EXPECT_TRUE(store->IsVisible(bob, "marking-definition--m"));
    EXPECT_FALSE(store->IsVisible(b2, "marking-definition--m"));
    EXPECT_FALSE(store->IsVisible(carol, "marking-definition--m"));
    // From now on the store withdraws by itself: a new version of report--1 takes location--1.
    ASSERT_TRUE(Put(*store, "report--1", 300, everyone, R"({"id":"report--1"})").ok());
    EXPECT_FALSE(store->Head("location--1")->has_value());
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tansiq::store
