// The SQLite store under injected I/O faults (fault_vfs.h): a write under a fault fails with
// kUnavailable and leaves nothing behind, acknowledged writes survive, reads keep working, the
// database stays intact, and writes succeed again once the fault clears, without reopening.
#include "store/sqlite/fault_vfs.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <latch>
#include <thread>

#include "store/sqlite/sqlite.h"
#include "store/store.h"
#include "store/testing/seed.h"

namespace tansiq::store::sqlite {
namespace {

namespace fs = std::filesystem;

NewVersion Doc(const std::string& id, std::size_t padding = 0) {
  NewVersion v;
  v.collection_id = "c1";
  v.id = id;
  v.type = "indicator";
  v.spec_version = "2.1";
  v.version = 100;
  v.version_text = "100";
  v.json = "{\"id\":\"" + id + "\",\"x\":\"" + std::string(padding, 'x') + "\"}";
  v.releasability = {.originator = 0, .parties = 1};
  v.search = stix::SearchText{};  // nothing to index: keeps big documents cheap
  return v;
}

WriteJob PutJob(NewVersion v) {
  return [v = std::move(v)](WriteTxn& t) -> Status {
    auto r = t.PutVersion(v);
    return r.ok() ? Status::Ok() : r.status();
  };
}

std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  std::string out = "open failed";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

class FaultVfs : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InstallFaultVfs().ok());
    SetFault({});
    dir_ = fs::temp_directory_path() /
           ("tansiq-fault-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Open();
    ASSERT_TRUE(
        store_
            ->Write([](WriteTxn& t) { return store::test_support::SeedDirectory(t, {"a"}, false); })
            .ok());
  }
  void TearDown() override {
    SetFault({});
    store_.reset();
    fs::remove_all(dir_);
  }
  void Open() {
    auto s = OpenSqlite({.path = Path()});
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }
  std::string Path() const { return (dir_ / "hub.db").string(); }
  bool Present(const std::string& id) {
    auto h = store_->Head(id);
    EXPECT_TRUE(h.ok()) << h.status().message();
    return h.ok() && h->has_value();
  }
  Status Put(const std::string& id) { return store_->Write(PutJob(Doc(id))); }

  // The common scenario: one write before, one under `fault`, one after it cleared; then a
  // reopen must show exactly the acknowledged ones and an intact database.
  void Scenario(const Fault& fault) {
    ASSERT_TRUE(Put("indicator--before").ok());
    std::uint64_t injected = InjectedFaults();
    SetFault(fault);
    Status under = Put("indicator--under");
    EXPECT_FALSE(under.ok());
    EXPECT_EQ(under.code(), ErrorCode::kUnavailable) << under.message();
    EXPECT_GT(InjectedFaults(), injected) << "the fault never fired";
    // Reads still work, and do not see the failed write.
    EXPECT_TRUE(Present("indicator--before"));
    EXPECT_FALSE(Present("indicator--under"));
    // Still failing while the fault lasts (the store does not wedge into success either).
    EXPECT_FALSE(Put("indicator--under2").ok());
    SetFault({});
    Status after = Put("indicator--after");
    EXPECT_TRUE(after.ok()) << after.message();
    store_.reset();
    EXPECT_EQ(IntegrityCheck(Path()), "ok");
    Open();
    EXPECT_TRUE(Present("indicator--before"));
    EXPECT_TRUE(Present("indicator--after"));
    EXPECT_FALSE(Present("indicator--under"));
    EXPECT_FALSE(Present("indicator--under2"));
    EXPECT_EQ(*store_->CountVersions(), 2);
  }

