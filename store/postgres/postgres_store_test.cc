// PostgreSQL-specific behaviour of the backend (the conformance suite covers the rest): when the
// server drops the store's connections (a restart, a failover, an administrator), the next write
// and read reconnect by themselves. Needs a cluster: TANSIQ_TEST_PG_DIR (ctest fixture store_pg).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "store/postgres/pg.h"
#include "store/postgres/postgres.h"

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

}  // namespace
}  // namespace tansiq::store
