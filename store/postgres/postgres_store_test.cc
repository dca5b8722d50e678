// PostgreSQL-specific behaviour of the backend (the conformance suite covers the rest): when the
// server drops the store's connections (a restart, a failover, an administrator), the next write
// and read reconnect by themselves; several stores (nodes) on one database assign date_added in
// commit order, so incremental TAXII readers miss nothing another node commits. Needs a cluster:
// TANSIQ_TEST_PG_DIR (ctest fixture store_pg).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/mutex.h"
#include "store/postgres/pg.h"
#include "store/postgres/postgres.h"
#include "store/testing/seed.h"

namespace tansiq::store {
namespace {

std::string ClusterUri() {
  const char* dir = std::getenv("TANSIQ_TEST_PG_DIR");
  if (dir == nullptr) return "";
  std::ifstream in(std::string(dir) + "/uri");
  std::string uri;
  std::getline(in, uri);
  return uri;
}

TEST(PostgresStore, ReconnectsAfterTheServerDropsItsConnections) {
  const std::string admin_uri = ClusterUri();
  if (admin_uri.empty()) GTEST_SKIP() << "no PostgreSQL cluster (TANSIQ_TEST_PG_DIR)";
  auto admin = pg::Connection::Open(admin_uri);
  ASSERT_TRUE(admin.ok()) << admin.status().message();
  ASSERT_TRUE((*admin)->Exec("DROP DATABASE IF EXISTS tansiq_reconnect WITH (FORCE)").ok());
  ASSERT_TRUE((*admin)->Exec("CREATE DATABASE tansiq_reconnect").ok());
  const std::string uri =
      admin_uri.substr(0, admin_uri.rfind('/')) + "/tansiq_reconnect";  // ".../postgres"
  {
    auto store = OpenPostgres({.uri = uri});
    ASSERT_TRUE(store.ok()) << store.status().message();
    ASSERT_TRUE((*store)->Write([](WriteTxn& t) { return t.PutMeta("k", "1"); }).ok());
    ASSERT_EQ(**(*store)->Meta("k"), "1");  // a pooled read connection now exists
    auto killed = (*admin)->Query(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = 'tansiq_reconnect'");
    ASSERT_TRUE(killed.ok()) << killed.status().message();
    EXPECT_EQ(killed->Int(0, 0), 2);  // the writer and the pooled reader
    Status s = (*store)->Write([](WriteTxn& t) { return t.PutMeta("k", "2"); });
    EXPECT_TRUE(s.ok()) << s.message();
    auto v = (*store)->Meta("k");
    ASSERT_TRUE(v.ok()) << v.status().message();
    EXPECT_EQ(**v, "2");
  }
  EXPECT_TRUE((*admin)->Exec("DROP DATABASE tansiq_reconnect WITH (FORCE)").ok());
}

// A fresh database `name` on the test cluster; its URI, or "" (skip) without a cluster.
std::string FreshDatabase(const std::string& name) {
  const std::string admin_uri = ClusterUri();
  if (admin_uri.empty()) return "";
  auto admin = pg::Connection::Open(admin_uri);
  EXPECT_TRUE(admin.ok()) << admin.status().message();
  if (!admin.ok()) return "";
  EXPECT_TRUE((*admin)->Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").ok());
  EXPECT_TRUE((*admin)->Exec("CREATE DATABASE " + name).ok());
  return admin_uri.substr(0, admin_uri.rfind('/')) + "/" + name;
}

void DropDatabase(const std::string& name) {
  auto admin = pg::Connection::Open(ClusterUri());
  ASSERT_TRUE(admin.ok()) << admin.status().message();
  EXPECT_TRUE((*admin)->Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").ok());
}

// Issue 14 item 4: two nodes (two stores on one database) write concurrently — small group
// commits, each job holding its transaction open a little after storing its version, some jobs
// rolled back — while one incremental reader per node pages through the collection, one by
// added_after (the last date_added it saw), one by cursor (next). Each must see every
// acknowledged version exactly once. Assigning date_added per node (when the version is
// written, not in commit order) makes a reader skip a version that commits after a later
// one of the other node.
TEST(PostgresStore, DateAddedFollowsCommitOrderAcrossNodes) {
  const std::string uri = FreshDatabase("tansiq_two_nodes");
  if (uri.empty()) GTEST_SKIP() << "no PostgreSQL cluster (TANSIQ_TEST_PG_DIR)";
  {
    auto node1 = OpenPostgres({.uri = uri, .max_batch = 3});
    ASSERT_TRUE(node1.ok()) << node1.status().message();
    auto node2 = OpenPostgres({.uri = uri, .max_batch = 3});
    ASSERT_TRUE(node2.ok()) << node2.status().message();
    ASSERT_TRUE((*node1)->Write([](WriteTxn& t) { return test_support::SeedDirectory(t); }).ok());
    const policy::Reader alice{1, "alice", 0, policy::kOfficer};
    const policy::Releasability everyone{.originator = 0, .parties = 0b111};

    constexpr int kPerNode = 120;
    std::atomic<int> pending{2 * kPerNode};
    struct {
      Mutex mu;
      std::set<std::string> ids TANSIQ_GUARDED_BY(mu);
    } acknowledged;
    for (int i = 0; i < kPerNode; ++i) {
      for (int node = 0; node < 2; ++node) {
        const std::string id = "indicator--" + std::to_string(node) + "-" + std::to_string(i);
        const NewVersion v = test_support::DocVersion("c1", id, 1, everyone, "{}");
        const bool roll_back = i % 7 == 6;
        (node == 0 ? *node1 : *node2)
            ->Submit(
                [v, roll_back, i](WriteTxn& t) -> Status {
                  auto put = t.PutVersion(v);
                  if (!put.ok()) return put.status();
                  // The transaction stays open a moment after date_added was assigned.
                  std::this_thread::sleep_for(std::chrono::microseconds(300 * (i % 4)));
                  return roll_back ? Unprocessable("rolled back") : Status::Ok();
                },
                [&, id, roll_back](Status s) {
                  EXPECT_EQ(s.ok(), !roll_back) << id << ": " << s.message();
                  if (s.ok()) {
                    MutexLock lock(acknowledged.mu);
                    acknowledged.ids.insert(id);
                  }
                  --pending;
                });
      }
    }
    // Reads until a read that started after the last acknowledgement comes back empty.
    auto incremental = [&](Store& store, bool by_cursor, std::vector<std::string>& seen) {
      Micros added_after = -1;
      std::optional<Cursor> cursor;
      for (;;) {
        const bool finished = pending == 0;
        VersionFilter f;
        if (!by_cursor && added_after >= 0) f.added_after = added_after;
        auto page = store.ListVersions(alice, "c1", f, cursor, 10);
        ASSERT_TRUE(page.ok()) << page.status().message();
        for (const auto& row : page->rows) {
          seen.push_back(row.id);
          added_after = row.date_added;
          cursor = Cursor{row.date_added, row.seq};
        }
        if (finished && !page->more) return;
      }
    };
    std::vector<std::string> by_added_after, by_cursor;
    std::thread reader1([&] { incremental(**node1, false, by_added_after); });
    std::thread reader2([&] { incremental(**node2, true, by_cursor); });
    reader1.join();
    reader2.join();
    MutexLock lock(acknowledged.mu);
    EXPECT_EQ(acknowledged.ids.size(), 2u * (kPerNode - kPerNode / 7));
    for (const auto* seen : {&by_added_after, &by_cursor}) {
      const std::set<std::string> distinct(seen->begin(), seen->end());
      EXPECT_EQ(distinct.size(), seen->size()) << "a version returned twice";
      std::vector<std::string> skipped;
      for (const auto& id : acknowledged.ids) {
        if (!distinct.contains(id)) skipped.push_back(id);
      }
      EXPECT_TRUE(skipped.empty())
          << skipped.size() << " acknowledged versions skipped, e.g. " << skipped.front();
      EXPECT_EQ(distinct.size(), acknowledged.ids.size());
    }
  }
  DropDatabase("tansiq_two_nodes");
}

// Appends one record to the audit chain, as hub::Auditor does (LastAudit, then AppendAudit).
Status AppendOne(WriteTxn& t, const std::string& target) {
  auto last = t.LastAudit();
  if (!last.ok()) return last.status();
  const std::int64_t seq = last->has_value() ? (*last)->seq + 1 : 1;
  return t.AppendAudit({seq, t.Now(), "-", "-", "test", target, "ok", "", std::to_string(seq)});
}

// The object lock and the audit chain's lock are taken in one order on every node, whatever
// order a transaction asks for them in: a batch on one node that audits first (a login) and
// ingests next must not deadlock with another node's batch that ingests first (object lock)
// and audits next. Without LastAudit taking the object lock first, PostgreSQL breaks such
// deadlocks by failing a job (40P01, answered 503).
TEST(PostgresStore, ObjectAndAuditLocksDoNotDeadlockAcrossNodes) {
  const std::string uri = FreshDatabase("tansiq_lock_order");
  if (uri.empty()) GTEST_SKIP() << "no PostgreSQL cluster (TANSIQ_TEST_PG_DIR)";
  {
    auto node1 = OpenPostgres({.uri = uri});
    ASSERT_TRUE(node1.ok()) << node1.status().message();
    auto node2 = OpenPostgres({.uri = uri});
    ASSERT_TRUE(node2.ok()) << node2.status().message();
    ASSERT_TRUE((*node1)->Write([](WriteTxn& t) { return test_support::SeedDirectory(t); }).ok());
    const policy::Releasability everyone{.originator = 0, .parties = 0b111};
    constexpr int kJobs = 20;
    std::atomic<int> pending{2 * kJobs};
    std::atomic<int> failed{0};
    for (int i = 0; i < kJobs; ++i) {
      for (int node = 0; node < 2; ++node) {
        const std::string id = "indicator--" + std::to_string(node) + "-" + std::to_string(i);
        const NewVersion v = test_support::DocVersion("c1", id, 1, everyone, "{}");
        const bool audit_first = node == 0;
        (node == 0 ? *node1 : *node2)
            ->Submit(
                [v, audit_first](WriteTxn& t) -> Status {
                  // The first lock is held a moment before the second is asked for.
                  const auto pause = [] {
                    std::this_thread::sleep_for(std::chrono::milliseconds(3));
                  };
                  if (audit_first) {
                    TANSIQ_RETURN_IF_ERROR(AppendOne(t, v.id));
                    pause();
                    return t.PutVersion(v).status();
                  }
                  auto put = t.PutVersion(v);
                  if (!put.ok()) return put.status();
                  pause();
                  return AppendOne(t, v.id);
                },
                [&, id](Status s) {
                  EXPECT_TRUE(s.ok()) << id << ": " << s.message();
                  if (!s.ok()) ++failed;
                  --pending;
                });
      }
    }
    while (pending > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(failed, 0);
  }
  DropDatabase("tansiq_lock_order");
}

}  // namespace
}  // namespace tansiq::store
