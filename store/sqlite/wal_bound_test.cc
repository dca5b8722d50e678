// The SQLite store's WAL stays bounded under sustained ingest beside readers that never let go
// together (issue 16.7: PASSIVE checkpoints alone let a 5.8 GB WAL grow beside a 451 MB
// database). Sizes are asserted, never durations.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite.h"
#include "store/store.h"
#include "store/testing/seed.h"

namespace tansiq::store {
namespace {

namespace fs = std::filesystem;

std::int64_t FileSize(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? 0 : static_cast<std::int64_t>(n);
}

// One write job of `docs` objects of about `padding` bytes each.
WriteJob PutDocs(int first, int docs, std::size_t padding) {
  return [=](WriteTxn& t) -> Status {
    for (int i = first; i < first + docs; ++i) {
      NewVersion v;
      v.collection_id = "c1";
      v.id = "indicator--00000000-0000-4000-8000-" + std::to_string(100000000000 + i);
      v.type = "indicator";
      v.spec_version = "2.1";
      v.version = 100;
      v.version_text = "100";
      v.json = "{\"id\":\"" + v.id + "\",\"x\":\"" + std::string(padding, 'x') + "\"}";
      v.releasability = {.originator = 0, .parties = 1};
      v.search = stix::SearchText{};
      auto r = t.PutVersion(v);
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  };
}

Status PutAndWait(Store& store, WriteJob job) {
  std::promise<Status> p;
  auto f = p.get_future();
  store.Submit(std::move(job), [&p](Status s) { p.set_value(s); });
  return f.get();
}

// A party and the collection the documents go to.
Status AddPartyAndCollection(Store& store) {
  return store.Write(
      [](WriteTxn& t) { return store::test_support::SeedDirectory(t, {"a"}, false); });
}

class WalBound : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tansiq-wal-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "hub.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Readers on their own connections, each holding a read transaction across a few steps so
  // that at every moment some reader keeps a WAL snapshot: PASSIVE checkpoints never finish.
  void StartReaders(int n) {
    for (int i = 0; i < n; ++i) {
      readers_.emplace_back([this] {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
          return;
        }
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db, "SELECT count(*) FROM versions", -1, &st, nullptr);
        while (!stop_) {
          sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
          for (int k = 0; k < 3 && st; ++k) {
            while (sqlite3_step(st) == SQLITE_ROW) {
            }
            sqlite3_reset(st);
          }
          sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
          ++reads_;
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
      });
    }
  }
  void StopReaders() {
    stop_ = true;
    for (auto& t : readers_) t.join();
    readers_.clear();
  }

  fs::path dir_;
  std::string path_;
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> reads_{0};
  std::vector<std::thread> readers_;
};

TEST_F(WalBound, StaysBoundedUnderSustainedIngestWithReaders) {
  constexpr std::int64_t kBound = 1 << 20;  // 1 MiB
  SqliteOptions o{.path = path_};
  o.wal_restart_bytes = kBound;
  o.wal_idle_ms = 3'600'000;  // the RESTART path alone, not the idle TRUNCATE
  auto store = OpenSqlite(o);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE(AddPartyAndCollection(**store).ok());
  StartReaders(4);
  const fs::path wal = path_ + "-wal";
  std::int64_t max_wal = 0;
  constexpr int kJobs = 300, kDocs = 10;  // 3,000 objects of 8 KB: about 30 MB written
  Status put;
  for (int j = 0; j < kJobs && put.ok(); ++j) {
    put = PutAndWait(**store, PutDocs(j * kDocs, kDocs, 8192));
    max_wal = std::max(max_wal, FileSize(wal));
  }
  StopReaders();
  ASSERT_TRUE(put.ok()) << put.message();
  EXPECT_GT(reads_.load(), 0);
  EXPECT_GT(FileSize(path_) + FileSize(wal),
            24 * kBound);  // the bound is far below what was written
  // The bound plus one job's frames (about 150 KB of pages).
  EXPECT_LT(max_wal, 2 * kBound) << "WAL grew to " << max_wal << " bytes";
}

TEST_F(WalBound, IdleWriterTruncatesTheWal) {
  SqliteOptions o{.path = path_};
  o.wal_restart_bytes = 1 << 20;
  o.wal_idle_ms = 50;
  auto store = OpenSqlite(o);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE(AddPartyAndCollection(**store).ok());
  const fs::path wal = path_ + "-wal";
  for (int j = 0; j < 20; ++j) ASSERT_TRUE(PutAndWait(**store, PutDocs(j * 10, 10, 4096)).ok());
  EXPECT_GT(FileSize(wal), 0);
  // No duration is asserted; 60 s only ends a wait that would otherwise never end.
  for (int i = 0; i < 3000 && FileSize(wal) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(FileSize(wal), 0);
}

}  // namespace
}  // namespace tansiq::store
