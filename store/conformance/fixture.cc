// The conformance suite's backends, fixture and helpers (fixture.h).
#include "store/conformance/fixture.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "store/postgres/pg.h"
#include "store/postgres/postgres.h"
#include "store/sqlite/sqlite.h"
#include "store/testing/seed.h"

namespace tansiq::store::conformance {
namespace {

// PostgreSQL: one database per test on the cluster ctest started (TANSIQ_TEST_PG_DIR) or on
// the server TANSIQ_TEST_PG names; created at the first open of a test's `dir`, dropped after.
std::string PgAdminUri() {
  if (const char* uri = std::getenv("TANSIQ_TEST_PG")) return uri;
  if (const char* dir = std::getenv("TANSIQ_TEST_PG_DIR")) {
    std::ifstream in(std::string(dir) + "/uri");
    std::string uri;
    std::getline(in, uri);
    if (uri.empty()) ADD_FAILURE() << "TANSIQ_TEST_PG_DIR=" << dir << " holds no cluster URI";
    return uri.empty() ? "postgresql://no-cluster-started" : uri;
  }
  return "";
}

// The URI of database `name` on the server of `admin` (its path replaced).
std::string WithDatabase(const std::string& admin, const std::string& name) {
  const auto scheme = admin.find("://");
  const auto path = admin.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const auto query = admin.find('?');
  std::string out = admin.substr(0, path == std::string::npos ? admin.find('?') : path);
  out += "/" + name;
  if (query != std::string::npos) out += admin.substr(query);
  return out;
}

// A database name for a test directory ("tansiq-store-<pid>-<n>" → "tansiq_store_<pid>_<n>").
std::string DatabaseFor(const std::string& dir) {
  std::string name = std::filesystem::path(dir).filename().string();
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

Status AdminExec(const std::string& sql) {
  auto admin = pg::Connection::Open(PgAdminUri());
  if (!admin.ok()) return admin.status();
  return (*admin)->Exec(sql);
}

Backend PostgresBackend() {
  Backend b;
  b.name = "postgres";
  b.roles = {Role::kDirectory, Role::kObjects,  Role::kStatuses, Role::kAudit,
             Role::kMailbox,   Role::kWebhooks, Role::kWritePath};
  b.open = [](const std::string& dir, const Clock* clock) -> std::unique_ptr<Store> {
    const std::string db = DatabaseFor(dir);
    const auto marker = std::filesystem::path(dir) / "postgres-database";
    if (!std::filesystem::exists(marker)) {
      // One statement per call: CREATE DATABASE refuses the implicit transaction block of a
      // multi-statement query.
      Status s = AdminExec("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      if (s.ok()) s = AdminExec("CREATE DATABASE " + db);
      EXPECT_TRUE(s.ok()) << s.message();
      if (!s.ok()) return nullptr;
      std::ofstream(marker) << db << "\n";
    }
    auto s = OpenPostgres({.uri = WithDatabase(PgAdminUri(), db), .clock = clock});
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(*s) : nullptr;
  };
  b.drop = [](const std::string& dir) {
    if (!std::filesystem::exists(std::filesystem::path(dir) / "postgres-database")) return;
    Status s = AdminExec("DROP DATABASE IF EXISTS " + DatabaseFor(dir) + " WITH (FORCE)");
    EXPECT_TRUE(s.ok()) << s.message();
  };
  return b;
}

}  // namespace

std::vector<Backend> Backends(Role role) {
  std::vector<Backend> all;
  all.push_back({"sqlite", [](const std::string& dir, const Clock* clock) {
                   auto s = OpenSqlite({.path = dir + "/hub.db", .clock = clock});
                   EXPECT_TRUE(s.ok()) << s.status().message();
                   return s.ok() ? std::move(*s) : nullptr;
                 }});
  if (!PgAdminUri().empty()) all.push_back(PostgresBackend());
  std::vector<Backend> out;
  for (auto& b : all) {
    if (b.roles.empty() || std::find(b.roles.begin(), b.roles.end(), role) != b.roles.end()) {
      out.push_back(std::move(b));
    }
  }
  return out;
}

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }

Status PutDoc(Store& store, const std::string& coll, const std::string& id, Micros version,
              Releasability rel, const std::string& json, std::vector<std::string> gates,
              PutOutcome* out) {
  const NewVersion v =
      test_support::DocVersion(coll, id, version, std::move(rel), json, std::move(gates));
  return store.Write([&](WriteTxn& t) -> Status {
    auto r = t.PutVersion(v);
    if (!r.ok()) return r.status();
    if (out) *out = *r;
    return Status::Ok();
  });
}

Status PutRecord(Store& store, const std::string& id, Micros at, std::vector<std::string> keys,
                 std::string type) {
  return store.Write([&](WriteTxn& t) {
    return t.PutAnalysis({id, type, "name of " + id, at, 0, std::move(keys)});
  });
}

std::vector<std::string> HitIds(const SearchResult& r) {
  std::vector<std::string> ids;
  for (const auto& h : r.hits) ids.push_back(h.id);
  return ids;
}

SearchQuery Words(std::string text, std::vector<std::string> keys) {
  SearchQuery q;
  q.all.push_back({{SearchTerm{std::move(text), false, {}}}});
  if (!keys.empty()) q.all.back().any.push_back(SearchTerm{"", false, std::move(keys)});
  return q;
}

namespace {
std::atomic<int> counter{0};
}  // namespace

void StoreConformance::SetUp() {
  dir_ = std::filesystem::temp_directory_path() /
         ("tansiq-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  store_ = GetParam().open(dir_.string(), &clock_);
  ASSERT_TRUE(store_ != nullptr);
  ASSERT_TRUE(store_->Write([](WriteTxn& t) { return test_support::SeedDirectory(t); }).ok());
}

void StoreConformance::TearDown() {
  store_.reset();
  GetParam().drop(dir_.string());
  std::filesystem::remove_all(dir_);
}

bool StoreConformance::Implements(Role role) const {
  const auto& roles = GetParam().roles;
  return roles.empty() || std::find(roles.begin(), roles.end(), role) != roles.end();
}

void StoreConformance::Reopen() {
  store_.reset();
  store_ = GetParam().open(dir_.string(), &clock_);
}

Status StoreConformance::Put(const std::string& coll, const std::string& id, Micros version,
                             Releasability rel, std::vector<std::string> gates, PutOutcome* out) {
  return PutDoc(*store_, coll, id, version, std::move(rel),
                "{\"id\":\"" + id + "\",\"v\":" + std::to_string(version) + "}", std::move(gates),
                out);
}

std::vector<std::string> StoreConformance::Ids(const Reader& r, VersionFilter f, std::string coll) {
  auto page = store_->ListVersions(r, coll, f, std::nullopt, 1000);
  EXPECT_TRUE(page.ok());
  std::vector<std::string> out;
  for (const auto& row : page->rows) out.push_back(row.id + "@" + std::to_string(row.version));
  return out;
}

}  // namespace tansiq::store::conformance
