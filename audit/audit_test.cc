// Audit chain tests: appended records verify; tampering with the SQLite file directly
// (modify, delete, insert, reorder, truncate) is detected.
#include "audit/audit.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "store/sqlite/sqlite.h"

namespace tansiq::audit {
namespace {

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tansiq-audit-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto key = HubKey::LoadOrCreate((dir_ / "hub.db.key").string());
    ASSERT_TRUE(key.ok());
    key_ = std::move(*key);
    Open();
    Auditor auditor(key_, clock_, /*seal_interval=*/0);
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(store_
                      ->Write([&](store::WriteTxn& t) {
                        return auditor.Append(t, {{"bob", "b", "object.write",
                                                   "indicator--" + std::to_string(i), "ok"}});
                      })
                      .ok());
      clock_.Advance(1000);
    }
  }
  void Open() {
    auto s = store::OpenSqlite({.path = (dir_ / "hub.db").string(), .clock = &clock_});
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
  }
  void Tamper(const std::string& sql) {
    store_.reset();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "hub.db").string().c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
    sqlite3_close(db);
    Open();
  }
  VerifyReport Check() {
    auto r = Verify(*store_, key_.PublicKeyHex());
    EXPECT_TRUE(r.ok());
    return *r;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  ManualClock clock_{1'700'000'000'000'000};
  HubKey key_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(AuditTest, IntactChainVerifies) {
  VerifyReport r = Check();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.records, 10);
  EXPECT_EQ(r.seals, 10);
}

TEST_F(AuditTest, ModifiedRecordIsDetected) {
  Tamper("UPDATE audit SET outcome = 'denied' WHERE seq = 4");
  VerifyReport r = Check();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("record 4"), std::string::npos) << r.problem;
}

TEST_F(AuditTest, DeletedRecordIsDetected) {
  Tamper("DELETE FROM audit WHERE seq = 5");
  EXPECT_FALSE(Check().ok);
}

TEST_F(AuditTest, DeletedAndRenumberedRecordIsDetected) {
  Tamper("DELETE FROM audit WHERE seq = 5; UPDATE audit SET seq = seq - 1 WHERE seq > 5");
  EXPECT_FALSE(Check().ok);
}

TEST_F(AuditTest, TruncatedTailIsDetectedBySeal) {
  Tamper("DELETE FROM audit WHERE seq > 7; DELETE FROM audit_seals WHERE seq > 8");
  VerifyReport r = Check();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("seal"), std::string::npos) << r.problem;
}

TEST_F(AuditTest, InsertedRecordIsDetected) {
  Tamper(
      "INSERT INTO audit SELECT 11, at, 'mallory', party, action, target, outcome, hash, "
      "'feed' FROM audit WHERE seq = 10");
  EXPECT_FALSE(Check().ok);
}

TEST_F(AuditTest, ReorderedRecordsAreDetected) {
  Tamper(
      "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (2, 3);"
      "UPDATE audit SET at = (SELECT at FROM t WHERE seq = 3), target = (SELECT target FROM t "
      "WHERE seq = 3), prev_hash = (SELECT prev_hash FROM t WHERE seq = 3), hash = (SELECT hash "
      "FROM t WHERE seq = 3) WHERE seq = 2;"
      "UPDATE audit SET at = (SELECT at FROM t WHERE seq = 2), target = (SELECT target FROM t "
      "WHERE seq = 2), prev_hash = (SELECT prev_hash FROM t WHERE seq = 2), hash = (SELECT hash "
      "FROM t WHERE seq = 2) WHERE seq = 3;");
  EXPECT_FALSE(Check().ok);
}

TEST_F(AuditTest, ForgedSealIsDetected) {
  Tamper("UPDATE audit_seals SET signature = replace(signature, 'a', 'b') WHERE seq = 3");
  EXPECT_FALSE(Check().ok);
}

TEST_F(AuditTest, KeyReloadsAndSignaturesVerify) {
  auto again = HubKey::Load((dir_ / "hub.db.key").string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->PublicKeyHex(), key_.PublicKeyHex());
  std::string sig = key_.SignHex("hello");
  EXPECT_TRUE(HubKey::VerifyHex(key_.PublicKeyHex(), "hello", sig));
  EXPECT_FALSE(HubKey::VerifyHex(key_.PublicKeyHex(), "hellO", sig));
  EXPECT_EQ(again->DeriveKey("next"), key_.DeriveKey("next"));
  EXPECT_NE(key_.DeriveKey("next"), key_.DeriveKey("other"));
}

}  // namespace
}  // namespace tansiq::audit