  static inline std::atomic<int> counter_{0};
  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST(FaultParse, KnownAndUnknown) {
  EXPECT_EQ(ParseFault("none")->kind, Fault::Kind::kNone);
  EXPECT_EQ(ParseFault("  \n")->kind, Fault::Kind::kNone);
  EXPECT_EQ(ParseFault("full\n")->kind, Fault::Kind::kDiskFull);
  EXPECT_EQ(ParseFault("fsync")->kind, Fault::Kind::kFsync);
  EXPECT_EQ(ParseFault("readonly")->kind, Fault::Kind::kReadOnly);
  auto slow = ParseFault("slow 50ms");
  ASSERT_TRUE(slow.ok());
  EXPECT_EQ(slow->kind, Fault::Kind::kSlow);
  EXPECT_EQ(slow->delay, std::chrono::milliseconds(50));
  EXPECT_EQ(ParseFault("slow 7")->delay, std::chrono::milliseconds(7));
  EXPECT_EQ(ParseFault("slow 300us")->delay, std::chrono::microseconds(300));
  EXPECT_EQ(ParseFault("slow 2s")->delay, std::chrono::seconds(2));
  EXPECT_FALSE(ParseFault("slow").ok());
  EXPECT_FALSE(ParseFault("slow fast").ok());
  EXPECT_FALSE(ParseFault("slow 5h").ok());
  EXPECT_FALSE(ParseFault("ful").ok());
}

TEST_F(FaultVfs, DiskFull) { Scenario({Fault::Kind::kDiskFull}); }
TEST_F(FaultVfs, FsyncFailure) { Scenario({Fault::Kind::kFsync}); }
TEST_F(FaultVfs, ReadOnly) { Scenario({Fault::Kind::kReadOnly}); }

TEST_F(FaultVfs, SlowDiskDelaysButStores) {
  SetFault({Fault::Kind::kSlow, std::chrono::milliseconds(20)});
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(Put("indicator--slow").ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(20));
  SetFault({});
  store_.reset();
  Open();
  EXPECT_TRUE(Present("indicator--slow"));
}

// Many requests in one group commit under a full disk: every one fails, none is stored.
TEST_F(FaultVfs, GroupCommitUnderFaultFailsEveryJob) {
  SetFault({Fault::Kind::kDiskFull});
  constexpr int kJobs = 50;
  std::vector<std::promise<Status>> done(kJobs);
  for (int i = 0; i < kJobs; ++i) {
    store_->Submit(PutJob(Doc("indicator--g" + std::to_string(i))),
                   [&done, i](Status s) { done[i].set_value(s); });
  }
  for (auto& d : done) EXPECT_EQ(d.get_future().get().code(), ErrorCode::kUnavailable);
  SetFault({});
  ASSERT_TRUE(Put("indicator--after").ok());
  store_.reset();
  EXPECT_EQ(IntegrityCheck(Path()), "ok");
  Open();
  EXPECT_EQ(*store_->CountVersions(), 1);
}

// A job big enough to spill the page cache hits the full disk mid-transaction, and SQLite
// rolls back the whole transaction — the jobs before it in the same batch included. None of
// the batch may then be acknowledged, and no later job of the batch may run outside the
// transaction (its savepoint would commit on its own while being reported as failed).
TEST_F(FaultVfs, MidTransactionRollbackFailsTheWholeBatch) {
  std::latch started(1), queued(1);
  std::promise<Status> gate_done;
  store_->Submit(
      [&](WriteTxn&) -> Status {
        started.count_down();
        queued.wait();  // holds the writer until the batch below is queued
        return Status::Ok();
      },
      [&](Status s) { gate_done.set_value(s); });
  started.wait();  // the gate runs in a batch of its own
  std::vector<std::promise<Status>> done(3);
  store_->Submit(PutJob(Doc("indicator--first")), [&](Status s) { done[0].set_value(s); });
  store_->Submit(
      [](WriteTxn& t) -> Status {
        SetFault({Fault::Kind::kDiskFull});
        Status s;
        // ~96 MiB of dirty pages: more than the 64 MiB cache, so SQLite spills to the WAL.
        for (int i = 0; i < 96 && s.ok(); ++i) {
          auto r = t.PutVersion(Doc("indicator--big" + std::to_string(i), 1 << 20));
          if (!r.ok()) s = r.status();
        }
        SetFault({});  // the fault clears before the next job runs
        return s.ok() ? Internal("the page cache never spilled: enlarge the job") : s;
      },
      [&](Status s) { done[1].set_value(s); });
  store_->Submit(PutJob(Doc("indicator--third")), [&](Status s) { done[2].set_value(s); });
  queued.count_down();
  ASSERT_TRUE(gate_done.get_future().get().ok());
  std::vector<Status> results;
  for (auto& d : done) results.push_back(d.get_future().get());
  EXPECT_EQ(results[1].code(), ErrorCode::kUnavailable) << results[1].message();
  // Whatever each job was told must match what was stored.
  EXPECT_EQ(results[0].ok(), Present("indicator--first")) << results[0].message();
  EXPECT_EQ(results[2].ok(), Present("indicator--third")) << results[2].message();
  EXPECT_FALSE(Present("indicator--big0"));
  store_.reset();
  EXPECT_EQ(IntegrityCheck(Path()), "ok");
  Open();
  EXPECT_EQ(results[0].ok(), Present("indicator--first"));
  EXPECT_EQ(results[2].ok(), Present("indicator--third"));
  EXPECT_FALSE(Present("indicator--big0"));
  ASSERT_TRUE(Put("indicator--after").ok());
}

// The control file `tansiq serve` polls (TANSIQ_FAULT_FILE): changes apply to the next call.
TEST_F(FaultVfs, ControlFileSwitchesFaultsAtRunTime) {
  fs::path control = dir_ / "fault";
  auto write = [&](const std::string& text) {
    fs::path tmp = dir_ / "fault.tmp";
    std::ofstream(tmp) << text;
    fs::rename(tmp, control);
  };
  write("none");
  ASSERT_TRUE(InstallFaultVfs(control.string()).ok());
  ASSERT_TRUE(Put("indicator--1").ok());
  write("full");
  EXPECT_EQ(CurrentFault().kind, Fault::Kind::kDiskFull);
  EXPECT_EQ(Put("indicator--2").code(), ErrorCode::kUnavailable);
  write("fsync");
  EXPECT_EQ(Put("indicator--3").code(), ErrorCode::kUnavailable);
  write("nonsense");  // unparsable: no fault (and a warning)
  EXPECT_TRUE(Put("indicator--4").ok());
  write("readonly");
  EXPECT_EQ(Put("indicator--5").code(), ErrorCode::kUnavailable);
  fs::remove(control);  // a missing file is "none"
  EXPECT_TRUE(Put("indicator--6").ok());
  EXPECT_TRUE(Present("indicator--1"));
  EXPECT_FALSE(Present("indicator--2"));
  EXPECT_FALSE(Present("indicator--3"));
  EXPECT_TRUE(Present("indicator--4"));
  EXPECT_FALSE(Present("indicator--5"));
  EXPECT_TRUE(Present("indicator--6"));
}

// A commit whose fsync failed wrote valid WAL frames that were never published. If nothing
// overwrote them, a crash followed by WAL recovery would bring the refused batch back; the
// writer therefore commits a small write of its own once the disk allows. The crash is the
// database and WAL files copied as they are while the store still runs (what kill -9 leaves).
TEST_F(FaultVfs, RefusedCommitDoesNotComeBackAfterACrash) {
  ASSERT_TRUE(Put("indicator--before").ok());
  SetFault({Fault::Kind::kFsync});
  EXPECT_FALSE(Put("indicator--under").ok());
  SetFault({});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the writer retries every 100
  fs::path crash = dir_ / "crash";
  fs::create_directories(crash);
  fs::copy_file(Path() + "-wal", crash / "hub.db-wal");
  fs::copy_file(Path(), crash / "hub.db");
  auto copy = OpenSqlite({.path = (crash / "hub.db").string()});
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  auto under = (*copy)->Head("indicator--under");
  auto before = (*copy)->Head("indicator--before");
  ASSERT_TRUE(under.ok() && before.ok());
  EXPECT_FALSE(under->has_value()) << "a refused commit came back after a crash";
  EXPECT_TRUE(before->has_value());
}

}  // namespace
}  // namespace tansiq::store::sqlite
